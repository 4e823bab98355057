// One named step on one host, the unit every operation is written in: a failure names the host,
// the step and the brick, with what the host said (never a secret: the executor masks them).

import { runGluster, type CommandResult, type HostExecutor } from "../remote";
import { describeCause } from "./errors";

/** One step on one host failed. */
export class StepError extends Error {
    constructor(
        readonly host: string,
        readonly step: string,
        /** The brick id, or undefined for steps that are not about one brick. */
        readonly brickId: string | undefined,
        cause: unknown,
    ) {
        super(`${host}: ${step}${brickId ? ` (brick_${brickId})` : ""} failed: ${describeCause(cause, host)}`);
        this.name = "StepError";
    }
}

export interface StepOptions {
    /** The brick the step works on, named in the error. */
    readonly brickId?: string;
    readonly timeoutMs?: number;
}

/** Runs argv as the named step; rejects with a StepError unless it exits 0. */
export async function runStep(host: HostExecutor, step: string, argv: readonly string[], options: StepOptions = {}): Promise<CommandResult> {
    try {
        return await host.run(argv, options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs });
    } catch (error) {
        throw new StepError(host.label, step, options.brickId, error);
    }
}

/** A volume-wide gluster call (XML checked, cluster lock retried) as the named step. */
export async function glusterStep(peer: HostExecutor, step: string, argv: string[]): Promise<void> {
    try {
        await runGluster(peer, argv);
    } catch (error) {
        throw new StepError(peer.label, step, undefined, error);
    }
}
