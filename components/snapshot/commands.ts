// gluster snapshot commands and the room check a snapshot needs. Pure.
import { glusterArgs, type LogicalVolume } from "../remote";
import { formatSize } from "../sizes";

export const snapshotCreateArgs = (snapshotName: string, volumeName: string): string[] => glusterArgs("snapshot", "create", snapshotName, volumeName, "no-timestamp");
export const snapshotActivateArgs = (snapshotName: string): string[] => glusterArgs("snapshot", "activate", snapshotName);
export const snapshotDeleteArgs = (snapshotName: string): string[] => glusterArgs("snapshot", "delete", snapshotName);
export const snapshotInfoArgs = (snapshotName: string): string[] => glusterArgs("snapshot", "info", snapshotName);
export const snapshotCloneArgs = (cloneName: string, snapshotName: string): string[] => glusterArgs("snapshot", "clone", cloneName, snapshotName);

/** A brick of the volume to snapshot: its thin LV's place. */
export interface SnapshotBrick {
    node: string;
    host: string;
    path: string;
    vgName: string;
    id: string;
}

/**
 * Why the bricks' thin pools cannot take a snapshot, one line per brick; empty when they can.
 * A snapshot shares blocks with its brick until either is rewritten, so the pool must have room
 * for as much as the brick holds now, or a full rewrite would exhaust the pool and stop both.
 */
export function snapshotRoomProblems(bricks: readonly SnapshotBrick[], lvs: readonly LogicalVolume[]): string[] {
    return bricks.flatMap((brick) => {
        const lv = lvs.find((candidate) => candidate.vgName === brick.vgName && candidate.lvName === `brick_${brick.id}`);
        const pool = lv?.poolLv ? lvs.find((candidate) => candidate.vgName === brick.vgName && candidate.lvName === lv.poolLv) : undefined;
        if (!lv || !pool) {
            return [`${brick.host}:${brick.path}: its thin LV ${brick.vgName}/brick_${brick.id} is missing`];
        }
        const used = Math.ceil((lv.lvSize * (lv.dataPercent ?? 0)) / 100);
        const free = Math.floor((pool.lvSize * (100 - (pool.dataPercent ?? 0))) / 100);
        return free >= used
            ? []
            : [`${brick.host}:${brick.path}: its thin pool has ${formatSize(free)} free for ${formatSize(used)} of brick data (create the volume with a larger snapshotFactor)`];
    });
}

/** Where gluster mounts the bricks of snapshots and clones: one directory per snapshot volume id. */
export const SNAPSHOT_MOUNT_ROOT = "/run/gluster/snaps";

// Unmounts every brick of the clone ($1: its volume id without dashes) on this host, removes the
// LVs gluster made for them (named <id>_<n>) and their directories. Values arrive as arguments.
const CLONE_BRICKS_REMOVE = [
    "set -e",
    'dir="$2/$1"',
    'for m in $(awk -v d="$dir/" \'index($2, d) == 1 {print $2}\' /proc/mounts); do umount "$m"; done',
    'for lv in $(lvs --noheadings -o vg_name,lv_name --separator / | tr -d " " | grep "/$1_[0-9]*$" || true); do lvremove -qq -f "$lv"; done',
    'rm -rf "$dir"',
].join("\n");

/** argv that removes what gluster left of a deleted clone's bricks on one host. */
export function cloneBricksRemoveArgs(volumeId: string): string[] {
    const id = volumeId.replace(/-/g, "");
    if (!/^[0-9a-f]{32}$/.test(id)) {
        throw new Error(`'${volumeId}' is not a gluster volume id`);
    }
    return ["sh", "-c", CLONE_BRICKS_REMOVE, "sh", id, SNAPSHOT_MOUNT_ROOT];
}
