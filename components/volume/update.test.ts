// Update's orchestration on scripted hosts, for the cases where state and the volume disagree.
import assert from "node:assert/strict";
import { commandLine, volumeInfoArgs } from "../remote";
import { GiB } from "../sizes";
import { createVolume } from "./create";
import { expand } from "./expand";
import type { VolumeBrick, VolumeOutputs } from "./inputs";
import { brickSteps, FULL_BRICK, inputs, scriptedCluster, volumeInfoXml, volumeSteps } from "./testing/scripted-cluster";
import { updateVolume } from "./update";

const grown = { ...inputs, size: "2Gi" };

/** `lvs` of these bricks' VGs: each brick's thin LV in its pool. */
function lvsReport(bricks: readonly VolumeBrick[]): string {
    const common = { lv_attr: "Vwi-aotz--", data_percent: "0.00", thin_count: "1", lv_tags: "" };
    const lvs = bricks.flatMap((brick) => [
        { ...common, lv_name: `brick_${brick.id}`, vg_name: brick.vgName, lv_size: String(brick.sizeBytes), pool_lv: `tp_${brick.id}`, lv_metadata_size: "" },
        { ...common, lv_name: `tp_${brick.id}`, vg_name: brick.vgName, lv_size: String(brick.poolBytes), pool_lv: "", lv_metadata_size: String(brick.poolMetadataBytes) },
    ]);
    return JSON.stringify({ report: [{ lv: lvs }] });
}

describe("update on scripted hosts", () => {
    it("does not grow again a volume whose last expansion was stopped after add-brick: it records the set instead", async () => {
        const volume: VolumeOutputs = (await createVolume(scriptedCluster().cluster, inputs)).outs!;
        const made = scriptedCluster();
        const secondSet = await expand(made.cluster, made.cluster.host("n1"), volume, grown, GiB);
        // State still says 1Gi and one set (the `up` never reported); gluster lists both sets.
        const { cluster, hosts } = scriptedCluster();
        for (const [node, host] of hosts) {
            host.on(commandLine(volumeInfoArgs("web")), { stdout: volumeInfoXml("web", [...volume.bricks, ...secondSet], 3) })
                // The unrecorded bricks' sizes come from LVM.
                .on(/^lvs .* vg_\d{4}$/, { stdout: lvsReport(secondSet.filter((brick) => brick.node === node)) });
        }
        const { outs } = await updateVolume(cluster, volume, grown);
        assert.deepEqual(volumeSteps(...hosts.values()), [], "no add-brick");
        for (const host of hosts.values()) {
            assert.deepEqual(brickSteps(host), [], `${host.label} made no brick`);
        }
        assert.equal(outs?.sizeBytes, 2 * GiB);
        assert.deepEqual(outs?.bricks, [...volume.bricks, ...secondSet]);
    });

    it("grows a volume whose state is right", async () => {
        const volume: VolumeOutputs = (await createVolume(scriptedCluster().cluster, inputs)).outs!;
        const { cluster, hosts } = scriptedCluster();
        for (const host of hosts.values()) {
            host.on(commandLine(volumeInfoArgs("web")), { stdout: volumeInfoXml("web", volume.bricks, 3) });
        }
        const { outs } = await updateVolume(cluster, volume, grown);
        assert.deepEqual(volumeSteps(...hosts.values()), ["add-brick web"]);
        for (const host of hosts.values()) {
            assert.deepEqual(brickSteps(host), FULL_BRICK);
        }
        assert.equal(outs?.bricks.length, 6);
        assert.equal(outs?.sizeBytes, 2 * GiB);
    });
});
