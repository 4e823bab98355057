// What the device provider refuses so that no plan wipes or drops a disk the user did not name.
// Pure, so each refusal has an exact-text test.
import type { ValidationFailure } from "../checks";

/**
 * destroyData is one decision about one disk: set for `oldPath`, it says nothing about the disk
 * at `newPath`, so it does not come along when the path changes.
 */
export function destroyDataCarryOver(oldPath: string | undefined, newPath: string, destroyData: unknown): ValidationFailure[] {
    if (oldPath === undefined || oldPath === newPath || destroyData !== true) {
        return [];
    }
    return [
        {
            property: "destroyData",
            reason:
                `was set for ${oldPath} and does not carry over to ${newPath}; remove it, run 'pulumi up', and only if ${newPath} holds nothing you need, ` +
                "set it again so that the next create wipes it",
        },
    ];
}

/** Why replacing the device (a new node or path) must not be planned while its volume group holds bricks. */
export function replacementBlocker(device: { nodeName: string; path: string; vgName: string }, replaces: readonly string[], logicalVolumes: readonly string[]): string | undefined {
    if (replaces.length === 0 || logicalVolumes.length === 0) {
        return undefined;
    }
    return (
        `device '${device.path}' of node '${device.nodeName}': changing ${replaces.join(" and ")} replaces the device, but its volume group ${device.vgName} ` +
        `still holds ${logicalVolumes.join(", ")} (bricks with data); keep ${replaces.join(" and ")} as it was, or move the bricks off first: ` +
        "mark the device state: \"failed\" in the cluster and update the volumes that use it"
    );
}
