// One gluster `--xml` call on one host, the way every caller runs it: the XML is what counts
// whatever the exit code (gluster reports its failures there), a failure is a GlusterError, and
// glusterd's cluster lock ("Another transaction is in progress") is retried with backoff.

import type { HostExecutor } from "./executor";
import { GlusterError, GlusterNoAnswerError, glusterWords, parseCliOutput } from "./gluster";
import { withGlusterRetry } from "./retry";

export interface RunGlusterOptions {
    /**
     * Name the host and the sub-command in a failure's message ("n1 (10.0.0.11): peer probe n2:
     * gluster failed …"), for callers whose error reaches the user as it is. Steps leave it off:
     * StepError names the host and the step itself.
     */
    readonly nameHost?: boolean;
    /** A read that callers asking the same host the same thing meanwhile share (RunOptions.shareInFlight). */
    readonly shareInFlight?: boolean;
}

export interface RunGlusterParseOptions<T> extends RunGlusterOptions {
    /** Reads the XML (parseVolumeInfo, parsePeerStatus, …); its GlusterErrors are named like the call's. */
    readonly parse: (xml: string) => T;
}

/**
 * Runs a gluster `--xml` command: resolves with its XML (or what `parse` reads from it) once opRet
 * is 0, else rejects with GlusterError; GlusterNoAnswerError when it printed no XML at all. A
 * lost connection or a timeout rejects as the executor reports it.
 */
export function runGluster(host: HostExecutor, argv: readonly string[], options?: RunGlusterOptions): Promise<string>;
export function runGluster<T>(host: HostExecutor, argv: readonly string[], options: RunGlusterParseOptions<T>): Promise<T>;
export async function runGluster<T>(host: HostExecutor, argv: readonly string[], options: RunGlusterOptions & { readonly parse?: (xml: string) => T } = {}): Promise<T | string> {
    try {
        const xml = await withGlusterRetry(async () => {
            const result = await host.tryRun(argv, { shareInFlight: options.shareInFlight });
            if (!result.stdout.includes("<cliOutput>")) {
                const detail = (result.stderr.trim() || result.stdout.trim() || `exit code ${result.exitCode}`).split("\n")[0];
                throw new GlusterNoAnswerError(`gluster printed no XML: ${detail}`, -1, 0, detail);
            }
            parseCliOutput(result.stdout);
            return result.stdout;
        });
        return options.parse === undefined ? xml : options.parse(xml);
    } catch (error) {
        if (options.nameHost && error instanceof GlusterError) {
            const named = `${host.label}: ${glusterWords(argv).join(" ")}: ${error.message}`;
            throw error instanceof GlusterNoAnswerError
                ? new GlusterNoAnswerError(named, error.opRet, error.opErrno, error.opErrstr)
                : new GlusterError(named, error.opRet, error.opErrno, error.opErrstr);
        }
        throw error;
    }
}
