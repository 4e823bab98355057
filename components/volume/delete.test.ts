// Delete's orchestration on scripted hosts: heketi's order, tolerant of whatever is already gone,
// and refusing to stop a volume whose delete could not finish.
import assert from "node:assert/strict";
import { SshConnectionError } from "../remote";
import { createVolume } from "./create";
import { deleteVolume } from "./delete";
import type { VolumeOutputs } from "./inputs";
import { brickSteps, FAILED_XML, FULL_DESTROY, inputs, scriptedCluster, volumeSteps } from "./testing/scripted-cluster";

async function createdVolume(): Promise<VolumeOutputs> {
    return (await createVolume(scriptedCluster().cluster, inputs)).outs!;
}

const glusterFailure = (text: string) => FAILED_XML.replace("injected failure", text);

describe("delete on scripted hosts", () => {
    it("stops and deletes the volume, then removes every brick in heketi's order", async () => {
        const volume = await createdVolume();
        const { cluster, hosts } = scriptedCluster();
        await deleteVolume(cluster, volume);
        assert.deepEqual(volumeSteps(...hosts.values()), ["stop web", "delete web"]);
        for (const host of hosts.values()) {
            assert.deepEqual(brickSteps(host), FULL_DESTROY, `${host.label} removed its brick`);
        }
    });

    it("goes on when the volume was stopped already", async () => {
        const volume = await createdVolume();
        const { cluster, hosts } = scriptedCluster();
        for (const host of hosts.values()) {
            host.on(/-- volume stop web/, { stdout: glusterFailure("Volume web is not in the started state") });
        }
        await deleteVolume(cluster, volume);
        assert.deepEqual(volumeSteps(...hosts.values()), ["stop web", "delete web"]);
        assert.deepEqual(brickSteps(hosts.get("n2")!), FULL_DESTROY);
    });

    it("removes the bricks of a volume deleted by hand, and bricks half gone are no error", async () => {
        const volume = await createdVolume();
        const { cluster, hosts } = scriptedCluster();
        for (const host of hosts.values()) {
            host.on(/-- volume stop web/, { stdout: glusterFailure("Volume web does not exist") });
        }
        hosts.get("n3")!
            .on(/^umount /, { exitCode: 32, stderr: "umount: /var/lib/heketi/mounts/x: not mounted." })
            .on(/^lvremove -f --autobackup=n \S+\/brick_/, { exitCode: 5, stderr: "Failed to find logical volume" });
        await deleteVolume(cluster, volume);
        assert.deepEqual(volumeSteps(...hosts.values()), ["stop web"], "no delete of a volume that is gone");
        assert.deepEqual(brickSteps(hosts.get("n3")!), FULL_DESTROY);
    });

    it("refuses before stopping anything while a brick host is unreachable, naming it", async () => {
        const volume = await createdVolume();
        const { cluster, hosts } = scriptedCluster();
        hosts.get("n2")!.on("true", new SshConnectionError("n2: cannot connect to root@10.0.0.2:22: connect ETIMEDOUT", "n2"));
        await assert.rejects(deleteVolume(cluster, volume), /^Error: deleting volume 'web': a host holding its bricks is not reachable: n2: cannot connect to root@10\.0\.0\.2:22: connect ETIMEDOUT; nothing was changed: bring the host back \(or remove it from the cluster\) and run again$/);
        assert.deepEqual(volumeSteps(...hosts.values()), [], "nothing stopped");
        for (const host of hosts.values()) {
            assert.deepEqual(brickSteps(host), [], `${host.label} removed nothing`);
        }
    });

    it("names the brick it could not remove once the volume is gone, after trying the others", async () => {
        const volume = await createdVolume();
        const { cluster, hosts } = scriptedCluster();
        hosts.get("n2")!.on(/^umount /, { exitCode: 32, stderr: "umount: target is busy." });
        await assert.rejects(deleteVolume(cluster, volume), /deleting volume 'web': the volume is gone but some bricks could not be removed: n2: umount \(brick_[0-9a-f]{32}\) failed: umount: target is busy\./);
        assert.deepEqual(brickSteps(hosts.get("n1")!), FULL_DESTROY);
        assert.deepEqual(brickSteps(hosts.get("n3")!), FULL_DESTROY);
        assert.deepEqual(brickSteps(hosts.get("n2")!), ["umount", "fstab remove"], "n2 keeps its LV while the brick is mounted");
    });
});
