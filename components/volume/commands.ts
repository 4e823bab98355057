// argv for every step of a brick's and a volume's life, in heketi's exact forms, so volumes made
// here and by heketi look the same on the hosts (and heketi's can be adopted later). Pure: no I/O.
// Start, stop and delete, which a snapshot's clone shares, are in access/volume-calls.ts.

import { createHash } from "node:crypto";
import { vgMountDir } from "../access";
import { fstabAddLineArgs, fstabEntryLine, fstabRemoveMountArgs, glusterArgs, lvsArgs } from "../remote";
import { toKiB } from "../sizes";
import type { Durability } from "../placement";

export const BRICK_MOUNT_OPTIONS = "rw,inode64,noatime,nouuid";

/**
 * 32 hex digits, like heketi's ids, from the volume name and the brick's position: a retried
 * create reuses the same names, so nothing is orphaned under a name nobody remembers.
 */
export function brickId(volumeName: string, setIndex: number, brickIndex: number): string {
    return createHash("sha256").update(`${volumeName}/${setIndex}/${brickIndex}`).digest("hex").slice(0, 32);
}

/** Names and paths of one brick on its host. */
export interface BrickLocation {
    id: string;
    vgName: string;
}

export const thinPoolName = (brick: BrickLocation): string => `tp_${brick.id}`;
export const brickLvName = (brick: BrickLocation): string => `brick_${brick.id}`;
export const brickDevice = (brick: BrickLocation): string => `/dev/mapper/${brick.vgName}-${brickLvName(brick)}`;
export const brickMount = (brick: BrickLocation): string => `${vgMountDir(brick.vgName)}/${brickLvName(brick)}`;
/** The directory gluster serves: a subdirectory, so an unmounted brick is never mistaken for the brick. */
export const brickPath = (brick: BrickLocation): string => `${brickMount(brick)}/brick`;

export function fstabLine(brick: BrickLocation): string {
    return fstabEntryLine({ spec: brickDevice(brick), file: brickMount(brick), vfstype: "xfs", mntops: BRICK_MOUNT_OPTIONS, freq: 1, passno: 2 });
}

export interface BrickSpec extends BrickLocation {
    sizeBytes: number;
    poolBytes: number;
    poolMetadataBytes: number;
}

/**
 * The LVM tag a volume's brick pools carry: which resource made them (a hash of its URN), so a
 * create interrupted before it could report can be told from anyone else's volume or LVs.
 */
export function ownerTag(owner: string): string {
    return `pulumi_gluster_${createHash("sha256").update(owner).digest("hex").slice(0, 16)}`;
}

/** One thin pool per brick, as heketi makes them. */
export function lvcreateArgs(brick: BrickSpec, tag?: string): string[] {
    return [
        "lvcreate", "-qq", "--autobackup=n",
        "--poolmetadatasize", `${toKiB(brick.poolMetadataBytes)}K`,
        "--chunksize", "256K",
        "--size", `${toKiB(brick.poolBytes)}K`,
        "--thin", `${brick.vgName}/${thinPoolName(brick)}`,
        "--virtualsize", `${toKiB(brick.sizeBytes)}K`,
        "--name", brickLvName(brick),
        // LVM puts it on the thin pool.
        ...(tag === undefined ? [] : ["--addtag", tag]),
    ];
}

export function mkfsArgs(brick: BrickLocation): string[] {
    return ["mkfs.xfs", "-i", "size=512", "-n", "size=8192", brickDevice(brick)];
}

/** Appends the brick's fstab line unless it is there already. */
export function fstabAddArgs(brick: BrickLocation): string[] {
    return fstabAddLineArgs(fstabLine(brick));
}

export function fstabRemoveArgs(brick: BrickLocation): string[] {
    return fstabRemoveMountArgs(brickMount(brick));
}

/** Exit 0 when the brick's filesystem is mounted. */
export function brickMountedArgs(brick: BrickLocation): string[] {
    return ["mountpoint", "-q", brickMount(brick)];
}

/**
 * One `df` for all of a host's bricks: each mount point's file system and usage. A brick whose
 * reported mount target is not its own mount point is not mounted (df then shows the parent's).
 */
export function brickUsageArgs(bricks: readonly BrickLocation[]): string[] {
    return ["df", "-B1", "--output=file,target,size,used", "--", ...bricks.map(brickMount)];
}

export interface BrickFilesystem {
    /** The brick's mount point, as given to df. */
    mount: string;
    mounted: boolean;
    sizeBytes: number;
    usedBytes: number;
}

/** Parses brickUsageArgs' output; mount points df could not read (no such directory) are absent. */
export function parseBrickUsage(stdout: string): BrickFilesystem[] {
    return stdout
        .split("\n")
        .slice(1)
        .map((line) => line.trim().split(/\s+/))
        .filter((fields) => fields.length === 4 && /^\d+$/.test(fields[2]) && /^\d+$/.test(fields[3]))
        .map(([mount, target, size, used]) => ({ mount, mounted: mount === target, sizeBytes: Number(size), usedBytes: Number(used) }));
}

export function mountArgs(brick: BrickLocation): string[] {
    return ["mount", "-o", BRICK_MOUNT_OPTIONS, brickDevice(brick), brickMount(brick)];
}

/** A private directory to look into an unmounted brick from (mktemp prints its path). */
export const inspectDirArgs = (): string[] => ["mktemp", "-d", "/run/pulumi-gluster-inspect.XXXXXX"];

/** Mounts an unmounted brick read-only at `dir` to look inside, changing nothing on it (no log replay). */
export function inspectMountArgs(brick: BrickLocation, dir: string): string[] {
    return ["mount", "-o", "ro,norecovery,nouuid", brickDevice(brick), dir];
}

/** chown then chmod: setgid makes files created in the brick inherit the group. */
export function brickGroupArgs(brick: BrickLocation, gid: number): string[][] {
    return [
        ["chown", `:${gid}`, brickPath(brick)],
        ["chmod", "2775", brickPath(brick)],
    ];
}

/** What of a brick's LVs one lvremove takes: its thin LV, its thin pool, or both (the LV first). */
export interface BrickLvs {
    readonly lv: boolean;
    readonly pool: boolean;
}

// No metadata backup per removal, as for lvcreate (heketi's way): each backup is a synced file write.
export function lvremoveArgs(brick: BrickLocation, parts: BrickLvs): string[] {
    const names = [...(parts.lv ? [brickLvName(brick)] : []), ...(parts.pool ? [thinPoolName(brick)] : [])];
    return ["lvremove", "-f", "--autobackup=n", ...names.map((name) => `${brick.vgName}/${name}`)];
}

/** The brick's thin pool and every thin LV in it (its own, snapshots), in one lvs report. */
export function brickPoolLvsArgs(brick: BrickLocation): string[] {
    const pool = thinPoolName(brick);
    return lvsArgs([brick.vgName], { select: `lv_name=${pool} || pool_lv=${pool}` });
}

/** "replica 3 arbiter 1", "disperse-data 2 redundancy 1", or nothing for a plain distribute volume. */
export function durabilityArgs(durability: Durability): string[] {
    switch (durability.type) {
        case "replicate":
            return durability.replica === 1 ? [] : ["replica", String(durability.replica), ...(durability.arbiter ? ["arbiter", "1"] : [])];
        case "disperse":
            return ["disperse-data", String(durability.data), "redundancy", String(durability.redundancy)];
        case "none":
            return [];
    }
}

/** "host:/path" as gluster names a brick. */
export function glusterBrickName(storageHost: string, path: string): string {
    return `${storageHost}:${path}`;
}

export function volumeCreateArgs(volumeName: string, durability: Durability, bricks: readonly string[]): string[] {
    return glusterArgs("volume", "create", volumeName, ...durabilityArgs(durability), ...bricks);
}

/** Disperse add-brick takes no counts: gluster infers them from the volume. */
export function addBrickArgs(volumeName: string, durability: Durability, bricks: readonly string[]): string[] {
    const counts = durability.type === "replicate" ? durabilityArgs(durability) : [];
    return glusterArgs("volume", "add-brick", volumeName, ...counts, ...bricks);
}

/** gluster takes its `group` key (a file of options) only alone in a `volume set`. */
const SET_ALONE = new Set(["group"]);

/**
 * The `volume set` commands for `options`: every option in one command (one glusterd transaction,
 * all validated before any is applied), except `group`, which gluster takes only alone.
 */
export function volumeSetCommands(volumeName: string, options: ReadonlyArray<readonly [string, string]>): Array<{ options: string[]; argv: string[] }> {
    const together = options.filter(([option]) => !SET_ALONE.has(option));
    const alone = options.filter(([option]) => SET_ALONE.has(option));
    return [...(together.length > 0 ? [together] : []), ...alone.map((pair) => [pair])].map((pairs) => ({
        options: pairs.map(([option]) => option),
        argv: glusterArgs("volume", "set", volumeName, ...pairs.flat()),
    }));
}
export const volumeResetArgs = (volumeName: string, option: string): string[] => glusterArgs("volume", "reset", volumeName, option);
/** Starts the processes of a started volume's bricks that are not running (e.g. after a remount). */
export const volumeStartForceArgs = (volumeName: string): string[] => glusterArgs("volume", "start", volumeName, "force");
export const volumeStatusArgs = (volumeName: string): string[] => glusterArgs("volume", "status", volumeName);
export const rebalanceStartArgs = (volumeName: string): string[] => glusterArgs("volume", "rebalance", volumeName, "start");
/** Swaps a brick for an empty one in the same place of its set; self-heal then fills it from the set. */
export const replaceBrickArgs = (volumeName: string, oldBrick: string, newBrick: string): string[] =>
    glusterArgs("volume", "replace-brick", volumeName, oldBrick, newBrick, "commit", "force");
/** Asks the self-heal daemons to heal the entries waiting now, rather than at their next crawl. */
export const volumeHealArgs = (volumeName: string): string[] => glusterArgs("volume", "heal", volumeName);
