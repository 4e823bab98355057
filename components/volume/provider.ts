// The GlusterVolume dynamic provider's implementation, loaded by the shim in volume.ts inside the
// provider process. The hosts are the source of truth: create and update read free space live,
// refresh reads the volume from gluster, delete tolerates whatever was already removed by hand.

import * as pulumi from "@pulumi/pulumi";
import { placeBricks, type ExistingBrick } from "../placement";
import { FSTAB_SYNC_ARGS, SshConnectionError, type GlusterVolumeInfo, type SshExecutor } from "../remote";
import { formatSize, parseSize } from "../sizes";
import { adoptedSizeBytes, durabilityMismatch, locateBricks, sizeBricks, sizeMismatch } from "./adopt";
import { createBrick, destroyBrick, newProgress, setBrickGroup, undoBrick, type BrickProgress } from "./bricks";
import { ClusterAccess } from "./cluster-access";
import {
    addBrickArgs,
    brickMount,
    brickMountedArgs,
    mountArgs,
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
import { findVolume, gluster, isMissingVolume } from "./gluster-volume";
import { brickSets, volumeBricks, volumeOutputs } from "./layout";
import {
    changedInputs,
    checkInputs,
    needsRemount,
    needsStart,
    optionChanges,
    placementLimits,
    requiresReplacement,
    VOLUME_MISSING,
    VOLUME_STATE_VERSION,
    type VolumeBrick,
    type VolumeInputs,
    type VolumeOutputs,
} from "./inputs";

export async function check(olds: Partial<VolumeInputs>, news: VolumeInputs): Promise<pulumi.dynamic.CheckResult<VolumeInputs>> {
    const previous = olds && olds.volumeName !== undefined ? olds : undefined;
    return { inputs: news, failures: checkInputs(previous, news as unknown as Record<string, unknown>) };
}

export async function diff(_id: string, olds: VolumeOutputs, news: VolumeInputs): Promise<pulumi.dynamic.DiffResult> {
    const changed = changedInputs(olds, news);
    return {
        changes: changed.length > 0 || needsStart(olds) || needsRemount(olds) || olds.stateVersion !== VOLUME_STATE_VERSION,
        // A volume deleted by hand comes back as a new one (its old bricks removed first).
        replaces: [...requiresReplacement(olds, news as unknown as Record<string, unknown>), ...(olds.status === VOLUME_MISSING ? ["status"] : [])],
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
    if (existing) {
        throw new Error(
            `volume '${name}': the cluster already has a gluster volume of that name (seen from ${peer.label}); ` +
                "choose another name, delete that volume, or set adopt: true to take it over",
        );
    }
    const sizeBytes = parseSize(inputs.size);
    const placement = placeBricks(
        await cluster.liveTopology(),
        { volumeName: name, sizeBytes, durability: inputs.durability, snapshotFactor: inputs.snapshotFactor, zoneChecking: inputs.topology.zoneChecking ?? "none" },
        placementLimits(sizeBytes, inputs.durability),
    );
    const bricks = volumeBricks(name, placement, 0);
    const made: Made = { progress: [], volumeCreated: false };
    try {
        await createBricks(cluster, bricks, inputs.gid, made);
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
        throw await rollBack(cluster, peer, name, made, error, `creating volume '${name}'`);
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
    const unmounted = await unmountedBricksOf(cluster, bricks);
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
        // Kept in state, so destroy (or the replacement the next up plans) still removes the bricks.
        void pulumi.log.warn(`volume '${props.volumeName}' no longer exists on the cluster (seen from ${peer.label}); its bricks are still tracked`);
        const missingBricks = props.bricks.map((brick) => glusterBrickName(brick.host, brick.path));
        return { id, props: { ...props, status: VOLUME_MISSING, missingBricks, stateVersion: VOLUME_STATE_VERSION } };
    }
    const present = new Set(info.bricks.map((brick) => glusterBrickName(brick.host, brick.path)));
    const missingBricks = props.bricks.map((brick) => glusterBrickName(brick.host, brick.path)).filter((brick) => !present.has(brick));
    // Only the options this resource manages: the ones gluster sets itself are not drift.
    const options = Object.fromEntries(Object.keys(props.options).filter((option) => option in info.options).map((option) => [option, info.options[option]]));
    if (missingBricks.length > 0) {
        void pulumi.log.warn(`volume '${props.volumeName}' lacks bricks it should have: ${missingBricks.join(", ")}`);
    }
    const unmountedBricks = await unmountedBricksOf(cluster, props.bricks);
    if (unmountedBricks.length > 0) {
        void pulumi.log.warn(`volume '${props.volumeName}': brick filesystems not mounted: ${unmountedBricks.join(", ")}; 'pulumi up' mounts them again`);
    }
    return { id, props: { ...props, options, status: info.status, missingBricks, unmountedBricks, stateVersion: VOLUME_STATE_VERSION } };
}

export async function update(_id: string, olds: VolumeOutputs, news: VolumeInputs): Promise<pulumi.dynamic.UpdateResult<VolumeOutputs>> {
    const cluster = new ClusterAccess(news.topology);
    const name = news.volumeName;
    const peer = await cluster.anyPeer(olds.bricks.map((brick) => brick.node));
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
    // Last: once add-brick succeeds nothing may fail, or state would lose the new bricks.
    const sizeBytes = parseSize(news.size);
    const bricks = sizeBytes > olds.sizeBytes ? [...olds.bricks, ...(await expand(cluster, peer, olds, news, sizeBytes - olds.sizeBytes))] : olds.bricks;
    return { outs: volumeOutputs(news, Math.max(sizeBytes, olds.sizeBytes), bricks, olds.missingBricks ?? []) };
}

/** The bricks (host:path) on reachable hosts whose filesystem is not mounted; unreachable hosts are not drift. */
async function unmountedBricksOf(cluster: ClusterAccess, bricks: readonly VolumeBrick[]): Promise<string[]> {
    const unmounted = await Promise.all(
        bricks.map(async (brick) => {
            try {
                return (await cluster.host(brick.node).tryRun(brickMountedArgs(brick))).exitCode === 0 ? undefined : glusterBrickName(brick.host, brick.path);
            } catch (error) {
                if (error instanceof SshConnectionError) {
                    return undefined;
                }
                throw error;
            }
        }),
    );
    return unmounted.filter((brick): brick is string => brick !== undefined);
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

/** heketi's expansion: new brick sets placed away from the existing ones, add-brick, rebalance. */
async function expand(cluster: ClusterAccess, peer: SshExecutor, olds: VolumeOutputs, news: VolumeInputs, addBytes: number): Promise<VolumeBrick[]> {
    const name = news.volumeName;
    const existingBricks: ExistingBrick[] = olds.bricks.map((brick) => ({ node: brick.node, deviceId: brick.vgName }));
    const placement = placeBricks(
        await cluster.liveTopology(),
        { volumeName: name, sizeBytes: addBytes, durability: news.durability, snapshotFactor: news.snapshotFactor, zoneChecking: news.topology.zoneChecking ?? "none", existingBricks },
        placementLimits(addBytes, news.durability),
    );
    const firstSet = Math.max(-1, ...olds.bricks.map((brick) => brick.setIndex)) + 1;
    const bricks = volumeBricks(name, placement, firstSet);
    const made: Made = { progress: [], volumeCreated: false };
    try {
        await createBricks(cluster, bricks, news.gid, made);
        await volumeStep(peer, "gluster volume add-brick", addBrickArgs(name, news.durability, brickSets(bricks).flat()));
    } catch (error) {
        throw await rollBack(cluster, peer, name, made, error, `expanding volume '${name}'`);
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

/** All bricks at once: hosts work in parallel, each host's executor runs its commands in turn. */
async function createBricks(cluster: ClusterAccess, bricks: readonly VolumeBrick[], gid: number | undefined, made: Made): Promise<void> {
    const started = bricks.map((brick) => {
        const progress = newProgress(brick);
        made.progress.push(progress);
        return createBrick(cluster.host(brick.node), progress, gid);
    });
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
