// Drift on the bricks' file systems: which are unmounted and how full, and mounting them again
// with their brick processes restarted.

import * as pulumi from "@pulumi/pulumi";
import { ClusterAccess, glusterStep, runStep } from "../access";
import { type HostExecutor, SshConnectionError } from "../remote";
import { formatSize } from "../sizes";
import { brickMount, brickMountedArgs, brickUsageArgs, glusterBrickName, mountArgs, parseBrickUsage, volumeStartForceArgs } from "./commands";
import type { BrickUsage, VolumeBrick } from "./inputs";

/**
 * Which bricks' file systems are not mounted (host:path) and how full the mounted ones are: one
 * `df` per node. Unreachable nodes report nothing (they are not drift).
 */
export async function brickFilesystemsOf(cluster: ClusterAccess, bricks: readonly VolumeBrick[]): Promise<{ unmounted: string[]; usage: BrickUsage[] }> {
    const nodes = [...new Set(bricks.map((brick) => brick.node))];
    const perNode = await Promise.all(
        nodes.map(async (node) => {
            const mine = bricks.filter((brick) => brick.node === node);
            try {
                // df exits 1 when a mount point directory is gone; it still reports the others.
                const seen = parseBrickUsage((await cluster.host(node).tryRun(brickUsageArgs(mine))).stdout);
                return mine.map((brick) => ({ name: glusterBrickName(brick.host, brick.path), filesystem: seen.find((entry) => entry.mount === brickMount(brick)) }));
            } catch (error) {
                if (error instanceof SshConnectionError) {
                    return [];
                }
                throw error;
            }
        }),
    );
    const all = perNode.flat();
    return {
        unmounted: all.filter(({ filesystem }) => filesystem?.mounted !== true).map(({ name }) => name),
        usage: all.flatMap(({ name, filesystem }) => (filesystem?.mounted === true ? [{ brick: name, sizeBytes: filesystem.sizeBytes, usedBytes: filesystem.usedBytes }] : [])),
    };
}

/** Bricks at least this full get a warning at refresh: writes fail with ENOSPC when one is full. */
const BRICK_FULL_WARNING = 0.9;

export function warnFullBricks(volumeName: string, usage: readonly BrickUsage[]): void {
    const full = usage.filter((brick) => brick.sizeBytes > 0 && brick.usedBytes / brick.sizeBytes >= BRICK_FULL_WARNING);
    if (full.length > 0) {
        const described = full.map((brick) => `${brick.brick} ${Math.round((100 * brick.usedBytes) / brick.sizeBytes)}% (${formatSize(brick.usedBytes)} of ${formatSize(brick.sizeBytes)})`);
        void pulumi.log.warn(`volume '${volumeName}': bricks nearly full: ${described.join(", ")}; writes fail with "No space left on device" once one is full: grow the volume (size) or free space in it`);
    }
}

/** Mounts the brick filesystems that are not mounted and restarts their brick processes; true if it did any. */
export async function remountBricks(cluster: ClusterAccess, peer: HostExecutor, name: string, bricks: readonly VolumeBrick[]): Promise<boolean> {
    const remounted: string[] = [];
    for (const brick of bricks) {
        const host = cluster.host(brick.node);
        if ((await host.tryRun(brickMountedArgs(brick))).exitCode !== 0) {
            await runStep(host, `mount ${brickMount(brick)}`, mountArgs(brick));
            remounted.push(glusterBrickName(brick.host, brick.path));
        }
    }
    if (remounted.length > 0) {
        // glusterd does not restart a brick whose directory was missing: start force does, and leaves running bricks alone.
        await glusterStep(peer, "gluster volume start force", volumeStartForceArgs(name));
        void pulumi.log.info(`volume '${name}': mounted ${remounted.join(", ")} again and restarted their brick processes`);
    }
    return remounted.length > 0;
}
