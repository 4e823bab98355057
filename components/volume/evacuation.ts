// Moving bricks off devices that leave the cluster: which bricks must move and why, where they
// go (placement/replacement), and whether moving one now is safe for the data. Pure: the
// provider feeds it the topology, `volume status` and `volume heal info`.

import type { ClusterNode, ClusterTopology } from "../access";
import { bricksPerSet, type Durability, type PositionedBrick } from "../placement";
import type { GlusterBrickHeal, GlusterProcessStatus } from "../remote";
import { glusterBrickName } from "./commands";
import type { VolumeBrick } from "./inputs";

export interface BrickMove {
    brick: VolumeBrick;
    /** Why it moves, e.g. "device /dev/sdb of n1 is marked failed". */
    why: string;
}

/** The bricks whose device is no longer usable: its node left the cluster, the device left its node, or it is marked failed. */
export function bricksToMove(bricks: readonly VolumeBrick[], topology: ClusterTopology): BrickMove[] {
    return bricks.flatMap((brick) => {
        const why = whyMove(brick, topology.nodes.find((node) => node.name === brick.node));
        return why === undefined ? [] : [{ brick, why }];
    });
}

function whyMove(brick: VolumeBrick, node: ClusterNode | undefined): string | undefined {
    if (node === undefined) {
        return `node ${brick.node} is removed from the cluster`;
    }
    const device = node.devices.find((candidate) => candidate.vgName === brick.vgName);
    if (device === undefined) {
        return `device ${brick.device} of ${brick.node} is removed from the cluster`;
    }
    return device.state === "failed" ? `device ${brick.device} of ${brick.node} is marked failed` : undefined;
}

/** Why the volume's bricks cannot be moved at all, or undefined. */
export function unmovableReason(volumeName: string, durability: Durability): string | undefined {
    return bricksPerSet(durability) > 1
        ? undefined
        : `volume '${volumeName}' keeps one copy of its data (durability ${durability.type}${durability.type === "replicate" ? " 1" : ""}), so its bricks cannot be moved by replacing them; ` +
              "keep the device until the volume is deleted, or recreate the volume elsewhere";
}

/** The bricks in the form placement takes; zones from the cluster topology (the old one for a removed node). */
export function positioned(bricks: readonly VolumeBrick[], nodes: readonly ClusterNode[]): PositionedBrick[] {
    return bricks.map((brick) => ({
        name: glusterBrickName(brick.host, brick.path),
        node: brick.node,
        zone: nodes.find((node) => node.name === brick.node)?.zone ?? 0,
        deviceId: brick.vgName,
        setIndex: brick.setIndex,
        sizeBytes: brick.sizeBytes,
        isArbiter: brick.isArbiter,
    }));
}

/** Whether a move may wait for self-heal (pending entries) or needs a person (a set member is down). */
export type MoveBlocker = { kind: "member-offline" | "heal-pending"; message: string };

/**
 * Whether replacing `moving` now could drop data only it holds. Every other brick of its set
 * must be online (they become the only copies); if `moving` itself is online, no brick of the
 * set may have entries waiting for heal (it might be their only good source). An offline
 * brick (a failed disk) can be replaced as soon as the rest of its set is whole. `heal`
 * undefined: heal info could not be read.
 */
export function moveBlocker(volumeName: string, moving: VolumeBrick, set: readonly VolumeBrick[], status: readonly GlusterProcessStatus[], heal: readonly GlusterBrickHeal[] | undefined): MoveBlocker | undefined {
    const online = (brick: VolumeBrick) => status.some((process) => process.hostname === brick.host && process.path === brick.path && process.online);
    const name = glusterBrickName(moving.host, moving.path);
    const others = set.filter((brick) => brick !== moving && glusterBrickName(brick.host, brick.path) !== name);
    const offline = others.filter((brick) => !online(brick)).map((brick) => glusterBrickName(brick.host, brick.path));
    if (offline.length > 0) {
        return {
            kind: "member-offline",
            message: `moving brick ${name} of volume '${volumeName}' now could drop the only good copy of some data: ${offline.join(", ")} of the same set ${offline.length === 1 ? "is" : "are"} offline; ` +
                `bring ${offline.length === 1 ? "it" : "them"} back (gluster volume start ${volumeName} force), let heal finish, and run again`,
        };
    }
    if (!online(moving)) {
        return undefined;
    }
    // A brick heal info does not list, or could not ask, counts as having entries: unknown is not safe.
    const pending = set.map((brick) => {
        const brickName = glusterBrickName(brick.host, brick.path);
        const entry = heal?.find((candidate) => candidate.brick === brickName);
        return { brickName, entry };
    }).filter(({ entry }) => entry?.pendingEntries !== 0);
    if (pending.length > 0) {
        const counts = pending.map(({ brickName, entry }) => `${brickName}: ${entry === undefined ? "unknown" : entry.pendingEntries ?? `not answering (${entry.status})`}`).join(", ");
        return {
            kind: "heal-pending",
            message: `moving brick ${name} of volume '${volumeName}' now could drop the only good copy of some data: its set still has entries to heal or heal info cannot tell (${counts}); ` +
                `wait until 'gluster volume heal ${volumeName} info' shows none, then run again`,
        };
    }
    return undefined;
}

/** Nodes of the old topology that the new one lacks: they may still hold bricks to move off. */
export function formerNodes(oldTopology: ClusterTopology, newTopology: ClusterTopology): ClusterNode[] {
    return oldTopology.nodes.filter((node) => !newTopology.nodes.some((current) => current.name === node.name));
}

/** The topology with the nodes that left it, to find and move their bricks. */
export function withFormerNodes(topology: ClusterTopology, oldTopology: ClusterTopology): ClusterTopology {
    return { ...topology, nodes: [...topology.nodes, ...formerNodes(oldTopology, topology)] };
}
