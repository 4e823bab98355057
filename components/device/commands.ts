// LVM and wipefs commands for a gluster device (heketi's exact forms), and pure readings of their
// output. The device path is a user's value: "--" goes before it for wipefs and sync; `test` reads
// no "--" and LVM keeps heketi's forms, both safe as validateDevicePath lets only absolute paths in.
import { createHash } from "node:crypto";
import { vgMountDir, type DeviceSignature } from "../access";

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
