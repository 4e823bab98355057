// The GlusterVolume dynamic provider's implementation, loaded by the shim in volume.ts inside the
// provider process. The hosts are the source of truth: create and update read free space live,
// refresh reads the volume from gluster, delete tolerates whatever was already removed by hand.

import * as pulumi from "@pulumi/pulumi";
import type { ClusterNode, ClusterTopology } from "../cluster";
import { placeBricks, placeReplacements, type ExistingBrick, type PlacedBrick } from "../placement";
import {
    FSTAB_SYNC_ARGS,
    glusterArgs,
    healInfoArgs,
    parsePoolList,
    parseHealInfo,
    parseVolumeStatus,
    SshConnectionError,
    type GlusterBrickHeal,
    type GlusterVolumeInfo,
    type SshExecutor,
} from "../remote";
import { formatSize, parseSize } from "../sizes";
import { adoptedSizeBytes, durabilityMismatch, followBricks, isSized, locateBricks, sizeBricks, sizeMismatch } from "./adopt";
import { allocateBrick, destroyBrick, finishBrick, newProgress, setBrickGroup, undoBrick, type BrickProgress } from "./bricks";
import { ClusterAccess } from "./cluster-access";
import { findOwnPools, isOwnVolume, removeStrayBricks, strayPools } from "./interrupted";
import {
    addBrickArgs,
    ownerTag,
    brickMount,
    brickMountedArgs,
    brickUsageArgs,
    parseBrickUsage,
    brickPath,
    mountArgs,
    replaceBrickArgs,
    volumeHealArgs,
    volumeStatusArgs,
    volumeStartForceArgs,
    glusterBrickName,
    rebalanceStartArgs,
    volumeCreateArgs,
    volumeDeleteArgs,
    volumeResetArgs,
    volumeSetArgs,
    volumeStartArgs,
    volumeStopArgs,
} from "./commands";
import { describeCause, StepError } from "./errors";
import { bricksToMove, moveBlocker, positioned, unmovableReason, type BrickMove } from "./evacuation";
import { findVolume, gluster, isMissingVolume } from "./gluster-volume";
import { brickSets, volumeBricks, volumeOutputs } from "./layout";
import { missingVolumeVerdict, type MissingVolumeWitness } from "./missing";
import {
    changedInputs,
    checkInputs,
    dataLossRefusal,
    missingVolumeRefusal,
    needsRemount,
    needsStart,
    optionChanges,
    placementLimits,
    requiresReplacement,
    UNKNOWN,
    VOLUME_MISSING,
    VOLUME_STATE_VERSION,
    type VolumeBrick,
    type VolumeInputs,
    type BrickUsage,
    type VolumeOutputs,
} from "./inputs";

export async function check(olds: Partial<VolumeInputs>, news: VolumeInputs): Promise<pulumi.dynamic.CheckResult<VolumeInputs>> {
    const previous = olds && olds.volumeName !== undefined ? olds : undefined;
    return { inputs: news, failures: checkInputs(previous, news as unknown as Record<string, unknown>) };
}

export async function diff(_id: string, olds: VolumeOutputs, news: VolumeInputs): Promise<pulumi.dynamic.DiffResult> {
    const changed = changedInputs(olds, news);
    // A volume deleted by hand comes back as a new one (its old bricks removed first) only with allowDataLoss.
    const replaces = requiresReplacement(olds, news as unknown as Record<string, unknown>);
    const refusal = dataLossRefusal(olds, news, replaces);
    if (refusal !== undefined) {
        throw new Error(refusal);
    }
    if (olds.status === VOLUME_MISSING) {
        // Refresh diffs a missing volume too, so the refusal waits for the update (see update).
        if (news.allowDataLoss === true) {
            replaces.push("status");
        } else {
            void pulumi.log.warn(missingVolumeRefusal(olds));
        }
    }
    const moves = replaces.length === 0 && isKnownTopology(news.topology) ? bricksToMove(olds.bricks, news.topology) : [];
    if (moves.length > 0) {
        // Preview says where the bricks go, or why they cannot move, before anything changes.
        const cluster = new ClusterAccess(news.topology, formerNodes(olds.topology, news.topology));
        const targets = await planMoves(cluster, olds.topology, news, olds.bricks, moves);
        moves.forEach((move, index) => void pulumi.log.info(`volume '${news.volumeName}': ${describeMove(move, targets[index])}`));
    }
    return {
        changes: changed.length > 0 || moves.length > 0 || needsStart(olds) || needsRemount(olds) || olds.stateVersion !== VOLUME_STATE_VERSION,
        replaces,
        // The replacement takes the same gluster volume name and brick ids.
        deleteBeforeReplace: true,
    };
}

export async function create(inputs: VolumeInputs): Promise<pulumi.dynamic.CreateResult<VolumeOutputs>> {
    const cluster = new ClusterAccess(inputs.topology);
    const name = inputs.volumeName;
    const peer = await cluster.anyPeer();
    const existing = await findVolume(peer, name);
    if (existing && inputs.adopt === true) {
        return adopt(cluster, peer, inputs, existing);
    }
    // What a create of this same resource left when the engine was stopped before it reported.
    const ownPools = inputs.owner === undefined ? [] : await findOwnPools(cluster, ownerTag(inputs.owner));
    if (existing && isOwnVolume(existing, inputs.topology, ownPools)) {
        void pulumi.log.info(`volume '${name}': found as an earlier create of this resource left it (that run was stopped before it reported); finishing it`);
        const finished = await adopt(cluster, peer, inputs, existing);
        await flush(cluster, name, finished.outs!.bricks);
        return finished;
    }
    if (existing) {
        throw new Error(
            `volume '${name}': the cluster already has a gluster volume of that name (seen from ${peer.label}); ` +
                "choose another name, delete that volume, or set adopt: true to take it over",
        );
    }
    if (ownPools.length > 0) {
        await removeStrayBricks(cluster, name, ownPools);
    }
    const sizeBytes = parseSize(inputs.size);
    const made: Made = { progress: [], volumeCreated: false };
    const doing = `creating volume '${name}'`;
    const { placement, bricks } = await placeAndAllocate(cluster, peer, inputs, made, doing, async () => {
        const placement = placeBricks(
            await cluster.liveTopology(),
            { volumeName: name, sizeBytes, durability: inputs.durability, snapshotFactor: inputs.snapshotFactor, zoneChecking: inputs.topology.zoneChecking ?? "none" },
            placementLimits(sizeBytes, inputs.durability),
        );
        return { placement, bricks: volumeBricks(name, placement, 0) };
    });
    try {
        await finishBricks(cluster, made, inputs.gid);
        const sets = brickSets(bricks);
        await volumeStep(peer, "gluster volume create", volumeCreateArgs(name, inputs.durability, sets[0]));
        made.volumeCreated = true;
        for (const set of sets.slice(1)) {
            await volumeStep(peer, "gluster volume add-brick", addBrickArgs(name, inputs.durability, set));
        }
        for (const [option, value] of Object.entries(inputs.options)) {
            await volumeStep(peer, `gluster volume set ${option}`, volumeSetArgs(name, option, value));
        }
        await volumeStep(peer, "gluster volume start", volumeStartArgs(name));
        await flush(cluster, name, bricks);
    } catch (error) {
        throw await rollBack(cluster, peer, name, made, error, doing);
    }
    void pulumi.log.info(`volume '${name}': started with ${bricks.length} bricks in ${placement.sets.length} set(s)`);
    return { id: name, outs: volumeOutputs(inputs, sizeBytes, bricks, []) };
}

/** Takes over an existing volume: reads its bricks from the hosts; only declared options that differ are set. */
async function adopt(cluster: ClusterAccess, peer: SshExecutor, inputs: VolumeInputs, info: GlusterVolumeInfo): Promise<pulumi.dynamic.CreateResult<VolumeOutputs>> {
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
    for (const [option, value] of Object.entries(inputs.options).filter(([option, value]) => info.options[option] !== value)) {
        await volumeStep(peer, `gluster volume set ${option}`, volumeSetArgs(name, option, value));
    }
    if (inputs.gid !== undefined) {
        await Promise.all(bricks.map((brick) => setBrickGroup(cluster.host(brick.node), brick, inputs.gid!)));
    }
    if (info.status !== "Started") {
        await volumeStep(peer, "gluster volume start", volumeStartArgs(name));
    }
    void pulumi.log.info(`volume '${name}': adopted with ${bricks.length} bricks (${formatSize(sizeBytes)}); its data was not touched`);
    return { id: name, outs: volumeOutputs(inputs, sizeBytes, bricks, []) };
}

export async function read(id: string, props: VolumeOutputs): Promise<pulumi.dynamic.ReadResult<VolumeOutputs>> {
    const cluster = new ClusterAccess(props.topology);
    const peer = await cluster.anyPeer(props.bricks.map((brick) => brick.node));
    const info = await findVolume(peer, props.volumeName);
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
    return { id, props: { ...props, bricks, options, status: info.status, missingBricks, unmountedBricks, brickUsage, stateVersion: VOLUME_STATE_VERSION } };
}

/** Every brick node's answer about the volume and its pool, for missingVolumeVerdict. */
async function missingVolumeWitnesses(cluster: ClusterAccess, props: VolumeOutputs): Promise<MissingVolumeWitness[]> {
    const nodes = [...new Map(props.bricks.map((brick) => [brick.node, brick.host])).entries()];
    return Promise.all(
        nodes.map(async ([node, storageHost]): Promise<MissingVolumeWitness> => {
            const host = cluster.host(node);
            try {
                const hasVolume = (await findVolume(host, props.volumeName)) !== undefined;
                const peers = parsePoolList(await gluster(host, glusterArgs("pool", "list")));
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

export async function update(_id: string, olds: VolumeOutputs, news: VolumeInputs): Promise<pulumi.dynamic.UpdateResult<VolumeOutputs>> {
    if (olds.status === VOLUME_MISSING) {
        throw new Error(missingVolumeRefusal(olds));
    }
    const cluster = new ClusterAccess(news.topology, formerNodes(olds.topology, news.topology));
    const name = news.volumeName;
    const peer = await cluster.anyPeer(olds.bricks.map((brick) => brick.node).filter((node) => news.topology.nodes.some((candidate) => candidate.name === node)));
    const { set, reset } = optionChanges(olds.options, news.options);
    for (const [option, value] of set) {
        await volumeStep(peer, `gluster volume set ${option}`, volumeSetArgs(name, option, value));
    }
    for (const option of reset) {
        await volumeStep(peer, `gluster volume reset ${option}`, volumeResetArgs(name, option));
    }
    if (news.gid !== undefined && news.gid !== olds.gid) {
        await Promise.all(olds.bricks.map((brick) => setBrickGroup(cluster.host(brick.node), brick, news.gid!)));
    }
    // `start force` after a remount also starts a stopped volume.
    const startedByRemount = needsRemount(olds) && (await remountBricks(cluster, peer, name, olds.bricks));
    if (needsStart(olds) && !startedByRemount) {
        await volumeStep(peer, "gluster volume start", volumeStartArgs(name));
    }
    const current = await evacuate(cluster, peer, olds, news);
    // Last: once add-brick succeeds nothing may fail, or state would lose the new bricks.
    const sizeBytes = parseSize(news.size);
    const bricks = sizeBytes > olds.sizeBytes ? [...current, ...(await expand(cluster, peer, { ...olds, bricks: current }, news, sizeBytes - olds.sizeBytes))] : current;
    return { outs: volumeOutputs(news, Math.max(sizeBytes, olds.sizeBytes), bricks, olds.missingBricks ?? []) };
}

/**
 * Which bricks' file systems are not mounted (host:path) and how full the mounted ones are: one
 * `df` per node. Unreachable nodes report nothing (they are not drift).
 */
async function brickFilesystemsOf(cluster: ClusterAccess, bricks: readonly VolumeBrick[]): Promise<{ unmounted: string[]; usage: BrickUsage[] }> {
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

function warnFullBricks(volumeName: string, usage: readonly BrickUsage[]): void {
    const full = usage.filter((brick) => brick.sizeBytes > 0 && brick.usedBytes / brick.sizeBytes >= BRICK_FULL_WARNING);
    if (full.length > 0) {
        const described = full.map((brick) => `${brick.brick} ${Math.round((100 * brick.usedBytes) / brick.sizeBytes)}% (${formatSize(brick.usedBytes)} of ${formatSize(brick.sizeBytes)})`);
        void pulumi.log.warn(`volume '${volumeName}': bricks nearly full: ${described.join(", ")}; writes fail with "No space left on device" once one is full: grow the volume (size) or free space in it`);
    }
}

/** Mounts the brick filesystems that are not mounted and restarts their brick processes; true if it did any. */
async function remountBricks(cluster: ClusterAccess, peer: SshExecutor, name: string, bricks: readonly VolumeBrick[]): Promise<boolean> {
    const remounted: string[] = [];
    for (const brick of bricks) {
        const host = cluster.host(brick.node);
        if ((await host.tryRun(brickMountedArgs(brick))).exitCode !== 0) {
            await stepOn(host, `mount ${brickMount(brick)}`, mountArgs(brick));
            remounted.push(glusterBrickName(brick.host, brick.path));
        }
    }
    if (remounted.length > 0) {
        // glusterd does not restart a brick whose directory was missing: start force does, and leaves running bricks alone.
        await volumeStep(peer, "gluster volume start force", volumeStartForceArgs(name));
        void pulumi.log.info(`volume '${name}': mounted ${remounted.join(", ")} again and restarted their brick processes`);
    }
    return remounted.length > 0;
}

/** How long a brick move waits for self-heal to empty its set's queue before refusing. */
const HEAL_WAIT_MS = 10 * 60 * 1000;
const HEAL_POLL_MS = 3000;
const HEAL_LOG_EVERY_MS = 15000;

/**
 * Moves the bricks whose device left the cluster (or is marked failed) to new places, one at a
 * time: wait until the move cannot drop data, make the new brick, `replace-brick … commit force`,
 * let self-heal fill it, remove the old brick. Returns the volume's bricks afterwards.
 */
async function evacuate(cluster: ClusterAccess, peer: SshExecutor, olds: VolumeOutputs, news: VolumeInputs): Promise<VolumeBrick[]> {
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
    const targets = await planMoves(cluster, olds.topology, news, bricks, moves);
    for (const [index, move] of moves.entries()) {
        const position = bricks.findIndex((brick) => brick === move.brick);
        bricks[position] = await moveBrick(cluster, peer, news, bricks, move, targets[index], index);
    }
    return bricks;
}

/** Where each moving brick goes, on the devices as they are now; throws (nothing changed) if one has nowhere to go. */
async function planMoves(cluster: ClusterAccess, oldTopology: ClusterTopology, news: VolumeInputs, bricks: readonly VolumeBrick[], moves: readonly BrickMove[]): Promise<PlacedBrick[]> {
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
        await cluster.liveTopology(),
        { volumeName: news.volumeName, snapshotFactor: news.snapshotFactor, zoneChecking: news.topology.zoneChecking ?? "none" },
        positioned(bricks.filter((brick) => !moving.has(brick)), nodes),
        positioned(moves.map((move) => move.brick), nodes),
    );
}

async function moveBrick(cluster: ClusterAccess, peer: SshExecutor, news: VolumeInputs, bricks: readonly VolumeBrick[], move: BrickMove, target: PlacedBrick, done: number): Promise<VolumeBrick> {
    const name = news.volumeName;
    const old = move.brick;
    const oldName = glusterBrickName(old.host, old.path);
    const interrupted = done > 0 ? `; the ${done} brick(s) moved before it stay moved, and the next refresh or up records them` : "";
    await waitUntilSafeToMove(peer, name, old, bricks.filter((brick) => brick.setIndex === old.setIndex), interrupted);
    const location = { id: old.id, vgName: target.deviceId };
    const replacement: VolumeBrick = {
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
    const newName = glusterBrickName(replacement.host, replacement.path);
    void pulumi.log.info(`volume '${name}': moving brick ${oldName} to ${target.node} ${target.devicePath} (${move.why})`);
    const made: Made = { progress: [], volumeCreated: false };
    try {
        await allocateBricks(cluster, [replacement], made, news.owner);
        await finishBricks(cluster, made, news.gid);
        await flush(cluster, name, [replacement]);
        await volumeStep(peer, "gluster volume replace-brick", replaceBrickArgs(name, oldName, newName));
    } catch (error) {
        const failure = await rollBack(cluster, peer, name, made, error, `moving brick ${oldName} of volume '${name}'`);
        throw new Error(`${failure.message}; the brick stays where it was${interrupted}`);
    }
    // The new brick serves now: what follows may warn, but must not fail the update.
    try {
        await gluster(peer, volumeHealArgs(name));
    } catch (error) {
        void pulumi.log.warn(`volume '${name}': could not start self-heal (${describeCause(error)}); the self-heal daemon fills ${newName} at its next crawl`);
    }
    await removeReplacedBrick(cluster, name, old);
    void pulumi.log.info(`volume '${name}': brick ${oldName} replaced by ${newName}; self-heal fills it from the rest of set ${old.setIndex} ('gluster volume heal ${name} info' shows progress)`);
    return replacement;
}

/**
 * Waits (bounded, with progress) while the set has entries to heal, and refuses at once when
 * another brick of the set is offline: see moveBlocker.
 */
async function waitUntilSafeToMove(peer: SshExecutor, name: string, moving: VolumeBrick, set: readonly VolumeBrick[], interrupted: string): Promise<void> {
    const started = Date.now();
    let lastLog = started;
    let healRequested = false;
    for (;;) {
        const status = parseVolumeStatus(await gluster(peer, volumeStatusArgs(name))).find((volume) => volume.name === name)?.bricks ?? [];
        const blocker = moveBlocker(name, moving, set, status, await healInfo(peer, name));
        if (blocker === undefined) {
            return;
        }
        if (blocker.kind === "member-offline" || Date.now() - started > HEAL_WAIT_MS) {
            throw new Error(`${blocker.message}; the brick stays where it was${interrupted}`);
        }
        if (!healRequested) {
            await gluster(peer, volumeHealArgs(name)).catch(() => undefined);
            healRequested = true;
        }
        if (Date.now() - lastLog >= HEAL_LOG_EVERY_MS) {
            lastLog = Date.now();
            void pulumi.log.info(`volume '${name}': waiting for self-heal before moving ${glusterBrickName(moving.host, moving.path)} (${Math.round((lastLog - started) / 1000)} s)`);
        }
        await new Promise((resolve) => setTimeout(resolve, HEAL_POLL_MS));
    }
}

/** `volume heal info`, or undefined when it cannot be read (e.g. while a brick is down). */
async function healInfo(peer: SshExecutor, name: string): Promise<GlusterBrickHeal[] | undefined> {
    try {
        return parseHealInfo(await gluster(peer, healInfoArgs(name)));
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
            await new Promise((resolve) => setTimeout(resolve, 1000 * (attempt + 1)));
        }
    }
    void pulumi.log.warn(`volume '${name}': the replaced brick ${glusterBrickName(old.host, old.path)} could not be removed (${describeCause(lastError)}); remove LV ${old.vgName}/brick_${old.id}, its thin pool and fstab line by hand`);
}

/** The volume's bricks as gluster lists them; bricks new to state get their sizes from LVM. */
async function bricksOnHosts(cluster: ClusterAccess, info: GlusterVolumeInfo, topology: ClusterTopology, durability: VolumeInputs["durability"], known: readonly VolumeBrick[]): Promise<VolumeBrick[]> {
    const followed = followBricks(info, topology, durability, known);
    const unsized = followed.filter((brick) => !isSized(brick));
    const sized = unsized.length === 0 ? [] : sizeBricks(info.name, unsized, await cluster.logicalVolumesOf(unsized));
    return followed.map((brick) => (isSized(brick) ? brick : sized[unsized.indexOf(brick)]));
}

function describeMove(move: BrickMove, target: PlacedBrick): string {
    return `brick ${glusterBrickName(move.brick.host, move.brick.path)} moves to ${target.node} ${target.devicePath} (${move.why})`;
}

/** Nodes of the old topology that the new one lacks: they may still hold bricks to move off. */
function formerNodes(oldTopology: ClusterTopology, newTopology: ClusterTopology): ClusterNode[] {
    return oldTopology.nodes.filter((node) => !newTopology.nodes.some((current) => current.name === node.name));
}

function withFormerNodes(topology: ClusterTopology, oldTopology: ClusterTopology): ClusterTopology {
    return { ...topology, nodes: [...topology.nodes, ...formerNodes(oldTopology, topology)] };
}

function isKnownTopology(topology: unknown): topology is ClusterTopology {
    return typeof topology === "object" && topology !== null && Array.isArray((topology as ClusterTopology).nodes) && !JSON.stringify(topology).includes(UNKNOWN);
}

/**
 * Bricks an interrupted expansion or move made and never added: they hold the space (and names) a
 * new try needs. `volumeInfo` reads the live volume, only when own pools exist.
 */
async function removeStrayOwnBricks(cluster: ClusterAccess, olds: VolumeOutputs, news: VolumeInputs, volumeInfo: () => Promise<GlusterVolumeInfo | undefined>): Promise<void> {
    if (news.owner === undefined) {
        return;
    }
    const pools = await findOwnPools(cluster, ownerTag(news.owner));
    const stray = pools.length === 0 ? [] : strayPools(pools, await volumeInfo(), withFormerNodes(news.topology, olds.topology));
    if (stray.length > 0) {
        await removeStrayBricks(cluster, news.volumeName, stray);
    }
}

/** heketi's expansion: new brick sets placed away from the existing ones, add-brick, rebalance. */
async function expand(cluster: ClusterAccess, peer: SshExecutor, olds: VolumeOutputs, news: VolumeInputs, addBytes: number): Promise<VolumeBrick[]> {
    const name = news.volumeName;
    await removeStrayOwnBricks(cluster, olds, news, () => findVolume(peer, name));
    const existingBricks: ExistingBrick[] = olds.bricks.map((brick) => ({ node: brick.node, deviceId: brick.vgName }));
    const firstSet = Math.max(-1, ...olds.bricks.map((brick) => brick.setIndex)) + 1;
    const made: Made = { progress: [], volumeCreated: false };
    const doing = `expanding volume '${name}'`;
    const { placement, bricks } = await placeAndAllocate(cluster, peer, news, made, doing, async () => {
        const placement = placeBricks(
            await cluster.liveTopology(),
            { volumeName: name, sizeBytes: addBytes, durability: news.durability, snapshotFactor: news.snapshotFactor, zoneChecking: news.topology.zoneChecking ?? "none", existingBricks },
            placementLimits(addBytes, news.durability),
        );
        return { placement, bricks: volumeBricks(name, placement, firstSet) };
    });
    try {
        await finishBricks(cluster, made, news.gid);
        await volumeStep(peer, "gluster volume add-brick", addBrickArgs(name, news.durability, brickSets(bricks).flat()));
    } catch (error) {
        throw await rollBack(cluster, peer, name, made, error, doing);
    }
    // The bricks are in the volume now: later trouble is worth a warning, not a lost state.
    for (const [what, work] of [["flush", () => flush(cluster, name, bricks)], ["rebalance start", () => gluster(peer, rebalanceStartArgs(name))]] as const) {
        try {
            await work();
        } catch (error) {
            void pulumi.log.warn(`volume '${name}': ${what} after add-brick failed (${describeCause(error)}); run it again by hand`);
        }
    }
    void pulumi.log.info(`volume '${name}': added ${bricks.length} bricks in ${placement.sets.length} set(s)`);
    return bricks;
}

async function remove(_id: string, props: VolumeOutputs): Promise<void> {
    const cluster = new ClusterAccess(props.topology);
    const name = props.volumeName;
    const brickNodes = props.bricks.map((brick) => brick.node);
    // Stopping first would take the volume away from its clients for a delete that cannot finish.
    await cluster.requireReachable(brickNodes, `deleting volume '${name}': a host holding its bricks is not reachable`);
    const peer = await cluster.anyPeer(brickNodes);
    await stopAndDelete(peer, name);
    const failures = await settle(props.bricks.map((brick) => destroyBrick(cluster.host(brick.node), brick)));
    if (failures.length > 0) {
        throw new Error(`deleting volume '${name}': the volume is gone but some bricks could not be removed: ${failures.map((e) => describeCause(e)).join("; ")}`);
    }
}

// `delete` is a reserved word: export the function under the provider method's name.
export { remove as delete };

/** What a create or an expansion made so far, for the roll-back. */
interface Made {
    progress: Array<BrickProgress<VolumeBrick>>;
    volumeCreated: boolean;
}

/**
 * Places bricks and takes their space under the hosts' placement lock, so no other create places
 * on the same free bytes meanwhile; a failed lvcreate is rolled back before the lock is released.
 */
async function placeAndAllocate<Placed extends { bricks: VolumeBrick[] }>(cluster: ClusterAccess, peer: SshExecutor, inputs: VolumeInputs, made: Made, doing: string, place: () => Promise<Placed>): Promise<Placed> {
    const name = inputs.volumeName;
    return cluster.withPlacementLock(doing, async () => {
        const placed = await place();
        try {
            await allocateBricks(cluster, placed.bricks, made, inputs.owner);
        } catch (error) {
            throw await rollBack(cluster, peer, name, made, error, doing);
        }
        return placed;
    });
}

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

async function finishBricks(cluster: ClusterAccess, made: Made, gid: number | undefined): Promise<void> {
    await allSucceed(made.progress.map((progress) => finishBrick(cluster.host(progress.brick.node), progress, gid)));
}

/** Waits for every promise; throws the one failure, or all of them in one error. */
async function allSucceed(started: ReadonlyArray<Promise<unknown>>): Promise<void> {
    const failures = await settle(started);
    if (failures.length > 0) {
        throw failures.length === 1 ? failures[0] : new Error(failures.map((error) => describeCause(error)).join("; "));
    }
}

/**
 * Brick data (gluster's xattrs and brick directory) and the fstab lines on stable storage before
 * the volume is reported ready: a power cut right after `up` must not cost a brick.
 */
async function flush(cluster: ClusterAccess, volumeName: string, bricks: readonly VolumeBrick[]): Promise<void> {
    const started = performance.now();
    const nodes = [...new Set(bricks.map((brick) => brick.node))];
    await Promise.all(
        nodes.map(async (node) => {
            const host = cluster.host(node);
            const mounts = bricks.filter((brick) => brick.node === node).map(brickMount);
            await stepOn(host, "sync bricks", ["sync", "-f", ...mounts]);
            await stepOn(host, "sync fstab", [...FSTAB_SYNC_ARGS]);
        }),
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    void pulumi.log.info(`volume '${volumeName}': ${bricks.length} brick filesystems and fstab flushed to disk on ${nodes.length} host(s) in ${seconds} s`);
}

async function stepOn(host: SshExecutor, step: string, argv: string[]): Promise<void> {
    try {
        await host.run(argv);
    } catch (error) {
        throw new StepError(host.label, step, undefined, error);
    }
}

async function volumeStep(peer: SshExecutor, step: string, argv: string[]): Promise<void> {
    try {
        await gluster(peer, argv);
    } catch (error) {
        throw new StepError(peer.label, step, undefined, error);
    }
}

/** heketi's delete: stop (force) and delete; a volume that is already gone is success. */
async function stopAndDelete(peer: SshExecutor, name: string): Promise<void> {
    for (const [step, argv] of [["gluster volume stop", volumeStopArgs(name)], ["gluster volume delete", volumeDeleteArgs(name)]] as const) {
        try {
            await gluster(peer, argv);
        } catch (error) {
            if (isMissingVolume(error)) {
                return;
            }
            if (step === "gluster volume stop" && /not in the started state|already stopped/i.test(describeCause(error))) {
                continue;
            }
            throw new StepError(peer.label, step, undefined, error);
        }
    }
}

/**
 * Removes what a failed create or expansion made, and returns the error to throw: the original
 * failure (host and step), and whether the clean-up left anything behind.
 */
async function rollBack(cluster: ClusterAccess, peer: SshExecutor, name: string, made: Made, cause: unknown, doing: string): Promise<Error> {
    void pulumi.log.warn(`${doing} failed; removing what was made so far`);
    const cleanupFailures: unknown[] = [];
    if (made.volumeCreated) {
        try {
            await stopAndDelete(peer, name);
        } catch (error) {
            cleanupFailures.push(error);
        }
    }
    cleanupFailures.push(...(await settle(made.progress.map((progress) => undoBrick(cluster.host(progress.brick.node), progress)))));
    const outcome = cleanupFailures.length === 0
        ? "everything made so far was removed"
        : `clean-up also failed, so some of it is left behind: ${cleanupFailures.map((error) => describeCause(error)).join("; ")}`;
    return new Error(`${doing} failed: ${describeCause(cause)}; ${outcome}`);
}

/** Waits for every promise and returns the failures. */
async function settle(promises: ReadonlyArray<Promise<unknown>>): Promise<unknown[]> {
    const results = await Promise.allSettled(promises);
    return results.flatMap((result) => (result.status === "rejected" ? [result.reason] : []));
}
