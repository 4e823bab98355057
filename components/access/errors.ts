// How a failure on a host reads in a message: what the host said, without the command line or
// the host name the caller already gives. Shared by every step that reaches a cluster's hosts.

import { RemoteCommandError } from "../remote";

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
