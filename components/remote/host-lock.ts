// A lock per storage host around the steps that read a device's free space and take some of it
// (placement + lvcreate), so two creates (one `up`, or two stacks) never place on the same free
// bytes. The lock is a flock held by a remote shell for as long as its SSH channel is open: a
// client that dies (SIGKILL, lost connection) closes the channel and the lock goes with it.

import { RemoteCommandError } from "./errors";
import type { HeldCommand, HostExecutor } from "./executor";

/** On tmpfs: a reboot leaves no lock behind. */
export const HOST_LOCK_PATH = "/run/lock/pulumi-gluster.lock";
const LOCKED = "pulumi-gluster-locked";
const TIMED_OUT_EXIT = 75;

// $1 lock file, $2 seconds to wait, $3 owner line. fd 9 holds the lock until the shell and its
// `cat` end, which they do when the client closes stdin or the channel dies.
const LOCK_SCRIPT = [
    'exec 9>>"$1"',
    'if ! flock -w "$2" 9; then printf "%s\\n" "$(cat -- "$1.owner" 2>/dev/null)"; exit ' + TIMED_OUT_EXIT + "; fi",
    'printf "%s\\n" "$3" > "$1.owner"',
    `echo ${LOCKED}`,
    "cat > /dev/null",
].join("\n");

/** The argv that takes the lock, waiting at most `waitSeconds`. */
export function hostLockArgs(waitSeconds: number, owner: string, lockPath = HOST_LOCK_PATH): string[] {
    return ["sh", "-c", LOCK_SCRIPT, "sh", lockPath, String(waitSeconds), owner.replace(/[\r\n]+/g, " ")];
}

/** The lock stayed taken for the whole wait. */
export class HostLockTimeoutError extends Error {
    constructor(
        readonly host: string,
        readonly lockPath: string,
        /** The holder's own description ("<client host> pid <n>: <what> since <time>"), or "" if unknown. */
        readonly holder: string,
        readonly waitSeconds: number,
    ) {
        super(
            `${host}: the pulumi-gluster lock (${lockPath}) is held by ${holder || "an unknown holder"} and was not released within ${waitSeconds} s; ` +
                "wait for that operation to finish and run again (a holder that died releases the lock by itself)",
        );
        this.name = "HostLockTimeoutError";
    }
}

/** Takes the host's lock, waiting at most `waitSeconds`; resolves with the handle that releases it. */
export async function takeHostLock(host: HostExecutor, owner: string, waitSeconds: number, lockPath = HOST_LOCK_PATH): Promise<HeldCommand> {
    try {
        return await host.hold(hostLockArgs(waitSeconds, owner, lockPath), LOCKED, (waitSeconds + 30) * 1000);
    } catch (error) {
        if (error instanceof RemoteCommandError && error.exitCode === TIMED_OUT_EXIT) {
            throw new HostLockTimeoutError(host.label, lockPath, error.stdout.trim(), waitSeconds);
        }
        throw error;
    }
}
