// The GlusterNode dynamic provider: a storage host that answers over SSH and is a member of the
// gluster pool. Loaded by name through the shim in node.ts, inside the dynamic provider process.
import * as pulumi from "@pulumi/pulumi";
import { connectionExecutor, validateConnection, type SshConnection } from "../access";
import { fieldPath, isRecord, isUnknownInput, validateHost, validateNodeName, type ValidationFailure } from "../checks";
import { runGluster } from "../remote";
import { bricksOnNode, describePeer, isNotInPoolError, localUuid, peerDetachArgs, peerProbeArgs, remotePeers } from "./commands";
import { inputDiff } from "../dynamic/diff";
import { poolSeenBy, volumesSeenBy, waitForJoin } from "./pool";

/** Bumped whenever the shape of the outputs changes; diff turns an old version into an update. */
// 2: the provider in state names a registry key (1 named a compiled file), rewritten by the update.
export const NODE_STATE_VERSION = 2;

/** How long a probed node may take to show up as connected and in the cluster. */
const JOIN_TIMEOUT_MS = 90_000;

/** A node already in the pool, through which a new node is probed and later detached. */
export interface PoolMember {
    nodeName: string;
    manageHost: string;
    storageHost: string;
    connection: SshConnection;
}

export interface NodeInputs {
    nodeName: string;
    manageHost: string;
    storageHost: string;
    connection: SshConnection;
    /** Absent for the first node of a pool. */
    probeFrom?: PoolMember;
    /** For the first node of a pool: another member to detach it through, should it be removed while others stay. */
    detachThrough?: PoolMember;
}

export interface NodeOutputs extends NodeInputs {
    /** glusterd's UUID for the node; also the resource id. */
    uuid: string;
    stateVersion: number;
}

/** Inputs whose change means another gluster peer, not an edit of this one. */
const REPLACING_INPUTS = ["manageHost", "storageHost"] as const;
const UPDATABLE_INPUTS = ["nodeName", "connection", "probeFrom", "detachThrough"] as const;

export function validateNodeInputs(inputs: Record<string, unknown>): ValidationFailure[] {
    const failures = [
        ...validateNodeName(inputs.nodeName, "nodeName"),
        ...validateHost(inputs.manageHost, "manageHost"),
        ...validateHost(inputs.storageHost, "storageHost"),
        ...validateConnection(inputs.connection, "connection"),
    ];
    for (const field of ["probeFrom", "detachThrough"] as const) {
        failures.push(...validatePoolMember(inputs[field], field, inputs.storageHost));
    }
    return failures;
}

function validatePoolMember(member: unknown, field: "probeFrom" | "detachThrough", storageHost: unknown): ValidationFailure[] {
    if (member === undefined || isUnknownInput(member)) {
        return [];
    }
    if (!isRecord(member)) {
        return [{ property: field, reason: "expected { nodeName, manageHost, storageHost, connection } of a pool member" }];
    }
    const failures = [
        ...validateNodeName(member.nodeName, fieldPath(field, "nodeName")),
        ...validateHost(member.manageHost, fieldPath(field, "manageHost")),
        ...validateHost(member.storageHost, fieldPath(field, "storageHost")),
        ...validateConnection(member.connection, fieldPath(field, "connection")),
    ];
    if (typeof storageHost === "string" && !isUnknownInput(storageHost) && member.storageHost === storageHost) {
        failures.push({ property: `${field}.storageHost`, reason: field === "probeFrom" ? "a node cannot be probed from itself" : "a node cannot be detached through itself" });
    }
    return failures;
}

export async function check(_olds: NodeInputs, news: NodeInputs): Promise<pulumi.dynamic.CheckResult<NodeInputs>> {
    return { inputs: news, failures: validateNodeInputs(news as unknown as Record<string, unknown>) };
}

export async function diff(_id: string, olds: NodeOutputs, news: NodeInputs): Promise<pulumi.dynamic.DiffResult> {
    // Replacing keeps deleteBeforeReplace: the replacement is usually the same machine under a new
    // address, so it is detached first.
    return inputDiff<NodeInputs>(olds, news, { replacing: REPLACING_INPUTS, updatable: UPDATABLE_INPUTS, stateVersion: NODE_STATE_VERSION });
}

export async function create(inputs: NodeInputs): Promise<pulumi.dynamic.CreateResult<NodeOutputs>> {
    const node = connectionExecutor(inputs.nodeName, inputs.manageHost, inputs.connection);
    const ownPool = await poolSeenBy(node);
    const uuid = localUuid(ownPool, node.label);
    if (inputs.probeFrom) {
        const member = memberExecutor(inputs.probeFrom);
        const memberPool = await poolSeenBy(member);
        // Already a peer (a re-run after a failed update, or adoption): only wait for it to settle.
        if (!memberPool.some((peer) => peer.uuid === uuid)) {
            const foreignPeers = remotePeers(ownPool);
            if (foreignPeers.length > 0) {
                throw new Error(
                    `${node.label} already belongs to another gluster pool (its peers: ${foreignPeers.map(describePeer).join(", ")}); ` +
                        `detach it from that pool before adding it to the pool of ${member.label}`,
                );
            }
            await runGluster(member, peerProbeArgs(inputs.storageHost), { nameHost: true });
        }
        await waitForJoin(member, node, uuid, JOIN_TIMEOUT_MS);
    }
    void pulumi.log.info(`${node.label}: in the gluster pool as ${uuid}${inputs.probeFrom ? `, probed from ${inputs.probeFrom.nodeName}` : ""}`);
    return { id: uuid, outs: outputsFor(inputs, uuid) };
}

export async function read(id: string, props: NodeOutputs): Promise<pulumi.dynamic.ReadResult<NodeOutputs>> {
    // The pool is the source of truth: a node the member no longer lists has left it. A first
    // node is its own pool; it is gone only if glusterd now has another identity (reinstalled).
    const observer = props.probeFrom ? memberExecutor(props.probeFrom) : connectionExecutor(props.nodeName, props.manageHost, props.connection);
    const pool = await poolSeenBy(observer);
    const present = props.probeFrom ? pool.some((peer) => peer.uuid === id) : localUuid(pool, observer.label) === id;
    if (!present) {
        return {};
    }
    return { id, props: { ...props, stateVersion: NODE_STATE_VERSION } };
}

export async function update(id: string, _olds: NodeOutputs, news: NodeInputs): Promise<pulumi.dynamic.UpdateResult<NodeOutputs>> {
    // New credentials or a new member to work through: prove they work before storing them.
    const node = connectionExecutor(news.nodeName, news.manageHost, news.connection);
    const uuid = localUuid(await poolSeenBy(node), node.label);
    if (uuid !== id) {
        throw new Error(`${node.label} now has gluster UUID ${uuid}, not ${id}: it is another glusterd; run 'pulumi refresh'`);
    }
    if (news.probeFrom) {
        const member = memberExecutor(news.probeFrom);
        if (!(await poolSeenBy(member)).some((peer) => peer.uuid === id)) {
            throw new Error(`${node.label} is not a peer of ${member.label}; run 'pulumi refresh' to record that it left the pool`);
        }
    }
    return { outs: outputsFor(news, id) };
}

async function remove(id: string, props: NodeOutputs): Promise<void> {
    if (props.probeFrom) {
        await detachThroughMember(id, props, props.probeFrom);
    } else {
        await leaveAsFirstNode(id, props);
    }
}

// `delete` is a reserved word: export the function under the provider method's name.
export { remove as delete };

async function detachThroughMember(uuid: string, props: NodeOutputs, probeFrom: PoolMember): Promise<void> {
    const member = memberExecutor(probeFrom);
    const label = `${props.nodeName} (${props.storageHost})`;
    const peer = (await poolSeenBy(member)).find((candidate) => candidate.uuid === uuid);
    if (!peer) {
        return; // already detached
    }
    refuseIfBricks(label, bricksOnNode(await volumesSeenBy(member), uuid, props.storageHost));
    if (!peer.connected) {
        throw new Error(`${label} is disconnected from the pool (as ${member.label} sees it), so it cannot be detached cleanly; bring its glusterd back, then retry`);
    }
    try {
        await runGluster(member, peerDetachArgs(props.storageHost), { nameHost: true });
    } catch (error) {
        if (!isNotInPoolError(error)) {
            throw error;
        }
    }
}

async function leaveAsFirstNode(uuid: string, props: NodeOutputs): Promise<void> {
    const node = connectionExecutor(props.nodeName, props.manageHost, props.connection);
    const pool = await poolSeenBy(node);
    if (localUuid(pool, node.label) !== uuid) {
        return; // glusterd was reinstalled: the node we created is gone
    }
    refuseIfBricks(node.label, bricksOnNode(await volumesSeenBy(node), uuid, props.storageHost));
    const others = remotePeers(pool);
    const through = props.detachThrough;
    if (through !== undefined && others.some((peer) => peer.hostname === through.storageHost || peer.hostnames.includes(through.storageHost))) {
        // The others stay in the pool: one of them lets this node go.
        await detachThroughMember(uuid, props, through);
        return;
    }
    if (others.length > 0) {
        throw new Error(
            `${node.label} is the node the others were probed from and is still in a pool with ${others.map(describePeer).join(", ")}; ` +
                "remove those nodes first (a pool's last node needs no detach)",
        );
    }
}

function refuseIfBricks(label: string, bricks: readonly string[]): void {
    if (bricks.length > 0) {
        throw new Error(`${label} still holds bricks of gluster volumes (${bricks.join(", ")}); volumes move them off a node removed from the cluster when they are updated in the same 'pulumi up'; for volumes managed elsewhere (another stack), mark the node's devices state: "failed", update those volumes, then remove the node`);
    }
}

function memberExecutor(member: PoolMember) {
    return connectionExecutor(member.nodeName, member.manageHost, member.connection);
}

function outputsFor(inputs: NodeInputs, uuid: string): NodeOutputs {
    const { nodeName, manageHost, storageHost, connection, probeFrom, detachThrough } = inputs;
    return { nodeName, manageHost, storageHost, connection, ...(probeFrom ? { probeFrom } : {}), ...(detachThrough ? { detachThrough } : {}), uuid, stateVersion: NODE_STATE_VERSION };
}
