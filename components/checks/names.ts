// The gluster name a resource gets when none is given: a GlusterVolume's volume name and a
// GlusterSnapshot's snapshot name. Pure; state holds its results, so they must never change.

/**
 * The resource name made a gluster name: every character other than a letter, digit, '-' or '_'
 * becomes '_', and so does a leading '-' (gluster would read the name as an option).
 */
export function glusterNameFrom(resourceName: string): string {
    return resourceName.replace(/[^a-zA-Z0-9_-]/g, "_").replace(/^-/, "_");
}
