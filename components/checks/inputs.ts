// Generic input checks the resources (their `check`) and GlusterCluster share: values arrive
// untyped; a value not known yet (an unresolved Output at program time, or the engine's unknown
// marker at preview) is skipped here and checked again once it is known.
import * as net from "node:net";
import * as pulumi from "@pulumi/pulumi";
import type { ValidationFailure } from "./failure";
import { UNKNOWN } from "./unknown";

/** True for a value that cannot be checked yet: an Output, a Promise or the engine's unknown marker. */
export function isUnknownInput(value: unknown): boolean {
    return value === UNKNOWN || pulumi.Output.isInstance(value) || value instanceof Promise;
}

/** True when an absolute path has an empty, "." or ".." segment ("//", a trailing "/", "/a/../b"): not normalized. */
export function hasUnnormalizedSegment(absolutePath: string): boolean {
    return absolutePath
        .slice(1)
        .split("/")
        .some((segment) => segment === "" || segment === "." || segment === "..");
}

/** An optional true/false input (destroyData, adoptVolumeGroup, bootstrap, adopt). */
export function validateOptionalBoolean(value: unknown, property: string): ValidationFailure[] {
    if (value === undefined || typeof value === "boolean" || isUnknownInput(value)) {
        return [];
    }
    return [{ property, reason: `${quoteValue(value)} is not a boolean` }];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** "a.b", or just "b" at the top level. */
export function fieldPath(prefix: string, field: string): string {
    return prefix === "" ? field : `${prefix}.${field}`;
}

const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Node names appear in resource names, messages and VG names: keep them plain. */
export function validateNodeName(value: unknown, property: string): ValidationFailure[] {
    if (isUnknownInput(value)) {
        return [];
    }
    if (typeof value !== "string" || !NODE_NAME.test(value)) {
        return [{ property, reason: `${quoteValue(value)} is not a node name; use letters, digits, '.', '-' and '_', starting with a letter or digit, e.g. "n1"` }];
    }
    return [];
}

/** RFC 1123's limit for a whole host name. */
export const MAX_HOST_NAME_LENGTH = 253;
const HOST_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * A host name (RFC 1123) or an IPv4 or IPv6 address, and nothing else: hosts become argv words,
 * "host:/path" brick names and fstab fields, where ',', '=', ':' or a blank would mean more.
 */
export function validateHost(value: unknown, property: string): ValidationFailure[] {
    if (isUnknownInput(value)) {
        return [];
    }
    if (typeof value !== "string" || value === "") {
        return [{ property, reason: "a host name or IP address is required, e.g. \"10.0.0.11\"" }];
    }
    if (value.length > MAX_HOST_NAME_LENGTH) {
        return [{ property, reason: `is ${value.length} characters long; a host name has at most ${MAX_HOST_NAME_LENGTH}` }];
    }
    if (!isIP(value) && !isHostName(value)) {
        return [{ property, reason: `${quoteValue(value)} is not a host name or IP address; use a name of letters, digits, '-' and '.' (e.g. "gluster-1.lab") or an address (e.g. "10.0.0.11" or "fd00::11")` }];
    }
    return [];
}

/** IPv4 or IPv6 address; no zone ("%eth0") or brackets. */
function isIP(value: string): boolean {
    return net.isIPv4(value) || (net.isIPv6(value) && /^[0-9A-Fa-f:.]+$/.test(value));
}

/** Labels of letters, digits and inner '-'; an all-digit last label would be a mistyped IPv4 address. */
function isHostName(value: string): boolean {
    const labels = value.split(".");
    return labels.every((label) => HOST_LABEL.test(label)) && !/^\d+$/.test(labels[labels.length - 1]);
}

/** A value quoted for a message: strings in double quotes, others as JSON. */
export function quoteValue(value: unknown): string {
    return value === undefined ? "undefined" : JSON.stringify(value);
}

/** Each value (at `index`) that already stood earlier in the list (at `first`). */
export function firstRepeats(values: readonly unknown[]): Array<{ value: string; index: number; first: number }> {
    const firstIndex = new Map<string, number>();
    return values.flatMap((value, index) => {
        if (typeof value !== "string") {
            return [];
        }
        const first = firstIndex.get(value);
        if (first === undefined) {
            firstIndex.set(value, index);
            return [];
        }
        return [{ value, index, first }];
    });
}
