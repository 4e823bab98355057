// An update in the order that keeps data safe: options and group, drift repair (remount, start),
// brick moves, and the expansion last (after add-brick nothing may fail).

import * as pulumi from "@pulumi/pulumi";
import { ClusterAccess, findVolume, glusterStep, volumeStartArgs } from "../access";
import { parseSize } from "../sizes";
import { sizeWithUnrecordedSets } from "./adopt";
import { setBrickGroup } from "./bricks";
import { volumeResetArgs } from "./commands";
import { withFormerNodes } from "./evacuation";
import { expand } from "./expand";
import { needsRemount, needsStart, optionChanges, type VolumeInputs, type VolumeOutputs } from "./inputs";
import { volumeOutputs } from "./layout";
import { evacuate } from "./move";
import { setVolumeOptions } from "./options";
import { bricksOnHosts } from "./refresh";
import { remountBricks } from "./repair";

/** `cluster` includes the nodes that left the topology (formerNodes): bricks may still have to move off them. */
export async function updateVolume(cluster: ClusterAccess, olds: VolumeOutputs, news: VolumeInputs): Promise<pulumi.dynamic.UpdateResult<VolumeOutputs>> {
    const name = news.volumeName;
    const peer = await cluster.anyPeer(olds.bricks.map((brick) => brick.node).filter((node) => news.topology.nodes.some((candidate) => candidate.name === node)));
    const { set, reset } = optionChanges(olds.options, news.options);
    await setVolumeOptions(peer, name, set);
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
    // The bricks and size the volume has now: an expansion stopped after add-brick (its `up` killed
    // before it reported) left sets that state does not know, and growing again would add more.
    const live = await findVolume(peer, name);
    const liveBricks = live === undefined ? olds.bricks : await bricksOnHosts(cluster, live, withFormerNodes(news.topology, olds.topology), news.durability, olds.bricks);
    const liveBytes = sizeWithUnrecordedSets(olds.sizeBytes, olds.bricks, liveBricks, news.durability);
    const current = await evacuate(cluster, peer, { ...olds, bricks: liveBricks }, news);
    // Last: once add-brick succeeds nothing may fail, or state would lose the new bricks.
    const sizeBytes = parseSize(news.size);
    const bricks = sizeBytes > liveBytes ? [...current, ...(await expand(cluster, peer, { ...olds, bricks: current }, news, sizeBytes - liveBytes))] : current;
    return { outs: volumeOutputs(news, Math.max(sizeBytes, liveBytes), bricks, olds.missingBricks ?? []) };
}
