// An update in the order that keeps data safe: options and group, drift repair (remount, start),
// brick moves, and the expansion last (after add-brick nothing may fail).

import * as pulumi from "@pulumi/pulumi";
import { ClusterAccess, glusterStep, volumeStartArgs } from "../access";
import { parseSize } from "../sizes";
import { setBrickGroup } from "./bricks";
import { volumeResetArgs, volumeSetArgs } from "./commands";
import { expand } from "./expand";
import { needsRemount, needsStart, optionChanges, type VolumeInputs, type VolumeOutputs } from "./inputs";
import { volumeOutputs } from "./layout";
import { evacuate } from "./move";
import { remountBricks } from "./repair";

/** `cluster` includes the nodes that left the topology (formerNodes): bricks may still have to move off them. */
export async function updateVolume(cluster: ClusterAccess, olds: VolumeOutputs, news: VolumeInputs): Promise<pulumi.dynamic.UpdateResult<VolumeOutputs>> {
    const name = news.volumeName;
    const peer = await cluster.anyPeer(olds.bricks.map((brick) => brick.node).filter((node) => news.topology.nodes.some((candidate) => candidate.name === node)));
    const { set, reset } = optionChanges(olds.options, news.options);
    for (const [option, value] of set) {
        await glusterStep(peer, `gluster volume set ${option}`, volumeSetArgs(name, option, value));
    }
    for (const option of reset) {
        await glusterStep(peer, `gluster volume reset ${option}`, volumeResetArgs(name, option));
    }
    if (news.gid !== undefined && news.gid !== olds.gid) {
        await Promise.all(olds.bricks.map((brick) => setBrickGroup(cluster.host(brick.node), brick, news.gid!)));
    }
    // `start force` after a remount also starts a stopped volume.
    const startedByRemount = needsRemount(olds) && (await remountBricks(cluster, peer, name, olds.bricks));
    if (needsStart(olds) && !startedByRemount) {
        await glusterStep(peer, "gluster volume start", volumeStartArgs(name));
    }
    const current = await evacuate(cluster, peer, olds, news);
    // Last: once add-brick succeeds nothing may fail, or state would lose the new bricks.
    const sizeBytes = parseSize(news.size);
    const bricks = sizeBytes > olds.sizeBytes ? [...current, ...(await expand(cluster, peer, { ...olds, bricks: current }, news, sizeBytes - olds.sizeBytes))] : current;
    return { outs: volumeOutputs(news, Math.max(sizeBytes, olds.sizeBytes), bricks, olds.missingBricks ?? []) };
}
