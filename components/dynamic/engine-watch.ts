// A dynamic provider process outlives a `pulumi` CLI that was killed (SIGKILL, the OOM killer, a
// CI job's time limit): nothing ends it. Left alone, it kept its SSH connections, and with them
// the hosts' placement locks, so the user's next `up` waited 300 s for them and failed; and the
// SDK's handler of uncaught errors, reporting each failed write to the dead CLI's pipes on those
// same pipes, spun on a CPU until someone killed the process. So the provider process ends
// itself once its engine is gone, as if it had been killed with the CLI: its SSH sessions close,
// the locks go with them, and the next `up` finishes or removes what it left.
import { fstatSync } from "node:fs";

/** Whether `mainFile` (the process's main module) is the Pulumi SDK's dynamic provider host. */
export function isDynamicProviderHost(mainFile: string | undefined): boolean {
    return mainFile !== undefined && /[\\/]@pulumi[\\/]pulumi[\\/]cmd[\\/]dynamic-provider[\\/]index\.js$/.test(mainFile);
}

let watching = false;

/**
 * Ends the process once the engine that started it is gone: its stdin, a pipe whose
 * other end only the engine holds, reaches its end, or a write to stdout or stderr (which the
 * engine reads) fails. Once per process; a stdin that is no pipe (a provider started by hand)
 * is not watched.
 */
export function endWithEngine(): void {
    if (watching) {
        return;
    }
    watching = true;
    const engineGone = () => process.exit(1);
    // A listener also keeps the failed write from reaching the SDK's uncaught-error handler.
    process.stdout.on("error", engineGone);
    process.stderr.on("error", engineGone);
    if (fstatSync(0).isFIFO()) {
        process.stdin.on("end", engineGone);
        process.stdin.resume();
    }
}
