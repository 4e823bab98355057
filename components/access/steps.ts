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
    /** RunOptions.oneAtATime: steps of one host with the same key run one after another. */
    readonly oneAtATime?: string;
}

/** Runs argv as the named step; rejects with a StepError unless it exits 0. */
export async function runStep(host: HostExecutor, step: string, argv: readonly string[], options: StepOptions = {}): Promise<CommandResult> {
    try {
        return await host.run(argv, { timeoutMs: options.timeoutMs, oneAtATime: options.oneAtATime });
    } catch (error) {
        throw new StepError(host.label, step, options.brickId, error);
    }
}

/** One step of a sequence: its name for errors, its argv, and what to record once it finished. */
export interface SequenceStep {
    readonly name: string;
    readonly argv: readonly string[];
    readonly done?: () => void;
}

/**
 * Runs steps in order in one round trip (HostExecutor.runSequence); each finished step's `done`
 * runs, so an undo knows exactly what exists; the first failure is a StepError naming its step.
 * Each `done` must record something an undo can attempt safely when it is not there.
 */
export async function runSteps(host: HostExecutor, steps: readonly SequenceStep[], options: StepOptions = {}): Promise<void> {
    let outcome;
    try {
        outcome = await host.runSequence(steps.map((step) => step.argv), options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs });
    } catch (error) {
        // Timed out or lost: any step may have finished, so each is recorded as made and the undo,
        // which takes what is not there in its stride, tries them all.
        for (const step of steps) {
            step.done?.();
        }
        throw new StepError(host.label, steps.map((step) => step.name).join(", "), options.brickId, error);
    }
    for (const step of steps.slice(0, outcome.completed)) {
        step.done?.();
    }
    if (outcome.error !== undefined) {
        throw new StepError(host.label, steps[outcome.completed].name, options.brickId, outcome.error);
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
