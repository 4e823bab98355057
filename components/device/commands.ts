// LVM and wipefs commands for a gluster device (heketi's exact forms), and pure readings of their
// output. The device path is a user's value: "--" goes before it for wipefs and sync; `test` reads
// no "--" and LVM keeps heketi's forms, both safe as validateDevicePath lets only absolute paths in.
import { createHash } from "node:crypto";

/** "vg_" + 16 hex: the same node name and path always give the same VG, so re-runs find it. */
export function vgNameFor(nodeName: string, path: string): string {
    return `vg_${createHash("sha256").update(`${nodeName}\0${path}`).digest("hex").slice(0, 16)}`;
}

/** Exit 0 only for an existing block device (symlinks followed). */
export function blockDeviceTestArgs(path: string): string[] {
    return ["test", "-b", path];
}

/** Every PV, or only `path`'s, with its VG and UUID. */
export function pvReportArgs(path?: string): string[] {
    return ["pvs", "--reportformat", "json", "-o", "pv_name,vg_name,pv_uuid", ...(path === undefined ? [] : [path])];
}

/** Lists the signatures (filesystems, partition tables, RAID or LVM labels) on a device, changing nothing. */
export function signatureProbeArgs(path: string): string[] {
    return ["wipefs", "--no-act", "--json", "--", path];
}

/** Erases every signature: only with destroyData. */
export function wipeArgs(path: string): string[] {
    return ["wipefs", "--all", "--", path];
}

export function pvcreateArgs(path: string): string[] {
    return ["pvcreate", "-qq", "--metadatasize=128M", "--dataalignment=256K", path];
}

export function vgcreateArgs(vgName: string, path: string): string[] {
    return ["vgcreate", "-qq", "--physicalextentsize=4M", "--autobackup=n", vgName, path];
}

/**
 * fsync of the block device: the new PV label and VG metadata reach stable storage (the disk's
 * write cache included) before the device is reported ready.
 */
export function flushDeviceArgs(path: string): string[] {
    return ["sync", "--", path];
}

export function vgremoveArgs(vgName: string): string[] {
    return ["vgremove", "-qq", vgName];
}

/** Where the bricks of a VG are mounted, one directory each (heketi's layout). */
export const BRICK_MOUNT_ROOT = "/var/lib/heketi/mounts";

export function vgMountDir(vgName: string): string {
    return `${BRICK_MOUNT_ROOT}/${vgName}`;
}

/** Removes a VG's brick mount directory if it is empty; a missing one is fine. */
export function removeVgMountDirArgs(vgName: string): string[] {
    return ["rm", "-d", "-f", vgMountDir(vgName)];
}

export function pvremoveArgs(path: string): string[] {
    return ["pvremove", "-qq", path];
}

export interface PvReportRow {
    pvName: string;
    /** null for a PV in no VG. */
    vgName: string | null;
    pvUuid: string;
}

/** Parses `pvs --reportformat json -o pv_name,vg_name,pv_uuid`. */
export function parsePvReport(json: string): PvReportRow[] {
    const rows = (JSON.parse(json) as { report?: Array<{ pv?: Array<Record<string, string>> }> }).report?.flatMap((report) => report.pv ?? []);
    if (!rows) {
        throw new Error(`pvs printed no report: ${json.trim().slice(0, 200)}`);
    }
    return rows.map((row) => ({ pvName: row.pv_name ?? "", vgName: row.vg_name ? row.vg_name : null, pvUuid: row.pv_uuid ?? "" }));
}

export interface DeviceSignature {
    /** e.g. "xfs", "gpt", "LVM2_member". */
    type: string;
    /** Byte offset as wipefs prints it, e.g. "0x0". */
    offset: string;
}

/** Parses `wipefs --json`; a device without signatures prints nothing or an empty list. */
export function parseSignatures(json: string): DeviceSignature[] {
    if (json.trim() === "") {
        return [];
    }
    const signatures = (JSON.parse(json) as { signatures?: Array<Record<string, unknown>> }).signatures;
    if (!Array.isArray(signatures)) {
        throw new Error(`wipefs printed no signature list: ${json.trim().slice(0, 200)}`);
    }
    return signatures.map((signature) => ({ type: String(signature.type ?? "unknown"), offset: String(signature.offset ?? "?") }));
}

/** The refusal for a device that holds something: names the node, the device, what was found and the fix. */
export function deviceHoldsDataMessage(nodeLabel: string, path: string, signatures: readonly DeviceSignature[]): string {
    const found = signatures.map((signature) => `${signature.type} at offset ${signature.offset}`).join(", ");
    return (
        `${nodeLabel}: device ${path} is not empty: wipefs found ${found}. ` +
        `Refusing to use it. If its contents may be destroyed, set destroyData: true on this device (it then runs 'wipefs --all ${path}'); ` +
        "otherwise list another device"
    );
}

/** LVM's complaint about a VG that does not exist (exit code 5). */
export function isVgNotFound(stderr: string): boolean {
    return /Volume group "[^"]+" not found/.test(stderr);
}
