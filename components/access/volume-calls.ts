// The gluster calls on a whole volume that a GlusterVolume and a snapshot's clone (a gluster
// volume too) share: find it, start, stop and delete it. They run through runGluster (XML
// checked, failures as GlusterError, the cluster lock retried).

import { glusterArgs, GlusterError, parseVolumeInfo, runGluster, volumeInfoArgs, type GlusterVolumeInfo, type HostExecutor } from "../remote";

const DOES_NOT_EXIST = /does not exist/i;

export function isMissingVolume(error: unknown): boolean {
    return error instanceof GlusterError && DOES_NOT_EXIST.test(error.opErrstr || error.message);
}

/** The volume's info, or undefined when the cluster has no volume of that name. */
export async function findVolume(host: HostExecutor, volumeName: string): Promise<GlusterVolumeInfo | undefined> {
    try {
        return (await runGluster(host, volumeInfoArgs(volumeName), { parse: parseVolumeInfo })).find((volume) => volume.name === volumeName);
    } catch (error) {
        if (isMissingVolume(error)) {
            return undefined;
        }
        throw error;
    }
}

/**
 * The volume's info out of one `gluster volume info` of every volume, which callers asking the same
 * host meanwhile share (refreshes or creates starting together): one glusterd query for all of them
 * instead of one each. A read only: its answer may have started a moment before the call.
 */
export async function findVolumeAmongAll(host: HostExecutor, volumeName: string): Promise<GlusterVolumeInfo | undefined> {
    return (await runGluster(host, volumeInfoArgs(), { parse: parseVolumeInfo, shareInFlight: true })).find((volume) => volume.name === volumeName);
}

export const volumeStartArgs = (volumeName: string): string[] => glusterArgs("volume", "start", volumeName);
export const volumeStopArgs = (volumeName: string): string[] => glusterArgs("volume", "stop", volumeName, "force");
export const volumeDeleteArgs = (volumeName: string): string[] => glusterArgs("volume", "delete", volumeName);
