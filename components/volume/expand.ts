// Growing a volume, heketi's way: new brick sets placed away from the existing ones, add-brick,
// rebalance. A failure before add-brick removes the new bricks.

import * as pulumi from "@pulumi/pulumi";
import { ClusterAccess, describeCause, findVolume, glusterStep } from "../access";
import { type ExistingBrick, placeBricks } from "../placement";
import { runGluster, type HostExecutor } from "../remote";
import { finishBricks, flush, placeAndAllocate } from "./allocate";
import { addBrickArgs, rebalanceStartArgs } from "./commands";
import { placementLimits, type VolumeBrick, type VolumeInputs, type VolumeOutputs } from "./inputs";
import { removeStrayOwnBricks } from "./interrupted";
import { brickSets, volumeBricks } from "./layout";
import { type Made, rollBack } from "./rollback";

/** heketi's expansion: new brick sets placed away from the existing ones, add-brick, rebalance. */
export async function expand(cluster: ClusterAccess, peer: HostExecutor, olds: VolumeOutputs, news: VolumeInputs, addBytes: number): Promise<VolumeBrick[]> {
    const name = news.volumeName;
    await removeStrayOwnBricks(cluster, olds, news, () => findVolume(peer, name));
    const existingBricks: ExistingBrick[] = olds.bricks.map((brick) => ({ node: brick.node, deviceId: brick.vgName }));
    const firstSet = Math.max(-1, ...olds.bricks.map((brick) => brick.setIndex)) + 1;
    const made: Made = { progress: [], volumeCreated: false };
    const doing = `expanding volume '${name}'`;
    const { placement, bricks } = await placeAndAllocate(cluster, peer, news, made, doing, async () => {
        const placement = placeBricks(
            await cluster.liveInventory(),
            { volumeName: name, sizeBytes: addBytes, durability: news.durability, snapshotFactor: news.snapshotFactor, zoneChecking: news.topology.zoneChecking ?? "none", existingBricks },
            placementLimits(addBytes, news.durability),
        );
        return { placement, bricks: volumeBricks(name, placement, firstSet) };
    });
    try {
        await finishBricks(cluster, made, news.gid);
        await glusterStep(peer, "gluster volume add-brick", addBrickArgs(name, news.durability, brickSets(bricks).flat()));
    } catch (error) {
        throw await rollBack(cluster, peer, name, made, error, doing);
    }
    // The bricks are in the volume now: later trouble is worth a warning, not a lost state.
    for (const [what, work] of [["flush", () => flush(cluster, name, bricks)], ["rebalance start", () => runGluster(peer, rebalanceStartArgs(name))]] as const) {
        try {
            await work();
        } catch (error) {
            void pulumi.log.warn(`volume '${name}': ${what} after add-brick failed (${describeCause(error)}); run it again by hand`);
        }
    }
    void pulumi.log.info(`volume '${name}': added ${bricks.length} bricks in ${placement.sets.length} set(s); files move to them after this up (gluster volume rebalance ${name} status)`);
    return bricks;
}
