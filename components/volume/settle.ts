// Waiting for work that runs at once on several hosts or steps: every part ends before the
// caller hears of a failure, so an undo never races work still running.

import { describeCause } from "../access";

/** Waits for every promise and returns the failures. */
export async function settle(promises: ReadonlyArray<Promise<unknown>>): Promise<unknown[]> {
    const results = await Promise.allSettled(promises);
    return results.flatMap((result) => (result.status === "rejected" ? [result.reason] : []));
}

/** Waits for every promise; throws the one failure, or all of them in one error. */
export async function allSucceed(started: ReadonlyArray<Promise<unknown>>): Promise<void> {
    const failures = await settle(started);
    if (failures.length > 0) {
        throw failures.length === 1 ? failures[0] : new Error(failures.map((error) => describeCause(error)).join("; "));
    }
}
