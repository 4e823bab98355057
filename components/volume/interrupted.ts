// A create the engine never heard the end of (`pulumi up` killed; its provider process may even
// finish the work alone) leaves bricks, maybe a whole volume, that no state knows. The next create
// of the same resource finds them by the owner tag on their thin pools: a volume made only of its
// own bricks is finished and taken over; its own bricks in no volume are removed, unless gluster
// ever served them (then they may hold data, and the create stops).

import * as pulumi from "@pulumi/pulumi";
import { type ClusterAccess, describeCause } from "../access";
import { type GlusterVolumeInfo, lvsArgs, parseLvs, SshConnectionError } from "../remote";
import { HEKETI_BRICK_PATH } from "./adopt";
import { brickHistory, destroyBrick } from "./bricks";
import { brickPath, type BrickSpec, ownerTag } from "./commands";
import { withFormerNodes } from "./evacuation";
import type { VolumeInputs, VolumeOutputs } from "./inputs";

/** A brick thin pool (tp_<id>) that carries a volume's owner tag. */
export interface OwnPool {
    node: string;
    vgName: string;
    id: string;
}

const BRICK_POOL = /^tp_([0-9a-f]{32})$/;

const THIN_POOLS_ARGS = lvsArgs([], { withoutLocks: true, select: "segtype=thin-pool" });

/** The pools tagged `tag` among `lvs` of `node`. */
export function ownPools(node: string, lvs: ReadonlyArray<{ lvName: string; vgName: string; tags: readonly string[] }>, tag: string): OwnPool[] {
    return lvs.flatMap((lv) => {
        const match = BRICK_POOL.exec(lv.lvName);
        return match !== null && lv.tags.includes(tag) ? [{ node, vgName: lv.vgName, id: match[1] }] : [];
    });
}

/**
 * The tagged pools on every node that answers (one `lvs` per node, all at once). Every thin pool is
 * listed and the tag picked here, so that creates starting together share one read per host: the
 * pools tagged for this resource are made by this operation alone, after the read.
 */
export async function findOwnPools(cluster: ClusterAccess, tag: string): Promise<OwnPool[]> {
    const perNode = await Promise.all(
        cluster.topology.nodes.map(async (node) => {
            const host = cluster.host(node.name);
            try {
                // What earlier runs left is committed: the read need not wait behind other creates' lvcreates.
                return ownPools(node.name, parseLvs((await host.run(THIN_POOLS_ARGS, { shareInFlight: true })).stdout), tag);
            } catch (error) {
                if (error instanceof SshConnectionError) {
                    void pulumi.log.warn(`${host.label}: unreachable, so bricks an interrupted create may have left there are not looked for: ${describeCause(error, host.label)}`);
                    return [];
                }
                throw error;
            }
        }),
    );
    return perNode.flat();
}

/**
 * The volume's bricks as pools (node, VG, id), from their hosts and paths alone (a brick on a
 * device leaving the cluster counts too); undefined when one lies outside this cluster or heketi's layout.
 */
function volumePools(info: GlusterVolumeInfo, topology: ClusterAccess["topology"]): OwnPool[] | undefined {
    const pools = info.bricks.map((brick) => {
        const node = topology.nodes.find((candidate) => candidate.storageHost === brick.host);
        const match = HEKETI_BRICK_PATH.exec(brick.path);
        return node === undefined || match === null ? undefined : { node: node.name, vgName: match[1], id: match[2] };
    });
    return pools.every((pool) => pool !== undefined) ? pools : undefined;
}

const samePool = (a: OwnPool) => (b: OwnPool) => a.node === b.node && a.vgName === b.vgName && a.id === b.id;

/**
 * True when every brick of the volume lies in a pool carrying the owner tag: this resource made
 * the volume in a create that never reported back.
 */
export function isOwnVolume(info: GlusterVolumeInfo, topology: ClusterAccess["topology"], pools: readonly OwnPool[]): boolean {
    const used = volumePools(info, topology);
    return used !== undefined && used.length > 0 && used.every((brick) => pools.some(samePool(brick)));
}

/** Own pools the volume does not use (all of them when there is no volume): left by an interrupted create, expansion or move. */
export function strayPools(pools: readonly OwnPool[], info: GlusterVolumeInfo | undefined, topology: ClusterAccess["topology"]): OwnPool[] {
    if (info === undefined) {
        return [...pools];
    }
    const used = volumePools(info, topology);
    // Bricks it cannot place in heketi's layout: better keep every pool than guess.
    return used === undefined ? [] : pools.filter((pool) => !used.some(samePool(pool)));
}

/**
 * Removes own bricks that no volume uses. One that gluster served (its brick directory has the
 * `.glusterfs` store a started brick makes, looked for even when it is not mounted), or whose
 * file system cannot be read, stops the run instead: it may hold data.
 */
export async function removeStrayBricks(cluster: ClusterAccess, volumeName: string, pools: readonly OwnPool[]): Promise<void> {
    const bricks = pools.map((pool) => ({ node: pool.node, brick: { id: pool.id, vgName: pool.vgName, sizeBytes: 0, poolBytes: 0, poolMetadataBytes: 0 } satisfies BrickSpec }));
    const kept = [];
    for (const { node, brick } of bricks) {
        const host = cluster.host(node);
        const history = await brickHistory(host, brick);
        if (history !== "unused") {
            kept.push(`${host.label}:${brickPath(brick)}${history === "unreadable" ? " (its file system could not be read)" : ""}`);
        }
    }
    if (kept.length > 0) {
        // Served but in no volume: a volume deleted by hand (or a brick removed from it) whose data may be wanted.
        throw new Error(
            `volume '${volumeName}': bricks made for this volume are in no gluster volume but were served before (${kept.join(", ")}), so they may hold data; ` +
                "recreate the volume over them by hand and set adopt: true, or remove them by hand, then run again",
        );
    }
    await Promise.all(bricks.map(({ node, brick }) => destroyBrick(cluster.host(node), brick)));
    void pulumi.log.info(`volume '${volumeName}': removed ${bricks.length} unused brick(s) an interrupted run left (${bricks.map(({ node, brick }) => `${node}:${brickPath(brick)}`).join(", ")})`);
}

/**
 * Bricks an interrupted expansion or move made and never added: they hold the space (and names) a
 * new try needs. `volumeInfo` reads the live volume, only when own pools exist.
 */
export async function removeStrayOwnBricks(cluster: ClusterAccess, olds: VolumeOutputs, news: VolumeInputs, volumeInfo: () => Promise<GlusterVolumeInfo | undefined>): Promise<void> {
    if (news.owner === undefined) {
        return;
    }
    const pools = await findOwnPools(cluster, ownerTag(news.owner));
    const stray = pools.length === 0 ? [] : strayPools(pools, await volumeInfo(), withFormerNodes(news.topology, olds.topology));
    if (stray.length > 0) {
        await removeStrayBricks(cluster, news.volumeName, stray);
    }
}
