// Input checks for preview time (a resource's `check`). They take unknown values because
// inputs arrive untyped, and return failures in the shape Pulumi's CheckFailure uses.

import { isRecord, type ValidationFailure } from "../checks";
import { formatSize } from "../sizes";
import { MAX_SNAPSHOT_FACTOR, MIN_SNAPSHOT_FACTOR, XFS_MIN_BYTES } from "./limits";
import type { PlacementLimits, PlacementRequest } from "./types";

/** Disperse layouts heketi supports (data+redundancy). */
const DISPERSE_LAYOUTS: ReadonlyArray<readonly [number, number]> = [
    [2, 1],
    [4, 2],
    [8, 3],
    [8, 4],
];

export function validateDurability(durability: unknown, property = "durability"): ValidationFailure[] {
    if (!isRecord(durability)) {
        return [{ property, reason: "expected { type: 'replicate' | 'disperse' | 'none', ... }" }];
    }
    switch (durability.type) {
        case "replicate":
            return validateReplicate(durability, property);
        case "disperse": {
            const { data, redundancy } = durability;
            if (DISPERSE_LAYOUTS.some(([d, r]) => d === data && r === redundancy)) {
                return [];
            }
            const layouts = DISPERSE_LAYOUTS.map(([d, r]) => `${d}+${r}`);
            return [{ property, reason: `disperse ${String(data)}+${String(redundancy)} is not supported; use data+redundancy ${listChoices(layouts)}` }];
        }
        case "none":
            return [];
        default:
            return [{ property: `${property}.type`, reason: `${quote(durability.type)} is not supported; use 'replicate', 'disperse' or 'none'` }];
    }
}

function validateReplicate(durability: Record<string, unknown>, property: string): ValidationFailure[] {
    const { replica, arbiter } = durability;
    if (replica !== 1 && replica !== 2 && replica !== 3) {
        return [{ property: `${property}.replica`, reason: `${quote(replica)} is not supported; use 1, 2 or 3` }];
    }
    if (arbiter !== undefined && typeof arbiter !== "boolean") {
        return [{ property: `${property}.arbiter`, reason: `${quote(arbiter)} is not a boolean` }];
    }
    if (arbiter === true && replica !== 3) {
        return [{ property: `${property}.arbiter`, reason: `an arbiter needs replica 3 (2 data bricks + 1 arbiter), not ${replica}; set replica: 3 or drop arbiter` }];
    }
    return [];
}

/** gluster's limit (GD_VOLUME_NAME_MAX); heketi sets none of its own. */
export const MAX_VOLUME_NAME_LENGTH = 256;
const VOLUME_NAME = /^[a-zA-Z0-9_-]+$/;
/** Words gluster's CLI refuses as volume names (cli_validate_volname). */
const RESERVED_VOLUME_NAMES = new Set([
    "volume", "type", "subvolumes", "option", "end-volume", "all", "volume_not_in_ring",
    "description", "force", "snap-max-hard-limit", "snap-max-soft-limit", "auto-delete", "activate-on-create",
]);

export function validateVolumeName(name: unknown, property = "volumeName"): ValidationFailure[] {
    return validateGlusterName(name, property, "a volume name is required, e.g. 'pvc-data'");
}

/** Snapshot names follow volume names' rules: a clone's volume is named like one, and "all" would mean every snapshot. */
export function validateSnapshotName(name: unknown, property = "snapshotName"): ValidationFailure[] {
    return validateGlusterName(name, property, "a snapshot name is required, e.g. 'web-before-upgrade'");
}

function validateGlusterName(name: unknown, property: string, required: string): ValidationFailure[] {
    if (typeof name !== "string" || name === "") {
        return [{ property, reason: required }];
    }
    if (!VOLUME_NAME.test(name)) {
        return [{ property, reason: `${quote(name)} may only contain letters, digits, '-' and '_'` }];
    }
    if (name.startsWith("-")) {
        return [{ property, reason: `${quote(name)} must not start with '-' (gluster reads it as an option)` }];
    }
    if (name.length > MAX_VOLUME_NAME_LENGTH) {
        return [{ property, reason: `is ${name.length} characters long; gluster allows at most ${MAX_VOLUME_NAME_LENGTH}` }];
    }
    if (RESERVED_VOLUME_NAMES.has(name)) {
        return [{ property, reason: `${quote(name)} is a word gluster reserves; choose another name` }];
    }
    return [];
}

const OPTION_NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;

/** Volume options: gluster option names to values, each passed to `gluster volume set` as one word. */
export function validateVolumeOptions(options: unknown, property = "options"): ValidationFailure[] {
    if (!isRecord(options)) {
        return [{ property, reason: "expected an object of gluster option names to string values; write e.g. { 'performance.cache-size': '32MB' }" }];
    }
    return Object.entries(options).flatMap(([name, value]): ValidationFailure[] => {
        const field = `${property}[${JSON.stringify(name)}]`;
        if (!OPTION_NAME.test(name)) {
            return [{ property: field, reason: "is not a gluster option name; use one like 'performance.cache-size' (letters, digits, '.', '_' and '-')" }];
        }
        if (typeof value !== "string" || value === "") {
            return [{ property: field, reason: `${JSON.stringify(value) ?? "undefined"} is not an option value; give a non-empty string, e.g. '32MB' or 'on'` }];
        }
        if (value.startsWith("-")) {
            return [{ property: field, reason: `${JSON.stringify(value)} starts with '-', which gluster can read as an option of its own; drop the '-' or leave this option out` }];
        }
        // glusterd stores options one `name=value` per line: a line break would write a line of its own.
        if (/[\n\r\0]/.test(value)) {
            return [{ property: field, reason: `${JSON.stringify(value)} contains a line break or NUL; give the value on one line` }];
        }
        return [];
    });
}

export function validateSnapshotFactor(factor: unknown, property = "snapshotFactor"): ValidationFailure[] {
    if (typeof factor !== "number" || !Number.isFinite(factor) || factor < MIN_SNAPSHOT_FACTOR || factor > MAX_SNAPSHOT_FACTOR) {
        return [{
            property,
            reason: `${quote(factor)} is out of range; use ${MIN_SNAPSHOT_FACTOR} (no snapshots) to ${MAX_SNAPSHOT_FACTOR} (thin pool size as a multiple of the brick size)`,
        }];
    }
    return [];
}

export function validateZoneChecking(zoneChecking: unknown, property = "zoneChecking"): ValidationFailure[] {
    if (zoneChecking === "none" || zoneChecking === "strict") {
        return [];
    }
    return [{ property, reason: `${quote(zoneChecking)} is not supported; use 'none' or 'strict' (every brick of a set in its own zone)` }];
}

export function validatePlacementLimits(limits: PlacementLimits, property = "limits"): ValidationFailure[] {
    const failures: ValidationFailure[] = [];
    if (!Number.isSafeInteger(limits.minBrickBytes) || limits.minBrickBytes < XFS_MIN_BYTES) {
        failures.push({
            property: `${property}.minBrickBytes`,
            reason: `${formatSize(limits.minBrickBytes)} is below ${formatSize(XFS_MIN_BYTES)}, the smallest XFS mkfs.xfs creates`,
        });
    }
    if (!Number.isSafeInteger(limits.maxBrickBytes) || limits.maxBrickBytes < limits.minBrickBytes) {
        failures.push({ property: `${property}.maxBrickBytes`, reason: `${formatSize(limits.maxBrickBytes)} is below minBrickBytes` });
    }
    if (!Number.isSafeInteger(limits.maxBricksPerVolume) || limits.maxBricksPerVolume < 1) {
        failures.push({ property: `${property}.maxBricksPerVolume`, reason: `${quote(limits.maxBricksPerVolume)} must be a whole number of at least 1` });
    }
    return failures;
}

/** Every check for a placement request, in input order. */
export function validatePlacementRequest(request: PlacementRequest): ValidationFailure[] {
    const failures = [
        ...validateVolumeName(request.volumeName),
        ...validatePositiveBytes(request.sizeBytes, "sizeBytes"),
        ...validateDurability(request.durability),
        ...(request.snapshotFactor === undefined ? [] : validateSnapshotFactor(request.snapshotFactor)),
        ...validateZoneChecking(request.zoneChecking),
    ];
    if (request.averageFileSizeBytes !== undefined) {
        failures.push(...validatePositiveBytes(request.averageFileSizeBytes, "averageFileSizeBytes"));
    }
    return failures;
}

function validatePositiveBytes(bytes: unknown, property: string): ValidationFailure[] {
    if (typeof bytes !== "number" || !Number.isSafeInteger(bytes) || bytes <= 0) {
        return [{ property, reason: `${quote(bytes)} is not a positive whole number of bytes` }];
    }
    return [];
}

function quote(value: unknown): string {
    return typeof value === "string" ? `'${value}'` : String(value);
}

function listChoices(choices: readonly string[]): string {
    return `${choices.slice(0, -1).join(", ")} or ${choices[choices.length - 1]}`;
}
