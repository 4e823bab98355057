// Bounded retries for the one class of gluster failure that is worth retrying:
// glusterd's cluster-wide transaction lock being held by another operation; and the one sleep
// every wait and poll in the package uses.

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

const TRANSIENT_GLUSTER_ERRORS = [/Another transaction is in progress/i, /Locking failed/i];

export interface GlusterRetryOptions {
    /** Total attempts including the first; default 5. */
    attempts?: number;
    /** Delay before the first retry, doubled for each further one; default 1000 ms. */
    baseDelayMs?: number;
    /** Upper bound for a single delay; default 15000 ms. */
    maxDelayMs?: number;
}

/** True when an error (its message, stderr, stdout or gluster opErrstr) reports a held gluster lock. */
export function isTransientGlusterError(error: unknown): boolean {
    if (typeof error !== "object" || error === null) {
        return false;
    }
    const fields = error as Record<string, unknown>;
    return ["message", "stderr", "stdout", "opErrstr"].some((field) => {
        const value = fields[field];
        return typeof value === "string" && TRANSIENT_GLUSTER_ERRORS.some((pattern) => pattern.test(value));
    });
}

/** Runs fn, retrying with exponential backoff only while it fails with a transient gluster lock error. */
export async function withGlusterRetry<T>(fn: () => Promise<T>, options: GlusterRetryOptions = {}): Promise<T> {
    const attempts = Math.max(1, options.attempts ?? 5);
    const baseDelayMs = options.baseDelayMs ?? 1_000;
    const maxDelayMs = options.maxDelayMs ?? 15_000;
    for (let attempt = 1; ; attempt++) {
        try {
            return await fn();
        } catch (error) {
            if (attempt >= attempts || !isTransientGlusterError(error)) {
                throw error;
            }
            const delayMs = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
            await sleep(delayMs);
        }
    }
}
