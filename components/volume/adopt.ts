// Taking over a gluster volume that already exists on the hosts (heketi-made, or hand-made in
// heketi's layout): what its bricks are, read from gluster and LVM, checked against what the
// program declares. Pure: the provider feeds it `volume info` and the LVs of the bricks' VGs.
import type { ClusterTopology } from "../cluster";
import { bricksPerSet, dataBricksPerSet, describeDurability, type Durability } from "../placement";
import type { GlusterVolumeInfo, LogicalVolume } from "../remote";
import { formatSize } from "../sizes";
import { brickLvName, thinPoolName } from "./commands";
import type { VolumeBrick } from "./inputs";

/** heketi's brick path: <mount root>/vg_<id>/brick_<id>/brick. */
const HEKETI_BRICK_PATH = /^\/var\/lib\/heketi\/mounts\/(vg_[0-9a-f]+)\/brick_([0-9a-f]+)\/brick$/;

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

/** Where each brick is: node, VG and id from heketi's path layout, in gluster's brick order. */
export function locateBricks(info: GlusterVolumeInfo, topology: ClusterTopology, durability: Durability): Array<Omit<VolumeBrick, "sizeBytes" | "poolBytes" | "poolMetadataBytes">> {
    const setSize = bricksPerSet(durability);
    return info.bricks.map((brick, index) => {
        const node = topology.nodes.find((candidate) => candidate.storageHost === brick.host);
        if (node === undefined) {
            throw new Error(`volume '${info.name}': brick ${brick.host}:${brick.path} is on a host that is not a node of this cluster`);
        }
        const match = HEKETI_BRICK_PATH.exec(brick.path);
        if (match === null) {
            throw new Error(`volume '${info.name}': brick ${brick.host}:${brick.path} is not in heketi's layout (/var/lib/heketi/mounts/vg_<id>/brick_<id>/brick), so it cannot be adopted`);
        }
        const [, vgName, id] = match;
        const device = node.devices.find((candidate) => candidate.vgName === vgName);
        if (device === undefined) {
            throw new Error(`volume '${info.name}': brick ${brick.host}:${brick.path} is on volume group ${vgName}, which is not a device of node ${node.name} in this cluster`);
        }
        return { node: node.name, host: brick.host, path: brick.path, device: device.path, id, vgName, setIndex: Math.floor(index / setSize), isArbiter: brick.isArbiter };
    });
}

/** The bricks with their sizes from LVM: the brick LV and its thin pool. */
export function sizeBricks(volumeName: string, located: ReturnType<typeof locateBricks>, lvs: readonly LogicalVolume[]): VolumeBrick[] {
    return located.map((brick) => {
        const find = (name: string) => lvs.find((lv) => lv.vgName === brick.vgName && lv.lvName === name);
        const lv = find(brickLvName(brick));
        const pool = lv?.poolLv ? find(lv.poolLv) : undefined;
        if (!lv || !pool) {
            throw new Error(`volume '${volumeName}': brick ${brick.host}:${brick.path} has no thin LV ${brick.vgName}/${brickLvName(brick)} in a thin pool (expected ${thinPoolName(brick)})`);
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
