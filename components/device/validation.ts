// Input checks for devices, shared by the device resource's `check` and GlusterCluster.
import { firstRepeats, hasUnnormalizedSegment, isRecord, isUnknownInput, quoteValue, type ValidationFailure } from "../checks";

/** An absolute, normalized device path such as "/dev/sdb" or "/dev/disk/by-id/…". */
export function validateDevicePath(value: unknown, property: string): ValidationFailure[] {
    if (isUnknownInput(value)) {
        return [];
    }
    if (typeof value !== "string" || value === "") {
        return [{ property, reason: "a block device path is required, e.g. \"/dev/sdb\"" }];
    }
    if (!value.startsWith("/") || /\s/.test(value) || hasUnnormalizedSegment(value)) {
        return [{ property, reason: `${quoteValue(value)} is not an absolute, normalized device path, e.g. "/dev/sdb"` }];
    }
    return [];
}

/** Tags are string keys to string values. */
export function validateTags(value: unknown, property: string): ValidationFailure[] {
    if (value === undefined || isUnknownInput(value)) {
        return [];
    }
    if (!isRecord(value)) {
        return [{ property, reason: "expected an object of string values, e.g. { tier: \"ssd\" }" }];
    }
    return Object.entries(value).flatMap(([key, tag]): ValidationFailure[] => {
        if (key === "") {
            return [{ property, reason: "a tag name must not be empty" }];
        }
        if (typeof tag !== "string" && !isUnknownInput(tag)) {
            return [{ property: `${property}.${key}`, reason: `${quoteValue(tag)} is not a string; tag values are strings` }];
        }
        return [];
    });
}

/** One failure per repeated path of one node; `property(i)` names the i-th device's path field. */
export function duplicateDevicePaths(paths: readonly unknown[], property: (index: number) => string): ValidationFailure[] {
    return firstRepeats(paths).map(({ value, index, first }) => ({
        property: property(index),
        reason: `${quoteValue(value)} is listed twice on this node (also as ${property(first)})`,
    }));
}
