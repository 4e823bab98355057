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
        session.release(first.claims);
        assert.deepEqual([...session.claimedBytes()], [["n1/vg_1", 50]]);
        session.release(second.claims);
        assert.deepEqual([...session.claimedBytes()], []);
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
