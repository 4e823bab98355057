import assert from "node:assert/strict";
import type { LogicalVolume } from "../remote";
import { cloneBricksRemoveArgs, snapshotActivateArgs, snapshotCloneArgs, snapshotCreateArgs, snapshotDeleteArgs, snapshotInfoArgs, snapshotRoomProblems } from "./commands";

const GiB = 1024 ** 3;
const brick = { node: "n1", host: "10.0.0.1", path: "/var/lib/heketi/mounts/vg_1/brick_ab/brick", vgName: "vg_1", id: "ab" };

function lvs(brickUsedPercent: number, poolBytes: number, poolUsedPercent: number): LogicalVolume[] {
    const base = { vgName: "vg_1", lvAttr: "", lvMetadataSize: null, tags: [] };
    return [
        { ...base, lvName: "brick_ab", lvSize: GiB, poolLv: "tp_ab", dataPercent: brickUsedPercent, thinCount: null },
        { ...base, lvName: "tp_ab", lvSize: poolBytes, poolLv: null, dataPercent: poolUsedPercent, thinCount: 1 },
    ];
}

describe("snapshot commands", () => {
    it("builds gluster's snapshot commands", () => {
        assert.deepEqual(snapshotCreateArgs("s1", "web"), ["gluster", "--mode=script", "--xml", "--", "snapshot", "create", "s1", "web", "no-timestamp"]);
        assert.deepEqual(snapshotActivateArgs("s1"), ["gluster", "--mode=script", "--xml", "--", "snapshot", "activate", "s1"]);
        assert.deepEqual(snapshotDeleteArgs("s1"), ["gluster", "--mode=script", "--xml", "--", "snapshot", "delete", "s1"]);
        assert.deepEqual(snapshotCloneArgs("restored", "s1"), ["gluster", "--mode=script", "--xml", "--", "snapshot", "clone", "restored", "s1"]);
        assert.deepEqual(snapshotInfoArgs("s1"), ["gluster", "--mode=script", "--xml", "--", "snapshot", "info", "s1"]);
    });

    it("lets a snapshot through when each pool can absorb a rewrite of its brick's data", () => {
        // snapshotFactor 2: a 2 GiB pool, brick 60% full.
        assert.deepEqual(snapshotRoomProblems([brick], lvs(60, 2 * GiB, 30)), []);
    });

    it("refuses when a pool could not absorb it, naming the brick and the fix", () => {
        // snapshotFactor 1: pool and brick the same size, brick 60% full.
        const [problem] = snapshotRoomProblems([brick], lvs(60, GiB, 60));
        assert.match(problem, /^10\.0\.0\.1:\/var\/lib\/heketi\/mounts\/vg_1\/brick_ab\/brick: its thin pool has 409\.6Mi free for 614\.4Mi of brick data \(create the volume with a larger snapshotFactor\)$/);
        assert.match(snapshotRoomProblems([brick], [])[0], /thin LV vg_1\/brick_ab is missing/);
    });

    it("removes a deleted clone's bricks by its volume id, passed as an argument", () => {
        const argv = cloneBricksRemoveArgs("8e50acd0-6cc1-4ca9-b132-9e5a81dcabc6");
        assert.deepEqual([argv[0], argv[1], argv[3], argv[4], argv[5]], ["sh", "-c", "sh", "8e50acd06cc14ca9b1329e5a81dcabc6", "/run/gluster/snaps"]);
        assert.ok(!argv[2].includes("8e50acd0"));
        assert.throws(() => cloneBricksRemoveArgs("x; rm -rf /"), /is not a gluster volume id/);
    });
});
