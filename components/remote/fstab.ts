// /etc/fstab edits on a host as argv: constant scripts, every value a positional argument, never
// part of the script text. Used for brick mounts and for volume mounts on Kubernetes workers.

const FSTAB_ADD = 'grep -qxF -- "$1" /etc/fstab || printf \'%s\\n\' "$1" >> /etc/fstab';
/** Rewrites fstab atomically without the lines mounting on $1, then runs `append` on the copy. */
const fstabRewrite = (append: string[]) =>
    [
        "set -e",
        "tmp=$(mktemp /etc/.fstab.XXXXXX)",
        'MOUNT="$1" awk \'$2 != ENVIRON["MOUNT"]\' /etc/fstab > "$tmp"',
        ...append,
        'chmod 644 "$tmp"',
        'mv -f "$tmp" /etc/fstab',
    ].join("\n");
const FSTAB_REMOVE = fstabRewrite([]);
const FSTAB_REPLACE = fstabRewrite(['printf \'%s\\n\' "$2" >> "$tmp"']);

/** Appends `line` to /etc/fstab unless that exact line is there already. */
export function fstabAddLineArgs(line: string): string[] {
    return ["sh", "-c", FSTAB_ADD, "sh", line];
}

/** Removes every /etc/fstab line that mounts on `mountPath`. */
export function fstabRemoveMountArgs(mountPath: string): string[] {
    return ["sh", "-c", FSTAB_REMOVE, "sh", mountPath];
}

/** Puts `line` in place of every /etc/fstab line that mounts on `mountPath`, in one atomic rename. */
export function fstabReplaceMountArgs(mountPath: string, line: string): string[] {
    return ["sh", "-c", FSTAB_REPLACE, "sh", mountPath, line];
}

/** Prints the /etc/fstab lines that mount on `mountPath` (exit 0 even when there are none). */
export function fstabLinesForMountArgs(mountPath: string): string[] {
    return ["awk", "-v", `mount=${mountPath}`, "$2 == mount", "/etc/fstab"];
}

/** fsync of /etc/fstab: an edit survives a power cut right after it. */
export const FSTAB_SYNC_ARGS: readonly string[] = ["sync", "/etc/fstab"];
