import assert from "node:assert/strict";
import type { GlusterVolumeInfo, LogicalVolume } from "../remote";
import { threeNodeTopology } from "./testing/topology";
import { adoptedSizeBytes, durabilityMismatch, followBricks, isSized, locateBricks, sizeBricks, sizeMismatch, sizeWithUnrecordedSets } from "./adopt";

const GiB = 1024 ** 3;
const topology = threeNodeTopology((n) => [{ path: "/dev/sdb", vgName: `vg_${n}${n}${n}${n}`, tags: {} }]);
const brickPath = (n: number, id: string) => `/var/lib/heketi/mounts/vg_${n}${n}${n}${n}/brick_${id}/brick`;

function info(overrides: Partial<GlusterVolumeInfo> = {}): GlusterVolumeInfo {
    return {
        name: "legacy",
        id: "x",
        status: "Started",
        type: "Replicate",
        brickCount: 3,
        distCount: 1,
        replicaCount: 3,
        arbiterCount: 0,
        disperseCount: 0,
        redundancyCount: 0,
        snapshotCount: 0,
        bricks: [1, 2, 3].map((n) => ({ host: `10.0.0.${n}`, path: brickPath(n, `aa${n}`), hostUuid: `u${n}`, isArbiter: false })),
        options: {},
        ...overrides,
    };
}

function lvsFor(id: string, vgName: string, size: number): LogicalVolume[] {
    const base = { vgName, dataPercent: 1, lvAttr: "" };
    return [
        { ...base, lvName: `brick_${id}`, lvSize: size, poolLv: `tp_${id}`, thinCount: null, lvMetadataSize: null, tags: [] },
        { ...base, lvName: `tp_${id}`, lvSize: size, poolLv: null, thinCount: 1, lvMetadataSize: 8 * 1024 ** 2, tags: [] },
    ];
}

describe("adopting an existing volume", () => {
    it("accepts the declared durability only when it is the volume's", () => {
        assert.equal(durabilityMismatch(info(), { type: "replicate", replica: 3 }), undefined);
        assert.match(durabilityMismatch(info(), { type: "replicate", replica: 3, arbiter: true })!, /is replicate 3 on the hosts, but durability declares replicate 3 with arbiter/);
        assert.equal(durabilityMismatch(info({ type: "Disperse", replicaCount: 1, disperseCount: 3, redundancyCount: 1 }), { type: "disperse", data: 2, redundancy: 1 }), undefined);
        assert.equal(durabilityMismatch(info({ type: "Distribute", replicaCount: 1 }), { type: "none" }), undefined);
    });

    it("finds each brick's node, VG, id and set from heketi's layout", () => {
        const located = locateBricks(info(), topology, { type: "replicate", replica: 3 });
        assert.deepEqual(located[1], { node: "n2", host: "10.0.0.2", path: brickPath(2, "aa2"), device: "/dev/sdb", id: "aa2", vgName: "vg_2222", setIndex: 0, isArbiter: false });
    });

    it("refuses bricks it cannot account for, naming them", () => {
        const foreignHost = info({ bricks: [{ host: "10.9.9.9", path: brickPath(1, "aa1"), hostUuid: "", isArbiter: false }] });
        assert.throws(() => locateBricks(foreignHost, topology, { type: "none" }), /brick 10\.9\.9\.9:.* is on a host that is not a node of this cluster/);
        const handMade = info({ bricks: [{ host: "10.0.0.1", path: "/data/brick1", hostUuid: "", isArbiter: false }] });
        assert.throws(() => locateBricks(handMade, topology, { type: "none" }), /is not in heketi's layout/);
        const otherVg = info({ bricks: [{ host: "10.0.0.1", path: brickPath(2, "aa1"), hostUuid: "", isArbiter: false }] });
        assert.throws(() => locateBricks(otherVg, topology, { type: "none" }), /volume group vg_2222, which is not a device of node n1/);
    });

    it("sizes bricks from their LVs and the volume from its data bricks", () => {
        const durability = { type: "replicate", replica: 3 } as const;
        const located = locateBricks(info(), topology, durability);
        const lvs = [1, 2, 3].flatMap((n) => lvsFor(`aa${n}`, `vg_${n}${n}${n}${n}`, 2 * GiB));
        const bricks = sizeBricks("legacy", located, lvs);
        assert.deepEqual([bricks[0].sizeBytes, bricks[0].poolBytes, bricks[0].poolMetadataBytes], [2 * GiB, 2 * GiB, 8 * 1024 ** 2]);
        assert.equal(adoptedSizeBytes(bricks, durability), 2 * GiB);
        assert.throws(() => sizeBricks("legacy", located, lvs.slice(2)), /brick 10\.0\.0\.1:.* has no thin LV vg_1111\/brick_aa1/);
        const disperse = bricks.map((brick) => ({ ...brick, sizeBytes: GiB }));
        assert.equal(adoptedSizeBytes(disperse, { type: "disperse", data: 2, redundancy: 1 }), 2 * GiB);
    });

    it("insists on the volume's own size, saying which to declare", () => {
        assert.equal(sizeMismatch("legacy", 2 * GiB, 2 * GiB), undefined);
        assert.match(sizeMismatch("legacy", GiB, 2 * GiB)!, /holds 2Gi on the hosts, but size declares 1Gi; declare size: '2Gi'/);
    });
});

describe("following a volume's bricks on the hosts", () => {
    const durability = { type: "replicate" as const, replica: 3 };
    const known = sizeBricks("legacy", locateBricks(info(), topology, durability), [1, 2, 3].flatMap((n) => lvsFor(`aa${n}`, `vg_${n}${n}${n}${n}`, GiB)));

    it("keeps what state knows of bricks that did not move", () => {
        assert.deepEqual(followBricks(info(), topology, durability, known), known);
    });

    it("locates a brick that moved, in its place in the set, and leaves its sizes to LVM", () => {
        const moved = info({ bricks: info().bricks.map((brick, index) => (index === 1 ? { ...brick, path: brickPath(2, "bb2") } : brick)) });
        const followed = followBricks(moved, topology, durability, known);
        assert.deepEqual(followed.map(isSized), [true, false, true]);
        assert.deepEqual(followed[1], { node: "n2", host: "10.0.0.2", path: brickPath(2, "bb2"), device: "/dev/sdb", id: "bb2", vgName: "vg_2222", setIndex: 0, isArbiter: false });
    });
});

describe("sets an interrupted expansion left unrecorded", () => {
    const durability = { type: "replicate" as const, replica: 3 };
    const known = sizeBricks("legacy", locateBricks(info(), topology, durability), [1, 2, 3].flatMap((n) => lvsFor(`aa${n}`, `vg_${n}${n}${n}${n}`, GiB)));
    const secondSet = known.map((brick) => ({ ...brick, id: `c${brick.id}`, setIndex: 1, sizeBytes: 2 * GiB }));

    it("count toward the size once, whatever state said", () => {
        assert.equal(sizeWithUnrecordedSets(GiB, known, [...known, ...secondSet], durability), 3 * GiB);
        // Once recorded (a refresh took them in), they count no more.
        assert.equal(sizeWithUnrecordedSets(3 * GiB, [...known, ...secondSet], [...known, ...secondSet], durability), 3 * GiB);
    });

    it("leave the size alone when a brick only moved within a known set", () => {
        const moved = known.map((brick, index) => (index === 1 ? { ...brick, path: "/elsewhere", sizeBytes: 5 * GiB } : brick));
        assert.equal(sizeWithUnrecordedSets(GiB, known, moved, durability), GiB);
    });
});
