// The gluster calls on a whole volume that a GlusterVolume and a snapshot's clone (a gluster
// volume too) share: find it, start, stop and delete it. They run through runGluster (XML
// checked, failures as GlusterError, the cluster lock retried).

import { glusterArgs, GlusterError, parseVolumeInfo, runGluster, volumeInfoArgs, type GlusterVolumeInfo, type HostExecutor } from "../remote";

const DOES_NOT_EXIST = /does not exist/i;
const ALREADY_EXISTS = /^Volume \S+ already exists$/;

export function isMissingVolume(error: unknown): boolean {
    return error instanceof GlusterError && DOES_NOT_EXIST.test(error.opErrstr || error.message);
}

/** `volume create` refused the name: the cluster has a volume of that name. */
export function isTakenVolumeName(error: unknown): boolean {
    return error instanceof GlusterError && ALREADY_EXISTS.test(error.opErrstr);
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

/** Where glusterd keeps each volume's definition on every peer (its default working directory). */
export const GLUSTERD_VOLUMES_DIR = "/var/lib/glusterd/vols";

/** What glusterd's store on a host says of a volume name, read in one round trip; the CLI's `volume info` takes a second or more. */
export type StoreAnswer = "taken" | "free" | "unknown";

/** Exits 0 when the store has a definition of that name, 1 when not, 2 when there is no store at `volumesDir`. */
export function volumeInStoreArgs(volumeName: string, volumesDir = GLUSTERD_VOLUMES_DIR): string[] {
    return ["sh", "-c", 'cd -- "$1" 2>/dev/null || exit 2; test -e "./$2"', "sh", volumesDir, volumeName];
}

/**
 * Whether glusterd's store on the host has the volume name: a hint to act on before gluster itself
 * answers, never the last word (a store kept elsewhere reads "free" or "unknown"). Never rejects.
 */
export async function volumeInStore(host: HostExecutor, volumeName: string): Promise<StoreAnswer> {
    try {
        const { exitCode } = await host.tryRun(volumeInStoreArgs(volumeName));
        return exitCode === 0 ? "taken" : exitCode === 1 ? "free" : "unknown";
    } catch {
        return "unknown";
    }
}

export const volumeStartArgs = (volumeName: string): string[] => glusterArgs("volume", "start", volumeName);
export const volumeStopArgs = (volumeName: string): string[] => glusterArgs("volume", "stop", volumeName, "force");
export const volumeDeleteArgs = (volumeName: string): string[] => glusterArgs("volume", "delete", volumeName);
