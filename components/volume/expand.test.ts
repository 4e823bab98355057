// Expansion's orchestration on scripted hosts: a failure before add-brick removes exactly the new
// bricks and never touches the volume's existing ones; trouble after add-brick only warns.
import assert from "node:assert/strict";
import { GiB } from "../sizes";
import { createVolume } from "./create";
import { expand } from "./expand";
import type { VolumeOutputs } from "./inputs";
import { brickSteps, FAILED_XML, FULL_BRICK, FULL_UNDO, inputs, scriptedCluster, volumeSteps } from "./testing/scripted-cluster";

async function createdVolume(): Promise<VolumeOutputs> {
    return (await createVolume(scriptedCluster().cluster, inputs)).outs!;
}

const grown = { ...inputs, size: "2Gi" };

describe("expansion on scripted hosts", () => {
    it("makes a new replica set on every node, adds it, then flushes and starts a rebalance", async () => {
        const volume = await createdVolume();
        const { cluster, hosts } = scriptedCluster();
        const added = await expand(cluster, cluster.host("n1"), volume, grown, GiB);
        assert.deepEqual(added.map((brick) => brick.setIndex), [1, 1, 1]);
        assert.equal(new Set(added.map((brick) => brick.node)).size, 3);
        assert.ok(added.every((brick) => !volume.bricks.some((old) => old.id === brick.id)), "new brick ids");
        assert.deepEqual(volumeSteps(hosts.get("n1")!), ["add-brick web"]);
        assert.equal(hosts.get("n1")!.ran(/-- volume rebalance web start$/).length, 1);
        for (const host of hosts.values()) {
            assert.deepEqual(brickSteps(host), FULL_BRICK);
            assert.equal(host.ran(/^sync -f /).length, 1);
            assert.equal(host.ran(new RegExp(volume.bricks.map((brick) => brick.id).join("|"))).length, 0, `${host.label} never touches an existing brick`);
        }
    });

    it("removes exactly the new bricks when add-brick fails, and leaves the existing ones alone", async () => {
        const volume = await createdVolume();
        const { cluster, hosts } = scriptedCluster();
        hosts.get("n1")!.on(/-- volume add-brick web /, { stdout: FAILED_XML });
        await assert.rejects(expand(cluster, cluster.host("n1"), volume, grown, GiB), /^Error: expanding volume 'web' failed: n1: gluster volume add-brick failed: .*injected failure; everything made so far was removed$/);
        for (const host of hosts.values()) {
            assert.deepEqual(brickSteps(host), [...FULL_BRICK, ...FULL_UNDO], `${host.label} made and removed its new brick`);
            assert.equal(host.ran(new RegExp(volume.bricks.map((brick) => brick.id).join("|"))).length, 0, `${host.label} never touches an existing brick`);
        }
        assert.equal(volumeSteps(...hosts.values()).filter((step) => /stop|delete/.test(step)).length, 0, "the volume itself is never stopped or deleted");
    });

    it("undoes the new bricks when one cannot be mounted", async () => {
        const volume = await createdVolume();
        const { cluster, hosts } = scriptedCluster();
        hosts.get("n3")!.on(/^mount -o rw/, { exitCode: 32, stderr: "mount: wrong fs type" });
        await assert.rejects(expand(cluster, cluster.host("n1"), volume, grown, GiB), /expanding volume 'web' failed: n3: mount \(brick_[0-9a-f]{32}\) failed: mount: wrong fs type; everything made so far was removed/);
        assert.deepEqual(volumeSteps(...hosts.values()), [], "no add-brick");
        assert.deepEqual(brickSteps(hosts.get("n3")!), ["lvcreate", "mkfs", "mkdir mount", "fstab add", "mount", "fstab remove", "lvremove", "rmdir"]);
    });

    it("keeps the added bricks when the rebalance cannot start (the volume has them now)", async () => {
        const volume = await createdVolume();
        const { cluster, hosts } = scriptedCluster();
        hosts.get("n1")!.on(/-- volume rebalance web start$/, { stdout: FAILED_XML });
        const added = await expand(cluster, cluster.host("n1"), volume, grown, GiB);
        assert.equal(added.length, 3);
        for (const host of hosts.values()) {
            assert.deepEqual(brickSteps(host), FULL_BRICK, `${host.label} keeps its new brick`);
        }
    });
});
