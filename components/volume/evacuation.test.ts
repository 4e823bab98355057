import assert from "node:assert/strict";
import type { ClusterTopology } from "../access";
import type { GlusterBrickHeal, GlusterProcessStatus } from "../remote";
import { bricksToMove, moveBlocker, positioned, unmovableReason } from "./evacuation";
import type { VolumeBrick } from "./inputs";
import { threeNodeTopology } from "./testing/topology";

const topology = threeNodeTopology((n) => [
    { path: "/dev/sdb", vgName: `vg_${n}b`, tags: {} },
    { path: "/dev/sdc", vgName: `vg_${n}c`, tags: {} },
]);

function brick(n: number, disk: "b" | "c", setIndex = 0): VolumeBrick {
    const vgName = `vg_${n}${disk}`;
    return {
        node: `n${n}`, host: `10.0.0.${n}`, path: `/var/lib/heketi/mounts/${vgName}/brick_${n}${setIndex}/brick`, device: `/dev/sd${disk}`,
        sizeBytes: 1024, id: `${n}${setIndex}`, vgName, poolBytes: 1024, poolMetadataBytes: 4, setIndex, isArbiter: false,
    };
}
const name = (b: VolumeBrick) => `${b.host}:${b.path}`;
const set = [brick(1, "b"), brick(2, "b"), brick(3, "c")];

function status(...offline: VolumeBrick[]): GlusterProcessStatus[] {
    return set.map((b) => ({ hostname: b.host, path: b.path, peerId: "p", online: !offline.includes(b), port: 49152, pid: 1 }));
}
function heal(entries: Record<number, number | null> = {}): GlusterBrickHeal[] {
    return set.map((b, index) => ({ brick: name(b), status: entries[index] === null ? "Transport endpoint is not connected" : "Connected", pendingEntries: entries[index] === undefined ? 0 : entries[index], files: [] }));
}

describe("evacuation: which bricks move", () => {
    it("nothing while every device stays online", () => {
        assert.deepEqual(bricksToMove(set, topology), []);
    });

    it("bricks on a removed device, a failed device and a removed node, with the reason", () => {
        const changed: ClusterTopology = {
            ...topology,
            nodes: [
                { ...topology.nodes[0], devices: topology.nodes[0].devices.filter((device) => device.path !== "/dev/sdb") },
                { ...topology.nodes[1], devices: topology.nodes[1].devices.map((device) => (device.path === "/dev/sdb" ? { ...device, state: "failed" as const } : device)) },
            ],
        };
        assert.deepEqual(bricksToMove(set, changed).map((move) => [move.brick.node, move.why]), [
            ["n1", "device /dev/sdb of n1 is removed from the cluster"],
            ["n2", "device /dev/sdb of n2 is marked failed"],
            ["n3", "node n3 is removed from the cluster"],
        ]);
    });

    it("refuses a volume with one copy of its data", () => {
        assert.equal(unmovableReason("v", { type: "replicate", replica: 3 }), undefined);
        assert.equal(unmovableReason("v", { type: "disperse", data: 2, redundancy: 1 }), undefined);
        assert.match(unmovableReason("v", { type: "none" })!, /^volume 'v' keeps one copy of its data \(durability none\), so its bricks cannot be moved/);
    });

    it("gives placement the zones of the cluster, the old one for a removed node", () => {
        assert.deepEqual(positioned([brick(2, "c", 1)], topology.nodes).map(({ name: _name, ...rest }) => rest), [
            { node: "n2", zone: 2, deviceId: "vg_2c", setIndex: 1, sizeBytes: 1024, isArbiter: false },
        ]);
    });
});

describe("evacuation: when a move is safe", () => {
    it("moves a healthy brick once nothing waits for heal", () => {
        assert.equal(moveBlocker("v", set[0], set, status(), heal()), undefined);
    });

    it("waits while its set has entries to heal, or heal info cannot tell", () => {
        const pending = moveBlocker("v", set[0], set, status(), heal({ 0: 3 }));
        assert.equal(pending?.kind, "heal-pending");
        assert.match(pending!.message, /^moving brick 10\.0\.0\.1:\S+ of volume 'v' now could drop the only good copy of some data: its set still has entries to heal or heal info cannot tell \(10\.0\.0\.1:\S+: 3\); wait until 'gluster volume heal v info' shows none, then run again$/);
        assert.equal(moveBlocker("v", set[0], set, status(), undefined)?.kind, "heal-pending");
    });

    it("refuses at once while another brick of the set is offline", () => {
        const blocker = moveBlocker("v", set[0], set, status(set[2]), heal({ 2: null }));
        assert.equal(blocker?.kind, "member-offline");
        assert.equal(
            blocker?.message,
            `moving brick ${name(set[0])} of volume 'v' now could drop the only good copy of some data: ${name(set[2])} of the same set is offline; ` +
                "bring it back (gluster volume start v force), let heal finish, and run again",
        );
    });

    it("replaces an offline brick (a failed disk) whatever the rest still has to heal", () => {
        assert.equal(moveBlocker("v", set[1], set, status(set[1]), heal({ 0: 5, 1: null })), undefined);
        assert.equal(moveBlocker("v", set[1], set, status(set[1]), undefined), undefined);
    });
});
