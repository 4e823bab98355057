// Errors that say where a volume operation failed: which host, which step, which brick.

import { RemoteCommandError } from "../remote";

/** One step on one host failed. The message never holds secrets: the executor masks them already. */
export class StepError extends Error {
    constructor(
        readonly host: string,
        readonly step: string,
        /** The brick id, or undefined for volume-wide steps. */
        readonly brickId: string | undefined,
        cause: unknown,
    ) {
        super(`${host}: ${step}${brickId ? ` (brick_${brickId})` : ""} failed: ${describeCause(cause, host)}`);
        this.name = "StepError";
    }
}

/** The useful part of a cause: a command's stderr rather than its whole command line. */
export function describeCause(cause: unknown, host?: string): string {
    if (cause instanceof RemoteCommandError) {
        const output = (cause.stderr.trim() || cause.stdout.trim()).split("\n").map((line) => line.trim()).filter(Boolean).slice(0, 3).join(" | ");
        return output || `exit code ${cause.exitCode}`;
    }
    const message = cause instanceof Error ? cause.message : String(cause);
    // The executor prefixes its messages with the host, which the caller already names.
    return host && message.startsWith(`${host}: `) ? message.slice(host.length + 2) : message;
}
