// Talking to glusterd on a node over SSH: the pool as a node sees it, volumes, and waiting for a
// probed node to settle. Used by the node provider; every message names the host.
import { describeCause } from "../access";
import { GlusterNoAnswerError, type GlusterPeer, type GlusterVolumeInfo, type HostExecutor, parsePeerStatus, parseVolumeInfo, runGluster, sleep, SshConnectionError, volumeInfoArgs } from "../remote";
import { joinProblems, poolListArgs } from "./commands";

/** `pool list` on a node; a glusterd that does not answer and an unreachable host are reported as such. */
export async function poolSeenBy(host: HostExecutor): Promise<GlusterPeer[]> {
    try {
        return await runGluster(host, poolListArgs(), { nameHost: true, parse: parsePeerStatus });
    } catch (error) {
        if (error instanceof GlusterNoAnswerError) {
            throw new Error(`${host.label}: glusterd does not answer 'gluster pool list' (${error.opErrstr}); start glusterd there (systemctl start glusterd) and run again`, { cause: error });
        }
        if (error instanceof SshConnectionError) {
            throw new Error(`${host.label}: unreachable over SSH (${describeCause(error, host.label)}); bring the host back and run again`, { cause: error });
        }
        throw error;
    }
}

export async function volumesSeenBy(host: HostExecutor): Promise<GlusterVolumeInfo[]> {
    return runGluster(host, volumeInfoArgs(), { nameHost: true, parse: parseVolumeInfo });
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
            throw new Error(`${node.label} did not join the pool of ${member.label} within ${timeoutMs / 1000} s: ${problems.join("; ")}; check 'gluster peer status' on both and run again`);
        }
        await sleep(JOIN_POLL_MS);
    }
}
