// A provider's handle on a cluster (volumes, snapshots, clones): one SSH executor per node, a
// reachable peer for volume-wide gluster calls, and the cluster's free space read live from the hosts.

import { hostname } from "node:os";
import * as pulumi from "@pulumi/pulumi";
import type { Inventory, InventoryNode } from "../placement";
import { lvsArgs, parseLvs, parseVgs, SshConnectionError, takeHostLock, type HeldCommand, type LogicalVolume, type HostExecutor, vgsArgs } from "../remote";
import { connectionExecutor } from "./connection";
import { describeCause } from "./errors";
import { placementSession, type PlacementSession, type SpaceClaim } from "./placement-session";
import type { ClusterNode, ClusterTopology } from "./topology";

/** How long a create waits for another operation's placement on the same hosts. */
export const PLACEMENT_LOCK_WAIT_SECONDS = 300;

export class ClusterAccess {
    private readonly executors = new Map<string, HostExecutor>();
    /** Set while this operation places: liveInventory then leaves out what other placements claimed. */
    private placing: PlacementSession | undefined;
    /** The placement session joined by beginPlacement, not yet used by withPlacementLock. */
    private joinedEarly: { session: PlacementSession; entered: Promise<void> } | undefined;

    /**
     * `formerNodes`: nodes that left the topology but may still hold bricks to move off; they
     * are reachable through host() and never used for placement. `connect` makes a node's
     * executor: SSH by default, a scripted host in orchestration tests.
     */
    constructor(
        readonly topology: ClusterTopology,
        formerNodes: readonly ClusterNode[] = [],
        connect: (node: ClusterNode) => HostExecutor = executorFor,
    ) {
        for (const node of [...formerNodes, ...topology.nodes]) {
            this.executors.set(node.name, connect(node));
        }
    }

    /** The executor of a node in the topology; a brick on an unknown node is a clear error. */
    host(nodeName: string): HostExecutor {
        const executor = this.executors.get(nodeName);
        if (executor === undefined) {
            throw new Error(`node '${nodeName}' holds a brick of this volume but is not in the cluster topology; add the node back to the cluster and run again`);
        }
        return executor;
    }

    /**
     * A node that answers, for volume-wide gluster calls (any peer can run them), preferring
     * the given nodes (those holding the volume's bricks).
     */
    async anyPeer(preferred: readonly string[] = []): Promise<HostExecutor> {
        const names = [...new Set([...preferred, ...this.topology.nodes.map((node) => node.name)])];
        const unreachable: string[] = [];
        for (const name of names) {
            const host = this.executors.get(name);
            if (host === undefined) {
                continue;
            }
            try {
                await ping(host);
                return host;
            } catch (error) {
                if (!(error instanceof SshConnectionError)) {
                    throw error;
                }
                unreachable.push(`${describeCause(error)}`);
            }
        }
        throw new Error(`no node of the cluster is reachable: ${unreachable.join("; ")}; bring one back and run again`);
    }

    /** Fails, naming them, unless every one of `nodeNames` answers: for steps that need them all. */
    async requireReachable(nodeNames: readonly string[], doing: string): Promise<void> {
        const names = [...new Set(nodeNames)];
        const answers = await Promise.all(
            names.map(async (name) => {
                try {
                    await ping(this.host(name));
                    return undefined;
                } catch (error) {
                    if (!(error instanceof SshConnectionError)) {
                        throw error;
                    }
                    return describeCause(error);
                }
            }),
        );
        const unreachable = answers.filter((answer): answer is string => answer !== undefined);
        if (unreachable.length > 0) {
            throw new Error(`${doing}: ${unreachable.join("; ")}; nothing was changed: bring the host back (or remove it from the cluster) and run again`);
        }
    }

    /**
     * Places (`place`: read free space, choose VGs) and takes the space (`allocate`: lvcreate)
     * holding every reachable node's host lock, so another stack places only after these LVs
     * exist, on what is free then. Within this process the locks are shared (PlacementSession):
     * placements run one at a time, each seeing the space earlier ones claimed, while their
     * allocations run at once. `claimsOf` names the space a placement chose.
     */
    async withPlacementLock<Placed>(doing: string, place: () => Promise<Placed>, claimsOf: (placed: Placed) => SpaceClaim[], allocate: (placed: Placed) => Promise<void>): Promise<Placed> {
        if (this.joinedEarly === undefined) {
            this.beginPlacement(doing);
        }
        const { session, entered } = this.joinedEarly!;
        this.joinedEarly = undefined;
        await entered;
        try {
            const { placed, claims } = await session.place(async () => {
                this.placing = session;
                try {
                    const chosen = await place();
                    return { placed: chosen, claims: claimsOf(chosen) };
                } finally {
                    this.placing = undefined;
                }
            });
            let allocated = false;
            try {
                await allocate(placed);
                allocated = true;
            } finally {
                session.release(claims, allocated);
            }
            return placed;
        } finally {
            await session.leave();
        }
    }

    /**
     * Starts taking the hosts' placement locks for an operation that reads before it places, so
     * the reads and the wait overlap: withPlacementLock then uses this entry. endPlacement must
     * follow, and leaves the session if the operation ended before it placed.
     */
    beginPlacement(doing: string): void {
        const session = placementSession(this.topology.nodes);
        const entered = session.enter(() => this.takeHostLocks(doing));
        // A failure to take the locks is withPlacementLock's to report, if the operation gets there.
        entered.catch(() => undefined);
        this.joinedEarly = { session, entered };
    }

    /** Leaves the session beginPlacement joined, unless withPlacementLock used (and left) it. */
    async endPlacement(): Promise<void> {
        const early = this.joinedEarly;
        this.joinedEarly = undefined;
        if (early !== undefined) {
            await early.entered.then(
                () => early.session.leave(),
                () => undefined,
            );
        }
    }

    /** Every reachable node's host lock, taken in name order so two holders never wait for each other in a circle. */
    private async takeHostLocks(doing: string): Promise<HeldCommand[]> {
        const owner = `${hostname()} pid ${process.pid}: ${doing} since ${new Date().toISOString()}`;
        const held: HeldCommand[] = [];
        try {
            for (const node of [...this.topology.nodes].sort((a, b) => a.name.localeCompare(b.name))) {
                try {
                    held.push(await takeHostLock(this.host(node.name), owner, PLACEMENT_LOCK_WAIT_SECONDS));
                } catch (error) {
                    // An unreachable node gets no bricks (liveInventory leaves it out), so needs no lock.
                    if (!(error instanceof SshConnectionError)) {
                        throw new Error(`${doing}: ${describeCause(error)}; nothing was changed`);
                    }
                }
            }
            return held;
        } catch (error) {
            await Promise.all(held.map((lock) => lock.release()));
            throw error;
        }
    }

    /** The LVs of the VGs holding `bricks`, one lvs call per node, all nodes at once. */
    async logicalVolumesOf(bricks: ReadonlyArray<{ node: string; vgName: string }>): Promise<LogicalVolume[]> {
        const nodes = [...new Set(bricks.map((brick) => brick.node))];
        const perNode = await Promise.all(
            nodes.map(async (node) => {
                const vgNames = [...new Set(bricks.filter((brick) => brick.node === node).map((brick) => brick.vgName))];
                return parseLvs((await this.host(node).run(lvsArgs(vgNames))).stdout);
            }),
        );
        return perNode.flat();
    }

    /**
     * Placement's inventory: each node's VGs with their free space now (the hosts are the source
     * of truth). Unreachable nodes and missing VGs are left out with a warning: placement can
     * still use the rest.
     */
    async liveInventory(): Promise<Inventory> {
        const session = this.placing;
        // Claims are counted before the hosts are read: space taken meanwhile then counts twice, never not at all.
        const claimed = session?.claimedBytes() ?? new Map<string, number>();
        const nodes = await Promise.all(this.topology.nodes.map((node) => this.liveNode(node, session, claimed)));
        return { nodes: nodes.filter((node): node is InventoryNode => node !== undefined) };
    }

    private async liveNode(node: ClusterNode, session: PlacementSession | undefined, claimed: ReadonlyMap<string, number>): Promise<InventoryNode | undefined> {
        const host = this.host(node.name);
        // Without LVM's locks: free space must not wait behind this process's own lvcreates, which the claims cover.
        const read = async () => parseVgs((await host.run(vgsArgs([], { withoutLocks: true }))).stdout);
        let groups;
        try {
            groups = await (session === undefined ? read() : session.volumeGroups(node.name, read));
        } catch (error) {
            if (error instanceof SshConnectionError) {
                void pulumi.log.warn(`${host.label}: unreachable, no bricks are placed there: ${describeCause(error, host.label)}`);
                return undefined;
            }
            throw error;
        }
        // A failed device takes no new bricks; its own are moved off it.
        const devices = node.devices.filter((device) => device.state !== "failed").flatMap((device) => {
            const group = groups.find((vg) => vg.vgName === device.vgName);
            if (group === undefined) {
                void pulumi.log.warn(`${host.label}: volume group ${device.vgName} (${device.path}) not found; it gets no bricks`);
                return [];
            }
            const freeBytes = Math.max(0, group.vgFree - (claimed.get(`${node.name}/${device.vgName}`) ?? 0));
            return [{ id: device.vgName, path: device.path, freeBytes, totalBytes: group.vgSize, tags: device.tags ?? {} }];
        });
        return { name: node.name, zone: node.zone, storageHost: node.storageHost, devices };
    }
}

/** Whether the host answers; operations that start at once share one answer. */
async function ping(host: HostExecutor): Promise<void> {
    await host.run(["true"], { shareInFlight: true });
}

function executorFor(node: ClusterNode): HostExecutor {
    return connectionExecutor(node.name, node.manageHost, node.connection);
}
