// Volume option presets for workloads: gluster's own option groups (the files under
// /var/lib/glusterd/groups), written out here option by option, so state records each option,
// an update sets or resets each, and a preview shows exactly what changes.

import type { ValidationFailure } from "../checks";

/**
 * gluster 10's `db-workload` group: for a database's files on a FUSE mount, no client-side
 * caching or write-behind that could reorder or acknowledge writes early, O_DIRECT honoured
 * end to end, and more I/O threads.
 */
const DB_WORKLOAD: Readonly<Record<string, string>> = {
    "performance.open-behind": "on",
    "performance.write-behind": "off",
    "performance.stat-prefetch": "off",
    "performance.quick-read": "off",
    "performance.strict-o-direct": "on",
    "performance.read-ahead": "off",
    "performance.io-cache": "off",
    "performance.readdir-ahead": "off",
    "performance.client-io-threads": "on",
    "server.event-threads": "4",
    "client.event-threads": "4",
    "performance.read-after-open": "yes",
};

export const VOLUME_PRESETS = { "db-workload": DB_WORKLOAD } as const;

export type VolumePreset = keyof typeof VOLUME_PRESETS;

export function validatePreset(preset: unknown, property = "preset"): ValidationFailure[] {
    if (preset === undefined || (typeof preset === "string" && preset in VOLUME_PRESETS)) {
        return [];
    }
    return [{ property, reason: `${JSON.stringify(preset)} is not a preset; use one of ${Object.keys(VOLUME_PRESETS).map((name) => `'${name}'`).join(", ")}, or leave it out` }];
}

/** The preset's options with the volume's own on top (an option given both ways takes the volume's value). */
export function optionsWithPreset(preset: VolumePreset | undefined, options: Readonly<Record<string, string>>): Record<string, string> {
    return { ...(preset === undefined ? {} : VOLUME_PRESETS[preset]), ...options };
}
