// What an operation made so far, and its undo: a half-made create or expansion is removed, volume
// first, then each brick's steps in reverse.

import * as pulumi from "@pulumi/pulumi";
import { ClusterAccess, describeCause, isMissingVolume, StepError, volumeDeleteArgs, volumeStopArgs } from "../access";
import { runGluster, type HostExecutor } from "../remote";
import { type BrickProgress, undoBrick } from "./bricks";
import { settle } from "./settle";
import type { VolumeBrick } from "./inputs";

/** What a create or an expansion made so far, for the roll-back. */
export interface Made {
    progress: Array<BrickProgress<VolumeBrick>>;
    volumeCreated: boolean;
}

/**
 * Removes what a failed create or expansion made, and returns the error to throw: the original
 * failure (host and step), and whether the clean-up left anything behind.
 */
export async function rollBack(cluster: ClusterAccess, peer: HostExecutor, name: string, made: Made, cause: unknown, doing: string): Promise<Error> {
    void pulumi.log.warn(`${doing} failed; removing what was made so far`);
    const cleanupFailures: unknown[] = [];
    if (made.volumeCreated) {
        try {
            await stopAndDelete(peer, name);
        } catch (error) {
            cleanupFailures.push(error);
        }
    }
    cleanupFailures.push(...(await settle(made.progress.map((progress) => undoBrick(cluster.host(progress.brick.node), progress)))));
    const outcome = cleanupFailures.length === 0
        ? "everything made so far was removed"
        : `clean-up also failed, so some of it is left behind: ${cleanupFailures.map((error) => describeCause(error)).join("; ")}`;
    return new Error(`${doing} failed: ${describeCause(cause)}; ${outcome}`);
}

/** heketi's delete: stop (force) and delete; a volume that is already gone is success. */
export async function stopAndDelete(peer: HostExecutor, name: string): Promise<void> {
    for (const [step, argv] of [["gluster volume stop", volumeStopArgs(name)], ["gluster volume delete", volumeDeleteArgs(name)]] as const) {
        try {
            await runGluster(peer, argv);
        } catch (error) {
            if (isMissingVolume(error)) {
                return;
            }
            if (step === "gluster volume stop" && /not in the started state|already stopped/i.test(describeCause(error))) {
                continue;
            }
            throw new StepError(peer.label, step, undefined, error);
        }
    }
}

