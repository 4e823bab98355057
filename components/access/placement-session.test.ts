import assert from "node:assert/strict";
import type { HeldCommand } from "../remote";
import { PlacementSession, placementSession } from "./placement-session";

/** A lock that records its release. */
function recordingLock(events: string[], name: string): HeldCommand {
    return { release: async () => void events.push(`release ${name}`) };
}

describe("placement session", () => {
    it("takes the hosts' locks once for operations that overlap, and releases them after the last", async () => {
        const session = new PlacementSession();
        const events: string[] = [];
        const take = async () => {
            events.push("take");
            return [recordingLock(events, "n1"), recordingLock(events, "n2")];
        };
        await session.enter(take);
        await session.enter(take);
        await session.leave();
        assert.deepEqual(events, ["take"]);
        await session.leave();
        assert.deepEqual(events, ["take", "release n1", "release n2"]);
        await session.enter(take);
        await session.leave();
        assert.deepEqual(events.filter((event) => event === "take").length, 2, "a later operation takes them again");
    });

    it("lets the locks go without waiting for their holders to end", async () => {
        const session = new PlacementSession();
        const events: string[] = [];
        const slowRelease: HeldCommand = { release: () => (events.push("release asked"), new Promise<void>(() => {})) };
        const failingRelease: HeldCommand = { release: async () => Promise.reject(new Error("channel already gone")) };
        await session.enter(async () => [slowRelease, failingRelease]);
        await session.leave();
        assert.deepEqual(events, ["release asked"]);
    });

    it("fails every operation waiting for locks that could not be taken, and a later one tries again", async () => {
        const session = new PlacementSession();
        const refused = async (): Promise<HeldCommand[]> => {
            throw new Error("lock held elsewhere");
        };
        await Promise.all([assert.rejects(session.enter(refused), /held elsewhere/), assert.rejects(session.enter(refused), /held elsewhere/)]);
        let taken = 0;
        await session.enter(async () => {
            taken += 1;
            return [];
        });
        await session.leave();
        assert.equal(taken, 1);
    });

    it("places one at a time, and a placement sees what earlier ones claimed until they release it", async () => {
        const session = new PlacementSession();
        const order: string[] = [];
        const slow = (name: string, bytes: number) => async () => {
            order.push(`${name} starts`);
            await new Promise((resolve) => setTimeout(resolve, 20));
            order.push(`${name} ends`);
            return { placed: name, claims: [{ node: "n1", vgName: "vg_1", bytes }] };
        };
        const [first, second] = await Promise.all([session.place(slow("web", 100)), session.place(slow("db", 50))]);
        assert.deepEqual(order, ["web starts", "web ends", "db starts", "db ends"]);
        assert.deepEqual([...session.claimedBytes()], [["n1/vg_1", 150]]);
        session.release(first.claims, false);
        assert.deepEqual([...session.claimedBytes()], [["n1/vg_1", 50]]);
        session.release(second.claims, false);
        assert.deepEqual([...session.claimedBytes()], []);
    });

    it("reads a node's free space once while the locks are held, and counts what it placed since until the locks go", async () => {
        const session = new PlacementSession();
        let reads = 0;
        const read = async () => {
            reads += 1;
            return [{ vgName: "vg_1", vgSize: 1000, vgFree: 800 - reads, pvCount: 1, lvCount: 0 }];
        };
        await session.enter(async () => []);
        const { claims } = await session.place(async () => {
            await session.volumeGroups("n1", read);
            return { placed: "web", claims: [{ node: "n1", vgName: "vg_1", bytes: 100 }] };
        });
        session.release(claims, true);
        assert.deepEqual(await session.volumeGroups("n1", read), [{ vgName: "vg_1", vgSize: 1000, vgFree: 799, pvCount: 1, lvCount: 0 }], "the first read, not a new one");
        assert.deepEqual([...session.claimedBytes()], [["n1/vg_1", 100]], "the LV made since that read still counts");
        await session.volumeGroups("n2", read);
        assert.equal(reads, 2, "each node read once");
        await session.leave();
        await session.enter(async () => []);
        assert.deepEqual([...session.claimedBytes()], []);
        assert.deepEqual(await session.volumeGroups("n1", read), [{ vgName: "vg_1", vgSize: 1000, vgFree: 797, pvCount: 1, lvCount: 0 }], "read again under new locks");
        await session.leave();
    });

    it("reads again after an allocation failed, and does not count twice what was placed before that read", async () => {
        const session = new PlacementSession();
        let reads = 0;
        const read = async () => {
            reads += 1;
            return [];
        };
        await session.enter(async () => []);
        await session.volumeGroups("n1", read);
        const claim = (bytes: number) => session.place(async () => ({ placed: bytes, claims: [{ node: "n1", vgName: "vg_1", bytes }] }));
        const failed = await claim(100);
        const placedBefore = await claim(50);
        session.release(failed.claims, false);
        assert.deepEqual([...session.claimedBytes()], [["n1/vg_1", 50]], "still placed, not yet taken");
        await session.volumeGroups("n1", read);
        assert.equal(reads, 2, "the undo gave space back: read again");
        session.release(placedBefore.claims, true);
        assert.deepEqual([...session.claimedBytes()], [], "the new read may show that LV already");
        const placedAfter = await claim(30);
        session.release(placedAfter.claims, true);
        assert.deepEqual([...session.claimedBytes()], [["n1/vg_1", 30]], "an LV made after the new read counts");
        await session.leave();
    });

    it("asks a node that did not answer again at the next placement", async () => {
        const session = new PlacementSession();
        let reads = 0;
        const read = async () => {
            reads += 1;
            if (reads === 1) {
                throw new Error("connection refused");
            }
            return [];
        };
        await assert.rejects(session.volumeGroups("n1", read), /refused/);
        assert.deepEqual(await session.volumeGroups("n1", read), []);
        assert.deepEqual(await session.volumeGroups("n1", read), []);
        assert.equal(reads, 2);
    });

    it("goes on placing after a placement failed", async () => {
        const session = new PlacementSession();
        await assert.rejects(session.place(async () => Promise.reject(new Error("no space"))), /no space/);
        assert.deepEqual((await session.place(async () => ({ placed: 1, claims: [] }))).placed, 1);
    });

    it("is one per set of hosts in the process, whatever their order", () => {
        const hosts = [{ name: "n1", manageHost: "10.0.0.1" }, { name: "n2", manageHost: "10.0.0.2" }];
        assert.equal(placementSession(hosts), placementSession([...hosts].reverse()));
        assert.notEqual(placementSession(hosts), placementSession([hosts[0]]));
    });
});
