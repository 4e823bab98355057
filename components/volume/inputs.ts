// The volume provider's inputs and outputs, their preview-time checks, and the diff rules.
// Pure: no I/O, so every rule has a unit test.

import type { ClusterTopology } from "../access";
import { UNKNOWN, validateOptionalBoolean, type ValidationFailure } from "../checks";
import {
    DEFAULT_PLACEMENT_LIMITS,
    dataBricksPerSet,
    describeDurability,
    validateDurability,
    validateSnapshotFactor,
    validateVolumeName,
    validateVolumeOptions,
    XFS_MIN_BYTES,
    type Durability,
    type PlacementLimits,
} from "../placement";
import { formatSize, parseSize } from "../sizes";
import { validatePreset, type VolumePreset } from "./presets";

/** Bumped whenever the shape of the outputs changes; diff turns an old version into an update. */
// 2: the provider in state names a registry key (1 named a compiled file), rewritten by the update.
export const VOLUME_STATE_VERSION = 2;

/** The status refresh records when the cluster no longer has the volume. */
export const VOLUME_MISSING = "Missing";

export interface VolumeInputs {
    /** The cluster's nodes and SSH credentials; a secret. */
    topology: ClusterTopology;
    volumeName: string;
    size: string;
    durability: Durability;
    gid?: number;
    /** With the preset's options in (check adds them). */
    options: Record<string, string>;
    /** The workload preset whose options `options` includes. */
    preset?: VolumePreset;
    snapshotFactor: number;
    /** Take over a volume of this name that already exists on the hosts instead of refusing it. */
    adopt?: boolean;
    /** Allow a plan that replaces the volume, deleting its bricks and data. */
    allowDataLoss?: boolean;
    /** The resource's URN, set by GlusterVolume: its brick pools carry a tag made from it (see ownerTag). */
    owner?: string;
}

export interface VolumeBrick {
    /** Node name in the topology. */
    node: string;
    /** The node's storage address, as gluster names the brick. */
    host: string;
    path: string;
    /** Block device path of the brick's VG. */
    device: string;
    sizeBytes: number;
    id: string;
    vgName: string;
    poolBytes: number;
    poolMetadataBytes: number;
    setIndex: number;
    isArbiter: boolean;
}

export interface BrickUsage {
    /** host:path, as gluster names the brick. */
    brick: string;
    sizeBytes: number;
    usedBytes: number;
}

export interface VolumeOutputs extends VolumeInputs {
    sizeBytes: number;
    /** "host:/volume" for mount -t glusterfs. */
    mountSource: string;
    /** The other brick hosts, for the backup-volfile-servers mount option. */
    backupVolfileServers: string[];
    bricks: VolumeBrick[];
    /** gluster's status as last seen: "Started", "Stopped", "Created", or VOLUME_MISSING. */
    status: string;
    /** Bricks in state that the volume no longer has (host:path), as last seen by refresh. */
    missingBricks: string[];
    /** Bricks whose filesystem refresh found not mounted (host:path); up mounts them again. */
    unmountedBricks?: string[];
    /** Each mounted brick's file system use as refresh last saw it. */
    brickUsage?: BrickUsage[];
    stateVersion: number;
}

/**
 * Smallest brick for this volume: heketi's 1 GiB when the volume is large enough to have
 * such bricks, otherwise one set of smaller bricks down to what XFS accepts.
 */
export function placementLimits(sizeBytes: number, durability: Durability): PlacementLimits {
    const oneSetBrick = Math.ceil(sizeBytes / dataBricksPerSet(durability));
    return { ...DEFAULT_PLACEMENT_LIMITS, minBrickBytes: Math.max(XFS_MIN_BYTES, Math.min(DEFAULT_PLACEMENT_LIMITS.minBrickBytes, oneSetBrick)) };
}

/** Preview-time checks; failures name the input field. `olds` are the previous inputs, if any. */
export function checkInputs(olds: Partial<VolumeInputs> | undefined, news: Record<string, unknown>): ValidationFailure[] {
    const failures: ValidationFailure[] = [];
    const known = (value: unknown) => value !== UNKNOWN;
    if (known(news.volumeName)) {
        failures.push(...validateVolumeName(news.volumeName, "name"));
    }
    const durabilityFailures = known(news.durability) ? validateDurability(news.durability) : [];
    failures.push(...durabilityFailures);
    if (known(news.size)) {
        failures.push(...checkSize(news.size, durabilityFailures.length === 0 ? (news.durability as Durability) : undefined, olds, news));
    }
    if (known(news.snapshotFactor)) {
        failures.push(...validateSnapshotFactor(news.snapshotFactor));
    }
    if (news.gid !== undefined && known(news.gid) && (typeof news.gid !== "number" || !Number.isInteger(news.gid) || news.gid < 0 || news.gid > 0xfffffffe)) {
        failures.push({ property: "gid", reason: `${String(news.gid)} is not a group id (a whole number from 0 to 4294967294)` });
    }
    if (known(news.options)) {
        failures.push(...validateVolumeOptions(news.options));
    }
    if (known(news.preset)) {
        failures.push(...validatePreset(news.preset));
    }
    failures.push(...validateOptionalBoolean(news.adopt, "adopt"), ...validateOptionalBoolean(news.allowDataLoss, "allowDataLoss"));
    if (news.owner !== undefined && known(news.owner) && typeof news.owner !== "string") {
        failures.push({ property: "owner", reason: `${String(news.owner)} is not a resource URN; GlusterVolume sets it` });
    }
    if (known(news.topology)) {
        failures.push(...checkTopology(news.topology));
    }
    return failures;
}

function checkSize(size: unknown, durability: Durability | undefined, olds: Partial<VolumeInputs> | undefined, news: Record<string, unknown>): ValidationFailure[] {
    let sizeBytes: number;
    try {
        sizeBytes = parseSize(size as string, "size");
    } catch (error) {
        return [{ property: "size", reason: (error as Error).message.replace(/^size: /, "") }];
    }
    if (durability === undefined) {
        return [];
    }
    const perBrick = Math.ceil(sizeBytes / dataBricksPerSet(durability));
    if (perBrick < XFS_MIN_BYTES) {
        const smallest = formatSize(XFS_MIN_BYTES * dataBricksPerSet(durability));
        return [{ property: "size", reason: `'${String(size)}' gives bricks of ${formatSize(perBrick)}, but XFS needs at least ${formatSize(XFS_MIN_BYTES)} per brick; ask for at least ${smallest}` }];
    }
    const replaced = olds !== undefined && requiresReplacement(olds, news).length > 0;
    if (olds?.size !== undefined && !replaced) {
        const oldBytes = parseSize(olds.size, "size");
        if (sizeBytes < oldBytes) {
            return [{ property: "size", reason: `cannot shrink from ${formatSize(oldBytes)} to ${formatSize(sizeBytes)}: gluster volumes only grow (by adding brick sets); keep '${olds.size}' or larger` }];
        }
    }
    return [];
}

/** Shape checks only: which nodes are reachable is for create to find out. Never echoes values (keys are secret). */
function checkTopology(topology: unknown): ValidationFailure[] {
    const nodes = (topology as { nodes?: unknown } | null)?.nodes;
    if (!Array.isArray(nodes) || nodes.length === 0) {
        return [{ property: "cluster", reason: "expected a cluster topology with nodes (a GlusterCluster or its topology output)" }];
    }
    const failures: ValidationFailure[] = [];
    nodes.forEach((node: Record<string, unknown>, index: number) => {
        const where = `cluster.nodes[${index}]`;
        const connection = node?.connection as Record<string, unknown> | undefined;
        if (typeof node?.name !== "string" || typeof node?.manageHost !== "string" || typeof node?.storageHost !== "string") {
            failures.push({ property: where, reason: "needs name, manageHost and storageHost" });
        }
        if (typeof connection?.privateKey !== "string" || typeof connection?.hostKey !== "string") {
            failures.push({ property: `${where}.connection`, reason: "needs privateKey and hostKey" });
        }
        if (!Array.isArray(node?.devices)) {
            failures.push({ property: `${where}.devices`, reason: "expected a list of devices" });
        }
    });
    return failures;
}

/** Inputs that make a different gluster volume: a new name, or a layout gluster cannot convert in place. */
export function requiresReplacement(olds: Partial<VolumeInputs>, news: Record<string, unknown>): string[] {
    const replaces: string[] = [];
    if (olds.volumeName !== news.volumeName) {
        replaces.push("volumeName");
    }
    if (JSON.stringify(normalizeDurability(olds.durability)) !== JSON.stringify(normalizeDurability(news.durability))) {
        replaces.push("durability");
    }
    return replaces;
}

/**
 * Why the planned replacement (a new name or durability) may not run: it deletes the volume's
 * bricks and the data on them before an empty volume takes its place. Undefined when nothing is
 * replaced or the user allowed it.
 */
export function dataLossRefusal(olds: VolumeOutputs, news: VolumeInputs, replaces: readonly string[]): string | undefined {
    if (replaces.length === 0 || news.allowDataLoss === true) {
        return undefined;
    }
    const volume = `volume '${olds.volumeName}'`;
    if (replaces.includes("volumeName")) {
        return `${volume}: its name changed to '${news.volumeName}', which replaces the volume: its bricks (${brickList(olds)}) and the data on them would be deleted first; keep name '${olds.volumeName}', ${DATA_LOSS_OPT_IN}`;
    }
    return (
        `${volume}: durability changed from ${describeDurability(olds.durability)} to ${describeDurability(news.durability)}, which gluster cannot convert in place, ` +
        `so the volume would be replaced and its bricks (${brickList(olds)}) with their data deleted first; keep durability ${describeDurability(olds.durability)} ` +
        `(copy the data to a new volume of the new layout instead), ${DATA_LOSS_OPT_IN}`
    );
}

/** Why an update may not make a volume that refresh found missing again over its old bricks. */
export function missingVolumeRefusal(olds: VolumeOutputs): string {
    return (
        `volume '${olds.volumeName}': refresh found no gluster volume of that name, but its bricks (${brickList(olds)}) may still hold its data, and recreating it would delete them; ` +
        `to keep the data, create the gluster volume again over those bricks (gluster volume create ${olds.volumeName} … force, then pulumi refresh), ${DATA_LOSS_OPT_IN}`
    );
}

const DATA_LOSS_OPT_IN = "or set allowDataLoss: true on this volume to delete them and make an empty volume";

function brickList(olds: VolumeOutputs): string {
    return olds.bricks.map((brick) => `${brick.node}:${brick.path}`).join(", ") || "none recorded";
}

/** Inputs whose change the provider applies: replaced, updated in place, or nothing to do. */
export function changedInputs(olds: VolumeOutputs, news: VolumeInputs): string[] {
    const keys: Array<keyof VolumeInputs> = ["topology", "volumeName", "size", "durability", "gid", "options", "snapshotFactor"];
    return keys.filter((key) => JSON.stringify(canonical(olds[key])) !== JSON.stringify(canonical(news[key])));
}

/** True when refresh saw brick filesystems not mounted, so an update should mount them. */
export function needsRemount(olds: VolumeOutputs): boolean {
    return (olds.unmountedBricks ?? []).length > 0;
}

/** True when refresh saw the volume not running, so an update should start it. */
export function needsStart(olds: VolumeOutputs): boolean {
    return olds.status !== "Started";
}

function normalizeDurability(durability: unknown): unknown {
    const value = durability as Record<string, unknown> | undefined;
    return value?.type === "replicate" ? { type: "replicate", replica: value.replica, arbiter: value.arbiter === true } : canonical(value);
}

/** JSON with sorted keys, so key order never reads as a change. */
function canonical(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(canonical);
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
    }
    return value;
}

/** The options to set (new or changed) and to reset (no longer wanted). */
export function optionChanges(current: Record<string, string>, wanted: Record<string, string>): { set: Array<[string, string]>; reset: string[] } {
    return {
        set: Object.entries(wanted).filter(([name, value]) => current[name] !== value),
        reset: Object.keys(current).filter((name) => !(name in wanted)),
    };
}
