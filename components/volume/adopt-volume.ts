// Taking over a volume that exists (heketi's, or one an interrupted create left): its bricks are
// read from the hosts, checked against the declared size and durability, and never touched.

import * as pulumi from "@pulumi/pulumi";
import { ClusterAccess, glusterStep, volumeStartArgs } from "../access";
import type { GlusterVolumeInfo, HostExecutor } from "../remote";
import { formatSize, parseSize } from "../sizes";
import { adoptedSizeBytes, durabilityMismatch, locateBricks, sizeBricks, sizeMismatch } from "./adopt";
import { setBrickGroup } from "./bricks";
import type { VolumeInputs, VolumeOutputs } from "./inputs";
import { volumeOutputs } from "./layout";
import { setVolumeOptions } from "./options";
import { brickFilesystemsOf } from "./repair";

/** Takes over an existing volume: reads its bricks from the hosts; only declared options that differ are set. */
export async function adoptVolume(cluster: ClusterAccess, peer: HostExecutor, inputs: VolumeInputs, info: GlusterVolumeInfo): Promise<pulumi.dynamic.CreateResult<VolumeOutputs>> {
    const name = inputs.volumeName;
    const mismatch = durabilityMismatch(info, inputs.durability);
    if (mismatch !== undefined) {
        throw new Error(`adopting ${mismatch}`);
    }
    const located = locateBricks(info, inputs.topology, inputs.durability);
    const bricks = sizeBricks(name, located, await cluster.logicalVolumesOf(located));
    const sizeBytes = adoptedSizeBytes(bricks, inputs.durability);
    const wrongSize = sizeMismatch(name, parseSize(inputs.size), sizeBytes);
    if (wrongSize !== undefined) {
        throw new Error(`adopting ${wrongSize}`);
    }
    const { unmounted } = await brickFilesystemsOf(cluster, bricks);
    if (unmounted.length > 0) {
        throw new Error(`adopting volume '${name}': brick filesystems not mounted: ${unmounted.join(", ")}; mount them (or fix their fstab lines) first`);
    }
    await setVolumeOptions(peer, name, Object.entries(inputs.options).filter(([option, value]) => info.options[option] !== value));
    if (inputs.gid !== undefined) {
        await Promise.all(bricks.map((brick) => setBrickGroup(cluster.host(brick.node), brick, inputs.gid!)));
    }
    if (info.status !== "Started") {
        await glusterStep(peer, "gluster volume start", volumeStartArgs(name));
    }
    void pulumi.log.info(`volume '${name}': adopted with ${bricks.length} bricks (${formatSize(sizeBytes)}); its data was not touched`);
    return { id: name, outs: volumeOutputs(inputs, sizeBytes, bricks, []) };
}
