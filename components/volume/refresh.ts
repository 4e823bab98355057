// Refresh: the volume as the hosts have it (gluster's volume info, the bricks' file systems),
// a volume missing only when every brick node agrees it is.

import * as pulumi from "@pulumi/pulumi";
import { ClusterAccess, type ClusterTopology, describeCause, findVolume, findVolumeAmongAll } from "../access";
import { glusterArgs, type GlusterVolumeInfo, parsePoolList, runGluster, SshConnectionError } from "../remote";
import { formatSize } from "../sizes";
import { followBricks, isSized, sizeBricks, sizeWithUnrecordedSets } from "./adopt";
import { glusterBrickName } from "./commands";
import { VOLUME_MISSING, VOLUME_STATE_VERSION, type VolumeBrick, type VolumeInputs, type VolumeOutputs } from "./inputs";
import { missingVolumeVerdict, type MissingVolumeWitness } from "./missing";
import { brickFilesystemsOf, warnFullBricks } from "./repair";

export async function readVolume(cluster: ClusterAccess, id: string, props: VolumeOutputs): Promise<pulumi.dynamic.ReadResult<VolumeOutputs>> {
    const peer = await cluster.anyPeer(props.bricks.map((brick) => brick.node));
    // Refreshes at once share one `volume info` of every volume per host.
    const info = await findVolumeAmongAll(peer, props.volumeName);
    if (info === undefined) {
        // One node's word is not enough: a node with a wiped glusterd state also has no such volume.
        const verdict = missingVolumeVerdict(props.volumeName, await missingVolumeWitnesses(cluster, props));
        if (verdict !== "missing") {
            throw new Error(verdict);
        }
        // Kept in state, so destroy still removes the bricks; recreating over them needs allowDataLoss.
        void pulumi.log.warn(`volume '${props.volumeName}' no longer exists on the cluster (no brick node lists it); its bricks are still tracked`);
        const missingBricks = props.bricks.map((brick) => glusterBrickName(brick.host, brick.path));
        return { id, props: { ...props, status: VOLUME_MISSING, missingBricks, stateVersion: VOLUME_STATE_VERSION } };
    }
    const present = new Set(info.bricks.map((brick) => glusterBrickName(brick.host, brick.path)));
    const missingBricks = props.bricks.map((brick) => glusterBrickName(brick.host, brick.path)).filter((brick) => !present.has(brick));
    // The hosts are the source of truth: bricks that moved (an interrupted move, or by hand) are followed.
    const bricks = await bricksOnHosts(cluster, info, props.topology, props.durability, props.bricks);
    // Only the options this resource manages: the ones gluster sets itself are not drift.
    const options = Object.fromEntries(Object.keys(props.options).filter((option) => option in info.options).map((option) => [option, info.options[option]]));
    if (missingBricks.length > 0) {
        void pulumi.log.warn(`volume '${props.volumeName}' lacks bricks it should have: ${missingBricks.join(", ")}`);
    }
    const { unmounted: unmountedBricks, usage: brickUsage } = await brickFilesystemsOf(cluster, bricks);
    if (unmountedBricks.length > 0) {
        void pulumi.log.warn(`volume '${props.volumeName}': brick filesystems not mounted: ${unmountedBricks.join(", ")}; 'pulumi up' mounts them again`);
    }
    warnFullBricks(props.volumeName, brickUsage);
    const sizeBytes = sizeWithUnrecordedSets(props.sizeBytes, props.bricks, bricks, props.durability);
    if (sizeBytes > props.sizeBytes) {
        void pulumi.log.warn(`volume '${props.volumeName}' has brick sets state did not record (an expansion stopped after add-brick): it holds ${formatSize(sizeBytes)}, not ${formatSize(props.sizeBytes)}`);
    }
    return { id, props: { ...props, sizeBytes, bricks, options, status: info.status, missingBricks, unmountedBricks, brickUsage, stateVersion: VOLUME_STATE_VERSION } };
}

/** Every brick node's answer about the volume and its pool, for missingVolumeVerdict. */
async function missingVolumeWitnesses(cluster: ClusterAccess, props: VolumeOutputs): Promise<MissingVolumeWitness[]> {
    const nodes = [...new Map(props.bricks.map((brick) => [brick.node, brick.host])).entries()];
    return Promise.all(
        nodes.map(async ([node, storageHost]): Promise<MissingVolumeWitness> => {
            const host = cluster.host(node);
            try {
                const hasVolume = (await findVolume(host, props.volumeName)) !== undefined;
                const peers = parsePoolList(await runGluster(host, glusterArgs("pool", "list")));
                const connectedPeers = peers.filter((peer) => peer.connected && peer.hostname !== "localhost").flatMap((peer) => [peer.hostname, ...peer.hostnames]);
                return { label: host.label, storageHost, hasVolume, connectedPeers };
            } catch (error) {
                if (!(error instanceof SshConnectionError)) {
                    throw error;
                }
                return { label: host.label, storageHost, unreachable: describeCause(error) };
            }
        }),
    );
}

/** The volume's bricks as gluster lists them; bricks new to state get their sizes from LVM. */
export async function bricksOnHosts(cluster: ClusterAccess, info: GlusterVolumeInfo, topology: ClusterTopology, durability: VolumeInputs["durability"], known: readonly VolumeBrick[]): Promise<VolumeBrick[]> {
    const followed = followBricks(info, topology, durability, known);
    const unsized = followed.filter((brick) => !isSized(brick));
    const sized = unsized.length === 0 ? [] : sizeBricks(info.name, unsized, await cluster.logicalVolumesOf(unsized));
    return followed.map((brick) => (isSized(brick) ? brick : sized[unsized.indexOf(brick)]));
}
