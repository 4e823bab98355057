// Volume-wide gluster calls on one peer: XML output checked, failures as GlusterError, and the
// cluster lock ("Another transaction is in progress") retried with backoff. With the start, stop
// and delete a volume and a snapshot's clone (a gluster volume too) share.

import { glusterArgs, GlusterError, parseCliOutput, parseVolumeInfo, volumeInfoArgs, withGlusterRetry, type GlusterVolumeInfo, type HostExecutor } from "../remote";

const DOES_NOT_EXIST = /does not exist/i;

/** Runs a gluster --xml command; resolves with its XML once opRet is 0, else throws GlusterError. */
export async function gluster(host: HostExecutor, argv: string[]): Promise<string> {
    return withGlusterRetry(async () => {
        const result = await host.tryRun(argv);
        if (!result.stdout.includes("<cliOutput>")) {
            const detail = (result.stderr.trim() || result.stdout.trim() || `exit code ${result.exitCode}`).split("\n")[0];
            throw new GlusterError(`gluster printed no XML: ${detail}`, -1, 0, detail);
        }
        parseCliOutput(result.stdout);
        return result.stdout;
    });
}

export function isMissingVolume(error: unknown): boolean {
    return error instanceof GlusterError && DOES_NOT_EXIST.test(error.opErrstr || error.message);
}

/** The volume's info, or undefined when the cluster has no volume of that name. */
export async function findVolume(host: HostExecutor, volumeName: string): Promise<GlusterVolumeInfo | undefined> {
    try {
        return parseVolumeInfo(await gluster(host, volumeInfoArgs(volumeName))).find((volume) => volume.name === volumeName);
    } catch (error) {
        if (isMissingVolume(error)) {
            return undefined;
        }
        throw error;
    }
}

export const volumeStartArgs = (volumeName: string): string[] => glusterArgs("volume", "start", volumeName);
export const volumeStopArgs = (volumeName: string): string[] => glusterArgs("volume", "stop", volumeName, "force");
export const volumeDeleteArgs = (volumeName: string): string[] => glusterArgs("volume", "delete", volumeName);
