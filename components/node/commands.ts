// Gluster peer commands for nodes, and pure readings of their output: who is in the pool, whether
// a node has fully joined, which bricks a node still holds.
import { glusterArgs, type GlusterPeer, type GlusterVolumeInfo } from "../remote";

/** Peers as the queried node sees them, itself included as "localhost". */
export function poolListArgs(): string[] {
    return glusterArgs("pool", "list");
}

export function peerProbeArgs(storageHost: string): string[] {
    return glusterArgs("peer", "probe", storageHost);
}

export function peerDetachArgs(storageHost: string): string[] {
    return glusterArgs("peer", "detach", storageHost);
}

/** gluster's state for a peer that has fully joined. */
const IN_CLUSTER = "Peer in Cluster";

/** The queried node's own UUID: `pool list` lists it as "localhost". `label` names the node in the error. */
export function localUuid(pool: readonly GlusterPeer[], label: string): string {
    const self = pool.find((peer) => peer.hostname === "localhost");
    if (!self || self.uuid === "") {
        throw new Error(`${label}: 'gluster pool list' does not list the node itself (localhost), so its gluster UUID is unknown; check glusterd there (systemctl status glusterd) and run again`);
    }
    return self.uuid;
}

/** The peers of a `pool list` other than the queried node itself. */
export function remotePeers(pool: readonly GlusterPeer[]): GlusterPeer[] {
    return pool.filter((peer) => peer.hostname !== "localhost");
}

/** "n2 (3e7a…)": how a peer is named in messages. */
export function describePeer(peer: GlusterPeer): string {
    return `${peer.hostname} (${peer.uuid})`;
}

/**
 * Why a node (`nodeUuid`, whose own `pool list` is `nodePool`) is not yet a full member of the
 * pool that `memberPool` (a member's `pool list`) shows. Empty once it is connected and in the
 * cluster on both sides and the node knows every peer the member knows.
 */
export function joinProblems(memberPool: readonly GlusterPeer[], nodePool: readonly GlusterPeer[], nodeUuid: string): string[] {
    const problems: string[] = [];
    const asSeenByMember = memberPool.find((peer) => peer.uuid === nodeUuid);
    if (!asSeenByMember) {
        problems.push("the member does not list it as a peer");
    } else if (!asSeenByMember.connected || asSeenByMember.state !== IN_CLUSTER) {
        problems.push(`the member sees it as ${peerCondition(asSeenByMember)}`);
    }
    const expected = memberPool.filter((peer) => peer.uuid !== nodeUuid).map((peer) => peer.hostname === "localhost" ? { ...peer, hostname: "the member" } : peer);
    for (const peer of expected) {
        const asSeenByNode = nodePool.find((candidate) => candidate.uuid === peer.uuid);
        if (!asSeenByNode) {
            problems.push(`it does not list ${describePeer(peer)} yet`);
        } else if (!asSeenByNode.connected || asSeenByNode.state !== IN_CLUSTER) {
            problems.push(`it sees ${describePeer(peer)} as ${peerCondition(asSeenByNode)}`);
        }
    }
    return problems;
}

function peerCondition(peer: GlusterPeer): string {
    return `${peer.connected ? "connected" : "disconnected"}, "${peer.state || "no state"}"`;
}

/** Bricks on a node, found by its UUID or its storage host, as "volume: host:/path". */
export function bricksOnNode(volumes: readonly GlusterVolumeInfo[], nodeUuid: string, storageHost: string): string[] {
    return volumes.flatMap((volume) =>
        volume.bricks
            .filter((brick) => brick.hostUuid === nodeUuid || brick.host === storageHost)
            .map((brick) => `${volume.name}: ${brick.host}:${brick.path}`),
    );
}

/** gluster's answer to a detach of a host that is not (or no longer) a peer. */
export function isNotInPoolError(error: unknown): boolean {
    return error instanceof Error && /is not part of cluster/i.test(error.message);
}
