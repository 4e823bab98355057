import assert from "node:assert/strict";
import type { GlusterVolumeInfo } from "../remote";
import { isOwnVolume, ownPools, strayPools } from "./interrupted";
import { threeNodeTopology } from "./testing/topology";

const TAG = "pulumi_gluster_0123456789abcdef";
const topology = threeNodeTopology((n) => [{ path: "/dev/sdb", vgName: `vg_${n}${n}${n}${n}`, tags: {} }]);
const id = (n: number) => String(n).repeat(32);

function info(paths: string[]): GlusterVolumeInfo {
    return {
        name: "web", id: "x", status: "Created", type: "Replicate", brickCount: 3, distCount: 1, replicaCount: 3, arbiterCount: 0, disperseCount: 0, redundancyCount: 0, snapshotCount: 0,
        bricks: paths.map((path, index) => ({ host: `10.0.0.${index + 1}`, path, hostUuid: `u${index}`, isArbiter: false })),
        options: {},
    };
}

describe("interrupted creates", () => {
    it("takes a brick pool as its own only with the owner tag and a brick pool's name", () => {
        const lvs = [
            { lvName: `tp_${id(1)}`, vgName: "vg_1111", tags: [TAG, "other"] },
            { lvName: `brick_${id(1)}`, vgName: "vg_1111", tags: [] },
            { lvName: `tp_${id(2)}`, vgName: "vg_1111", tags: ["pulumi_gluster_ffffffffffffffff"] },
            { lvName: "tp_bricks", vgName: "vg_1111", tags: [TAG] },
        ];
        assert.deepEqual(ownPools("n1", lvs, TAG), [{ node: "n1", vgName: "vg_1111", id: id(1) }]);
    });

    it("finishes a volume only when every one of its bricks lies in an own pool", () => {
        const paths = [1, 2, 3].map((n) => `/var/lib/heketi/mounts/vg_${n}${n}${n}${n}/brick_${id(n)}/brick`);
        const pools = [1, 2, 3].map((n) => ({ node: `n${n}`, vgName: `vg_${n}${n}${n}${n}`, id: id(n) }));
        assert.equal(isOwnVolume(info(paths), topology, pools), true);
        assert.equal(isOwnVolume(info(paths), topology, pools.slice(0, 2)), false, "one brick is someone else's");
        assert.equal(isOwnVolume(info(paths), topology, pools.map((pool) => ({ ...pool, node: "n1" }))), false, "right ids on the wrong nodes");
        assert.equal(isOwnVolume(info(["/data/brick1", ...paths.slice(1)]), topology, pools), false, "a brick outside heketi's layout");
        assert.equal(isOwnVolume(info([]), topology, pools), false, "no bricks at all");
    });

    it("takes as stray the own pools the volume does not use, all without a volume, none when its bricks cannot be placed", () => {
        const paths = [1, 2, 3].map((n) => `/var/lib/heketi/mounts/vg_${n}${n}${n}${n}/brick_${id(n)}/brick`);
        const used = [1, 2, 3].map((n) => ({ node: `n${n}`, vgName: `vg_${n}${n}${n}${n}`, id: id(n) }));
        const leftOver = { node: "n2", vgName: "vg_2222", id: id(7) };
        const movedAway = { node: "n1", vgName: "vg_9999", id: id(1) };
        assert.deepEqual(strayPools([...used, leftOver, movedAway], info(paths), topology), [leftOver, movedAway]);
        assert.deepEqual(strayPools([...used, leftOver], undefined, topology), [...used, leftOver]);
        assert.deepEqual(strayPools([leftOver], info(["/data/brick1", ...paths.slice(1)]), topology), []);
        // Mid-move: the volume's brick still on a device leaving the cluster (not in the topology), the half-made replacement on the kept one.
        const leaving = [`/var/lib/heketi/mounts/vg_8888/brick_${id(1)}/brick`, ...paths.slice(1)];
        const replacement = { node: "n1", vgName: "vg_1111", id: id(1) };
        assert.deepEqual(strayPools([{ node: "n1", vgName: "vg_8888", id: id(1) }, replacement, ...used.slice(1)], info(leaving), topology), [replacement]);
    });
});
