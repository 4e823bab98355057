// A volume's bricks read from the hosts: to take over a gluster volume that already exists
// (heketi-made, or hand-made in heketi's layout), checked against what the program declares, and
// to follow bricks that moved. Pure: the provider feeds it `volume info` and the LVs of the bricks' VGs.
import type { ClusterTopology } from "../access";
import { bricksPerSet, dataBricksPerSet, describeDurability, type Durability } from "../placement";
import type { GlusterBrick, GlusterVolumeInfo, LogicalVolume } from "../remote";
import { formatSize } from "../sizes";
import { brickLvName, thinPoolName } from "./commands";
import type { VolumeBrick } from "./inputs";

/** heketi's brick path: <mount root>/vg_<id>/brick_<id>/brick. */
export const HEKETI_BRICK_PATH = /^\/var\/lib\/heketi\/mounts\/(vg_[0-9a-f]+)\/brick_([0-9a-f]+)\/brick$/;

/** Why the volume on the hosts is not what the program declares; undefined when it is. */
export function durabilityMismatch(info: GlusterVolumeInfo, durability: Durability): string | undefined {
    const actual: Durability | undefined =
        info.disperseCount > 0
            ? { type: "disperse", data: info.disperseCount - info.redundancyCount, redundancy: info.redundancyCount }
            : info.replicaCount > 1
              ? { type: "replicate", replica: info.replicaCount, arbiter: info.arbiterCount > 0 }
              : info.replicaCount === 1
                ? { type: "none" }
                : undefined;
    if (actual === undefined) {
        return `volume '${info.name}' is of type ${info.type}, which this product does not manage`;
    }
    const declared = durability.type === "replicate" ? { ...durability, arbiter: durability.arbiter === true } : durability;
    if (describeDurability(actual) !== describeDurability(declared)) {
        return `volume '${info.name}' is ${describeDurability(actual)} on the hosts, but durability declares ${describeDurability(declared)}; declare what the volume is`;
    }
    return undefined;
}

/** A brick found on the hosts, before LVM tells its sizes. */
export type LocatedBrick = Omit<VolumeBrick, "sizeBytes" | "poolBytes" | "poolMetadataBytes">;

/** Where each brick is: node, VG and id from heketi's path layout, in gluster's brick order. */
export function locateBricks(info: GlusterVolumeInfo, topology: ClusterTopology, durability: Durability): LocatedBrick[] {
    const setSize = bricksPerSet(durability);
    return info.bricks.map((brick, index) => locateBrick(info.name, brick, Math.floor(index / setSize), topology));
}

/**
 * The volume's bricks as gluster lists them now, in its order: bricks state knows keep what it
 * knows (at their current set position); others (moved by an interrupted run, or by hand) are
 * located and still need their sizes from LVM (`isSized` tells them apart).
 */
export function followBricks(info: GlusterVolumeInfo, topology: ClusterTopology, durability: Durability, known: readonly VolumeBrick[]): Array<VolumeBrick | LocatedBrick> {
    const setSize = bricksPerSet(durability);
    return info.bricks.map((brick, index) => {
        const setIndex = Math.floor(index / setSize);
        const same = known.find((candidate) => candidate.host === brick.host && candidate.path === brick.path);
        return same ? { ...same, setIndex, isArbiter: brick.isArbiter } : locateBrick(info.name, brick, setIndex, topology);
    });
}

export function isSized(brick: VolumeBrick | LocatedBrick): brick is VolumeBrick {
    return "sizeBytes" in brick;
}

function locateBrick(volumeName: string, brick: GlusterBrick, setIndex: number, topology: ClusterTopology): LocatedBrick {
    const node = topology.nodes.find((candidate) => candidate.storageHost === brick.host);
    if (node === undefined) {
        throw new Error(`volume '${volumeName}': brick ${brick.host}:${brick.path} is on a host that is not a node of this cluster; add that host to the cluster as a node and run again`);
    }
    const match = HEKETI_BRICK_PATH.exec(brick.path);
    if (match === null) {
        throw new Error(`volume '${volumeName}': brick ${brick.host}:${brick.path} is not in heketi's layout (/var/lib/heketi/mounts/vg_<id>/brick_<id>/brick), so it cannot be managed; replace it with a brick in that layout (gluster volume replace-brick) and run again`);
    }
    const [, vgName, id] = match;
    const device = node.devices.find((candidate) => candidate.vgName === vgName);
    if (device === undefined) {
        throw new Error(`volume '${volumeName}': brick ${brick.host}:${brick.path} is on volume group ${vgName}, which is not a device of node ${node.name} in this cluster; add that device to the node in the cluster and run again`);
    }
    return { node: node.name, host: brick.host, path: brick.path, device: device.path, id, vgName, setIndex, isArbiter: brick.isArbiter };
}

/** The bricks with their sizes from LVM: the brick LV and its thin pool. */
export function sizeBricks(volumeName: string, located: readonly LocatedBrick[], lvs: readonly LogicalVolume[]): VolumeBrick[] {
    return located.map((brick) => {
        const find = (name: string) => lvs.find((lv) => lv.vgName === brick.vgName && lv.lvName === name);
        const lv = find(brickLvName(brick));
        const pool = lv?.poolLv ? find(lv.poolLv) : undefined;
        if (!lv || !pool) {
            throw new Error(`volume '${volumeName}': brick ${brick.host}:${brick.path} has no thin LV ${brick.vgName}/${brickLvName(brick)} in a thin pool (expected ${thinPoolName(brick)}); check 'lvs ${brick.vgName}' on ${brick.host} and run again`);
        }
        return { ...brick, sizeBytes: lv.lvSize, poolBytes: pool.lvSize, poolMetadataBytes: pool.lvMetadataSize ?? 0 };
    });
}

/** Usable size: each set holds as much as its data bricks, arbiters hold none. */
export function adoptedSizeBytes(bricks: readonly VolumeBrick[], durability: Durability): number {
    const sets = new Map<number, VolumeBrick>();
    for (const brick of bricks.filter((candidate) => !candidate.isArbiter)) {
        sets.set(brick.setIndex, sets.get(brick.setIndex) ?? brick);
    }
    return [...sets.values()].reduce((total, brick) => total + brick.sizeBytes * dataBricksPerSet(durability), 0);
}

/** The declared size must be the volume's: adopting never resizes. */
export function sizeMismatch(volumeName: string, declaredBytes: number, actualBytes: number): string | undefined {
    return declaredBytes === actualBytes
        ? undefined
        : `volume '${volumeName}' holds ${formatSize(actualBytes)} on the hosts, but size declares ${formatSize(declaredBytes)}; declare size: '${formatSize(actualBytes)}' to adopt it (grow it afterwards if needed)`;
}

/**
 * The volume's size counting the sets gluster has beyond the last one state knew: an expansion
 * whose `up` was stopped after add-brick left them in the volume without recording them.
 */
export function sizeWithUnrecordedSets(sizeBytes: number, known: readonly VolumeBrick[], live: readonly VolumeBrick[], durability: Durability): number {
    const lastKnownSet = Math.max(-1, ...known.map((brick) => brick.setIndex));
    return sizeBytes + adoptedSizeBytes(live.filter((brick) => brick.setIndex > lastKnownSet), durability);
}
