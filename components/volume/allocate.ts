// Bricks for an operation: placed and allocated under the hosts' placement lock, finished (file
// system, fstab, mount), and flushed to stable storage before the volume is reported ready.

import * as pulumi from "@pulumi/pulumi";
import { ClusterAccess, runSteps, type SpaceClaim } from "../access";
import { deviceBytesForBrick } from "../placement";
import { FSTAB_SYNC_ARGS, type HostExecutor } from "../remote";
import { allocateBrick, finishBrick, newProgress } from "./bricks";
import { brickMount, ownerTag } from "./commands";
import type { VolumeBrick, VolumeInputs } from "./inputs";
import { type Made, rollBack } from "./rollback";
import { allSucceed } from "./settle";

/**
 * Places bricks and takes their space under the hosts' placement lock, so no other create places
 * on the same free bytes meanwhile; a failed lvcreate is rolled back before the lock is released.
 * `beforeAllocating` (a check that ran beside placement) may still refuse, before anything is made.
 */
export async function placeAndAllocate<Placed extends { bricks: VolumeBrick[] }>(
    cluster: ClusterAccess,
    peer: HostExecutor,
    inputs: VolumeInputs,
    made: Made,
    doing: string,
    place: () => Promise<Placed>,
    beforeAllocating: () => Promise<void> = async () => {},
): Promise<Placed> {
    const name = inputs.volumeName;
    return cluster.withPlacementLock(doing, place, (placed) => placed.bricks.map(spaceClaim), async (placed) => {
        await beforeAllocating();
        try {
            await allocateBricks(cluster, placed.bricks, made, inputs.owner);
        } catch (error) {
            throw await rollBack(cluster, peer, name, made, error, doing);
        }
    });
}

/** What placement counted a brick to take of its VG's free space (a metadata spare included). */
const spaceClaim = (brick: VolumeBrick): SpaceClaim => ({ node: brick.node, vgName: brick.vgName, bytes: deviceBytesForBrick(brick, 0) });

/** All bricks at once: hosts work in parallel, each host's executor runs its commands in turn. */
async function allocateBricks(cluster: ClusterAccess, bricks: readonly VolumeBrick[], made: Made, owner: string | undefined): Promise<void> {
    const tag = owner === undefined ? undefined : ownerTag(owner);
    await allSucceed(
        bricks.map((brick) => {
            const progress = newProgress(brick);
            made.progress.push(progress);
            return allocateBrick(cluster.host(brick.node), progress, tag);
        }),
    );
}

export async function finishBricks(cluster: ClusterAccess, made: Made, gid: number | undefined): Promise<void> {
    await allSucceed(made.progress.map((progress) => finishBrick(cluster.host(progress.brick.node), progress, gid)));
}

/**
 * Brick data (gluster's xattrs and brick directory) and the fstab lines on stable storage before
 * the volume is reported ready: a power cut right after `up` must not cost a brick.
 */
export async function flush(cluster: ClusterAccess, volumeName: string, bricks: readonly VolumeBrick[]): Promise<void> {
    const started = performance.now();
    const nodes = [...new Set(bricks.map((brick) => brick.node))];
    await Promise.all(
        nodes.map(async (node) => {
            const host = cluster.host(node);
            const mounts = bricks.filter((brick) => brick.node === node).map(brickMount);
            await runSteps(host, [
                { name: "sync bricks", argv: ["sync", "-f", ...mounts] },
                { name: "sync fstab", argv: FSTAB_SYNC_ARGS },
            ]);
        }),
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    void pulumi.log.info(`volume '${volumeName}': ${bricks.length} brick filesystems and fstab flushed to disk on ${nodes.length} host(s) in ${seconds} s`);
}
