// Talking to glusterd on a node over SSH: the pool as a node sees it, volumes, and waiting for a
// probed node to settle. Used by the node provider; every message names the host.
import { type CliOutput, GlusterError, glusterWords, type GlusterPeer, type GlusterVolumeInfo, parseCliOutput, parsePeerStatus, parseVolumeInfo, RemoteCommandError, SshConnectionError, type HostExecutor, volumeInfoArgs } from "../remote";
import { joinProblems, poolListArgs } from "./commands";

/** Runs a gluster `--xml` command; a failure reported in the XML becomes an error naming the host. */
export function runGluster(host: HostExecutor, argv: readonly string[]): Promise<CliOutput> {
    return queryGluster(host, argv, parseCliOutput);
}

async function queryGluster<T>(host: HostExecutor, argv: readonly string[], parse: (xml: string) => T): Promise<T> {
    const { stdout } = await host.run(argv);
    try {
        return parse(stdout);
    } catch (error) {
        if (error instanceof GlusterError) {
            throw new GlusterError(`${host.label}: ${glusterWords(argv).join(" ")}: ${error.message}`, error.opRet, error.opErrno, error.opErrstr);
        }
        throw error;
    }
}

/** `pool list` on a node; an unreachable glusterd is reported as such. */
export async function poolSeenBy(host: HostExecutor): Promise<GlusterPeer[]> {
    try {
        return await queryGluster(host, poolListArgs(), parsePeerStatus);
    } catch (error) {
        if (error instanceof RemoteCommandError) {
            throw new Error(`${host.label}: glusterd does not answer (is it running?): ${error.message}`, { cause: error });
        }
        if (error instanceof SshConnectionError) {
            throw new Error(`${host.label} is unreachable: ${error.message}`, { cause: error });
        }
        throw error;
    }
}

export async function volumesSeenBy(host: HostExecutor): Promise<GlusterVolumeInfo[]> {
    return queryGluster(host, volumeInfoArgs(), parseVolumeInfo);
}

const JOIN_POLL_MS = 1_000;

/** Waits until `node` is connected and in the cluster as `member` sees it, and knows every peer. */
export async function waitForJoin(member: HostExecutor, node: HostExecutor, nodeUuid: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const problems = joinProblems(await poolSeenBy(member), await poolSeenBy(node), nodeUuid);
        if (problems.length === 0) {
            return;
        }
        if (Date.now() >= deadline) {
            throw new Error(`${node.label} did not join the pool of ${member.label} within ${timeoutMs / 1000} s: ${problems.join("; ")}`);
        }
        await new Promise((resolve) => setTimeout(resolve, JOIN_POLL_MS));
    }
}
