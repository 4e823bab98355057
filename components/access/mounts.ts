// Where bricks live on a storage host (heketi's layout, so heketi-made bricks and ours share it):
// bootstrap makes the root, a device owns one directory per VG, volumes mount bricks inside it.

/** Where the bricks of a VG are mounted, one directory each (heketi's layout). */
export const BRICK_MOUNT_ROOT = "/var/lib/heketi/mounts";

export function vgMountDir(vgName: string): string {
    return `${BRICK_MOUNT_ROOT}/${vgName}`;
}
