// What wipefs finds on a block device, read without changing it: a device checks its disk is
// empty before taking it, and a volume whether a brick LV ever got a file system. Pure.

/** Lists the signatures (filesystems, partition tables, RAID or LVM labels) on a device, changing nothing. */
export function signatureProbeArgs(path: string): string[] {
    return ["wipefs", "--no-act", "--json", "--", path];
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
