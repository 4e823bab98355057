// argv for a mount point on a host. The path is a user's value: "--" ends the options of these
// GNU coreutils and util-linux tools, so even a path starting with '-' stays a path.

/** Exit 0 when `path` is a mount point. */
export const mountpointArgs = (path: string): string[] => ["mountpoint", "-q", "--", path];
/** Mounts `path` as its /etc/fstab line says. */
export const mountFromFstabArgs = (path: string): string[] => ["mount", "--", path];
export const unmountArgs = (path: string): string[] => ["umount", "--", path];
export const makeDirectoryArgs = (path: string): string[] => ["mkdir", "-p", "--", path];
/** Removes `path` only while it is an empty directory. */
export const removeEmptyDirectoryArgs = (path: string): string[] => ["rmdir", "--", path];
