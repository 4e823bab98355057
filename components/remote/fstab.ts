// /etc/fstab edits on a host as argv: constant scripts, every value a positional argument, never
// part of the script text. Used for brick mounts and for volume mounts on Kubernetes workers.

// Edits on one host may run at once (the executor runs a few commands per host): each holds a
// flock on /etc itself, a directory whose inode the atomic rename below never replaces.
const LOCK_ETC = "exec 8</etc && flock 8";
const FSTAB_ADD = `${LOCK_ETC} && { grep -qxF -- "$1" /etc/fstab || printf '%s\\n' "$1" >> /etc/fstab; }`;
/** Rewrites fstab atomically without the lines mounting on $1, then runs `append` on the copy. */
const fstabRewrite = (append: string[]) =>
    [
        "set -e",
        LOCK_ETC,
        "tmp=$(mktemp /etc/.fstab.XXXXXX)",
        'MOUNT="$1" awk \'$2 != ENVIRON["MOUNT"]\' /etc/fstab > "$tmp"',
        ...append,
        'chmod 644 "$tmp"',
        'mv -f "$tmp" /etc/fstab',
    ].join("\n");
const FSTAB_REMOVE = fstabRewrite([]);
const FSTAB_REPLACE = fstabRewrite(['printf \'%s\\n\' "$2" >> "$tmp"']);

/** The six fields of an fstab line. */
export interface FstabEntry {
    /** What is mounted: a device or "host:/volume". */
    spec: string;
    /** The mount point. */
    file: string;
    vfstype: string;
    mntops: string;
    freq: number;
    passno: number;
}

/**
 * `value` as one fstab field, or an Error naming it: blanks separate fields, a line break starts
 * another entry, and a backslash starts an octal escape (and an awk -v escape below).
 */
export function fstabField(field: string, value: string): string {
    if (value === "") {
        throw new Error(`fstab ${field}: is empty; give a value`);
    }
    if (/[\s\\\0]/.test(value)) {
        throw new Error(`fstab ${field} ${JSON.stringify(value)}: contains a blank, line break, backslash or NUL; use a value without them`);
    }
    return value;
}

/** The entry as one fstab line, each field checked. */
export function fstabEntryLine(entry: FstabEntry): string {
    const { spec, file, vfstype, mntops, freq, passno } = entry;
    return [fstabField("spec", spec), fstabField("mount point", file), fstabField("type", vfstype), fstabField("options", mntops), String(freq), String(passno)].join(" ");
}

/** `line` as one fstab line, or an Error: a line break would add a second entry. */
function singleLine(line: string): string {
    if (line.trim() === "") {
        throw new Error("fstab line: is empty; build it with fstabEntryLine");
    }
    if (/[\n\r\0]/.test(line)) {
        throw new Error(`fstab line ${JSON.stringify(line)}: contains a line break or NUL; build it with fstabEntryLine`);
    }
    return line;
}

/** Appends `line` to /etc/fstab unless that exact line is there already. */
export function fstabAddLineArgs(line: string): string[] {
    return ["sh", "-c", FSTAB_ADD, "sh", singleLine(line)];
}

/** Removes every /etc/fstab line that mounts on `mountPath`. */
export function fstabRemoveMountArgs(mountPath: string): string[] {
    return ["sh", "-c", FSTAB_REMOVE, "sh", fstabField("mount point", mountPath)];
}

/** Puts `line` in place of every /etc/fstab line that mounts on `mountPath`, in one atomic rename. */
export function fstabReplaceMountArgs(mountPath: string, line: string): string[] {
    return ["sh", "-c", FSTAB_REPLACE, "sh", fstabField("mount point", mountPath), singleLine(line)];
}

/** Prints the /etc/fstab lines that mount on `mountPath` (exit 0 even when there are none). */
export function fstabLinesForMountArgs(mountPath: string): string[] {
    return ["awk", "-v", `mount=${fstabField("mount point", mountPath)}`, "$2 == mount", "/etc/fstab"];
}

/** fsync of /etc/fstab: an edit survives a power cut right after it. */
export const FSTAB_SYNC_ARGS: readonly string[] = ["sync", "/etc/fstab"];
