// Moving bricks off devices that leave the cluster or failed, one at a time: wait until the move
// cannot drop data, make the new brick, replace-brick, let self-heal fill it, remove the old one.
// A failed move undoes its new brick and leaves the old one serving.

import * as pulumi from "@pulumi/pulumi";
import { ClusterAccess, type ClusterTopology, describeCause, findVolume, glusterStep } from "../access";
import { type PlacedBrick, placeReplacements } from "../placement";
import { type GlusterBrickHeal, healInfoArgs, type HostExecutor, parseHealInfo, parseVolumeStatus, runGluster, sleep } from "../remote";
import { finishBricks, flush, placeAndAllocate } from "./allocate";
import { destroyBrick } from "./bricks";
import { brickPath, glusterBrickName, replaceBrickArgs, volumeHealArgs, volumeStatusArgs } from "./commands";
import { type BrickMove, bricksToMove, moveBlocker, positioned, unmovableReason, withFormerNodes } from "./evacuation";
import type { VolumeBrick, VolumeInputs, VolumeOutputs } from "./inputs";
import { removeStrayOwnBricks } from "./interrupted";
import { bricksOnHosts } from "./refresh";
import { type Made, rollBack } from "./rollback";

/** How long a brick move waits for self-heal to empty its set's queue before refusing. */
const HEAL_WAIT_MS = 10 * 60 * 1000;
const HEAL_POLL_MS = 3000;
const HEAL_LOG_EVERY_MS = 15000;

/**
 * Moves the bricks whose device left the cluster (or is marked failed) to new places, one at a
 * time: wait until the move cannot drop data, make the new brick, `replace-brick … commit force`,
 * let self-heal fill it, remove the old brick. Returns the volume's bricks afterwards.
 */
export async function evacuate(cluster: ClusterAccess, peer: HostExecutor, olds: VolumeOutputs, news: VolumeInputs): Promise<VolumeBrick[]> {
    const name = news.volumeName;
    if (bricksToMove(olds.bricks, news.topology).length === 0) {
        return olds.bricks;
    }
    const info = await findVolume(peer, name);
    if (info === undefined) {
        throw new Error(`volume '${name}' no longer exists on the cluster (seen from ${peer.label}); run 'pulumi refresh', then 'pulumi up' recreates it`);
    }
    // Where the bricks are now, not where state last saw them: an interrupted run may have moved some.
    const bricks = await bricksOnHosts(cluster, info, withFormerNodes(news.topology, olds.topology), news.durability, olds.bricks);
    const moves = bricksToMove(bricks, news.topology);
    await removeStrayOwnBricks(cluster, olds, news, async () => info);
    // Every brick must have somewhere to go before the first one moves.
    await planMoves(cluster, olds.topology, news, bricks, moves);
    for (const [index, move] of moves.entries()) {
        const position = bricks.findIndex((brick) => brick === move.brick);
        bricks[position] = await moveBrick(cluster, peer, olds.topology, news, bricks, move, index);
    }
    return bricks;
}

/** Where each moving brick goes, on the devices as they are now; throws (nothing changed) if one has nowhere to go. */
export async function planMoves(cluster: ClusterAccess, oldTopology: ClusterTopology, news: VolumeInputs, bricks: readonly VolumeBrick[], moves: readonly BrickMove[]): Promise<PlacedBrick[]> {
    if (moves.length === 0) {
        return [];
    }
    const unmovable = unmovableReason(news.volumeName, news.durability);
    if (unmovable !== undefined) {
        throw new Error(`${unmovable} (${moves[0].why})`);
    }
    const nodes = withFormerNodes(news.topology, oldTopology).nodes;
    const moving = new Set(moves.map((move) => move.brick));
    return placeReplacements(
        await cluster.liveInventory(),
        { volumeName: news.volumeName, snapshotFactor: news.snapshotFactor, zoneChecking: news.topology.zoneChecking ?? "none" },
        positioned(bricks.filter((brick) => !moving.has(brick)), nodes),
        positioned(moves.map((move) => move.brick), nodes),
    );
}

async function moveBrick(cluster: ClusterAccess, peer: HostExecutor, oldTopology: ClusterTopology, news: VolumeInputs, bricks: readonly VolumeBrick[], move: BrickMove, done: number): Promise<VolumeBrick> {
    const name = news.volumeName;
    const old = move.brick;
    const oldName = glusterBrickName(old.host, old.path);
    const interrupted = done > 0 ? `; the ${done} brick(s) moved before it stay moved, and the next refresh or up records them` : "";
    await waitUntilSafeToMove(peer, name, old, bricks.filter((brick) => brick.setIndex === old.setIndex), interrupted);
    const doing = `moving brick ${oldName} of volume '${name}'`;
    const made: Made = { progress: [], volumeCreated: false };
    let replacement: VolumeBrick;
    try {
        // Placed again under the hosts' placement lock, on the free space of now (the heal wait may
        // have been long, and other creates take space too), and allocated before the lock goes.
        ({ replacement } = await placeAndAllocate(cluster, peer, news, made, doing, async () => {
            const [target] = await planMoves(cluster, oldTopology, news, bricks, [move]);
            const brick = replacementOf(old, target);
            return { replacement: brick, bricks: [brick] };
        }));
    } catch (error) {
        throw new Error(`${error instanceof Error ? error.message : String(error)}; the brick stays where it was${interrupted}`);
    }
    const newName = glusterBrickName(replacement.host, replacement.path);
    void pulumi.log.info(`volume '${name}': moving brick ${oldName} to ${replacement.node} ${replacement.device} (${move.why})`);
    try {
        await finishBricks(cluster, made, news.gid);
        await flush(cluster, name, [replacement]);
        await glusterStep(peer, "gluster volume replace-brick", replaceBrickArgs(name, oldName, newName));
    } catch (error) {
        const failure = await rollBack(cluster, peer, name, made, error, doing);
        throw new Error(`${failure.message}; the brick stays where it was${interrupted}`);
    }
    // The new brick serves now: what follows may warn, but must not fail the update.
    try {
        await runGluster(peer, volumeHealArgs(name));
    } catch (error) {
        void pulumi.log.warn(`volume '${name}': could not start self-heal (${describeCause(error)}); the self-heal daemon fills ${newName} at its next crawl`);
    }
    await removeReplacedBrick(cluster, name, old);
    void pulumi.log.info(`volume '${name}': brick ${oldName} replaced by ${newName}; self-heal fills it from the rest of set ${old.setIndex} ('gluster volume heal ${name} info' shows progress)`);
    return replacement;
}

/** The brick that takes `old`'s place at `target`: same id and place in its set. */
function replacementOf(old: VolumeBrick, target: PlacedBrick): VolumeBrick {
    const location = { id: old.id, vgName: target.deviceId };
    return {
        node: target.node,
        host: target.storageHost,
        path: brickPath(location),
        device: target.devicePath,
        sizeBytes: target.sizeBytes,
        ...location,
        poolBytes: target.poolBytes,
        poolMetadataBytes: target.poolMetadataBytes,
        setIndex: old.setIndex,
        isArbiter: old.isArbiter,
    };
}

/**
 * Waits (bounded, with progress) while the set has entries to heal, and refuses at once when
 * another brick of the set is offline: see moveBlocker.
 */
async function waitUntilSafeToMove(peer: HostExecutor, name: string, moving: VolumeBrick, set: readonly VolumeBrick[], interrupted: string): Promise<void> {
    const started = Date.now();
    let lastLog = started;
    let healRequested = false;
    for (;;) {
        const status = parseVolumeStatus(await runGluster(peer, volumeStatusArgs(name))).find((volume) => volume.name === name)?.bricks ?? [];
        const blocker = moveBlocker(name, moving, set, status, await healInfo(peer, name));
        if (blocker === undefined) {
            return;
        }
        if (blocker.kind === "member-offline" || Date.now() - started > HEAL_WAIT_MS) {
            throw new Error(`${blocker.message}; the brick stays where it was${interrupted}`);
        }
        if (!healRequested) {
            await runGluster(peer, volumeHealArgs(name)).catch(() => undefined);
            healRequested = true;
        }
        if (Date.now() - lastLog >= HEAL_LOG_EVERY_MS) {
            lastLog = Date.now();
            void pulumi.log.info(`volume '${name}': waiting for self-heal before moving ${glusterBrickName(moving.host, moving.path)} (${Math.round((lastLog - started) / 1000)} s)`);
        }
        await sleep(HEAL_POLL_MS);
    }
}

/** `volume heal info`, or undefined when it cannot be read (e.g. while a brick is down). */
async function healInfo(peer: HostExecutor, name: string): Promise<GlusterBrickHeal[] | undefined> {
    try {
        return parseHealInfo(await runGluster(peer, healInfoArgs(name)));
    } catch {
        return undefined;
    }
}

/** The replaced brick's LV, pool, fstab line and mount point; leftovers are reported, not fatal. */
async function removeReplacedBrick(cluster: ClusterAccess, name: string, old: VolumeBrick): Promise<void> {
    let lastError: unknown;
    // glusterd stops the old brick process as replace-brick commits; its mount may be busy a moment longer.
    for (let attempt = 0; attempt < 5; attempt++) {
        try {
            await destroyBrick(cluster.host(old.node), old);
            return;
        } catch (error) {
            lastError = error;
            await sleep(1000 * (attempt + 1));
        }
    }
    void pulumi.log.warn(`volume '${name}': the replaced brick ${glusterBrickName(old.host, old.path)} could not be removed (${describeCause(lastError)}); remove LV ${old.vgName}/brick_${old.id}, its thin pool and fstab line by hand`);
}

export function describeMove(move: BrickMove, target: PlacedBrick): string {
    return `brick ${glusterBrickName(move.brick.host, move.brick.path)} moves to ${target.node} ${target.devicePath} (${move.why})`;
}
