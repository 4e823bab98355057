// LVM report commands (vgs/lvs/pvs) with JSON output in plain bytes, and
// parsers that turn LVM's all-string report values into numbers.

const REPORT_OPTIONS = ["--reportformat", "json", "--units", "b", "--nosuffix"] as const;

const VG_FIELDS = ["vg_name", "vg_size", "vg_free", "pv_count", "lv_count"] as const;
const LV_FIELDS = ["lv_name", "vg_name", "lv_size", "pool_lv", "data_percent", "thin_count", "lv_attr", "lv_metadata_size", "lv_tags"] as const;
const PV_FIELDS = ["pv_name", "vg_name", "pv_size", "pv_free", "dev_size"] as const;

/** argv for `vgs`, limited to the named volume groups when any are given. */
export function vgsArgs(vgNames: readonly string[] = [], options: ReportOptions = {}): string[] {
    return ["vgs", ...reportOptions(options), "-o", VG_FIELDS.join(","), ...vgNames];
}

/** argv for `lvs`; selectors are VG names or VG/LV paths. */
export function lvsArgs(selectors: readonly string[] = [], options: ReportOptions = {}): string[] {
    return ["lvs", ...reportOptions(options), "-o", LV_FIELDS.join(","), ...selectors];
}

export interface ReportOptions {
    /**
     * Read the last committed metadata without waiting for LVM's locks (`--readonly`): a report
     * that must not queue behind other commands' lvcreates, and whose caller accounts for them.
     */
    readonly withoutLocks?: boolean;
    /** Only the rows LVM's selection criteria pick (`--select`, e.g. "lv_name=a || pool_lv=a"). */
    readonly select?: string;
}

const reportOptions = (options: ReportOptions) => [...(options.withoutLocks ? ["--readonly"] : []), ...REPORT_OPTIONS, ...(options.select === undefined ? [] : ["--select", options.select])];

/** argv for `pvs`, limited to the named devices when any are given. */
export function pvsArgs(devices: readonly string[] = []): string[] {
    return ["pvs", ...REPORT_OPTIONS, "-o", PV_FIELDS.join(","), ...devices];
}

export interface VolumeGroup {
    vgName: string;
    vgSize: number;
    vgFree: number;
    pvCount: number;
    lvCount: number;
}

export interface LogicalVolume {
    lvName: string;
    vgName: string;
    lvSize: number;
    /** The thin pool a thin volume lives in; null for other volumes. */
    poolLv: string | null;
    /** Percent of data space used (thin pools and thin volumes); null where LVM reports none. */
    dataPercent: number | null;
    /** Number of thin volumes in a thin pool; null for other volumes. */
    thinCount: number | null;
    lvAttr: string;
    /** Metadata size of a thin pool; null for other volumes. */
    lvMetadataSize: number | null;
    /** LVM tags (`--addtag`); a brick's thin pool carries its volume's owner tag. */
    tags: string[];
}

export interface PhysicalVolume {
    pvName: string;
    /** null for a PV that belongs to no volume group. */
    vgName: string | null;
    pvSize: number;
    pvFree: number;
    devSize: number;
}

/** A report that is not what the builders above ask LVM for. */
export class LvmReportError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "LvmReportError";
    }
}

type ReportRow = Record<string, unknown>;

export function parseVgs(json: string): VolumeGroup[] {
    return reportRows(json, "vg").map((row) => ({
        vgName: requiredText(row, "vg_name"),
        vgSize: integer(row, "vg_size"),
        vgFree: integer(row, "vg_free"),
        pvCount: integer(row, "pv_count"),
        lvCount: integer(row, "lv_count"),
    }));
}

export function parseLvs(json: string): LogicalVolume[] {
    return reportRows(json, "lv").map((row) => ({
        lvName: requiredText(row, "lv_name"),
        vgName: requiredText(row, "vg_name"),
        lvSize: integer(row, "lv_size"),
        poolLv: optionalText(row, "pool_lv"),
        dataPercent: optionalNumber(row, "data_percent", DECIMAL),
        thinCount: optionalNumber(row, "thin_count", INTEGER),
        lvAttr: requiredText(row, "lv_attr"),
        lvMetadataSize: optionalNumber(row, "lv_metadata_size", INTEGER),
        tags: (optionalText(row, "lv_tags") ?? "").split(",").filter(Boolean),
    }));
}

export function parsePvs(json: string): PhysicalVolume[] {
    return reportRows(json, "pv").map((row) => ({
        pvName: requiredText(row, "pv_name"),
        vgName: optionalText(row, "vg_name"),
        pvSize: integer(row, "pv_size"),
        pvFree: integer(row, "pv_free"),
        devSize: integer(row, "dev_size"),
    }));
}

const INTEGER = /^\d+$/;
const DECIMAL = /^\d+(\.\d+)?$/;

function reportRows(json: string, kind: "vg" | "lv" | "pv"): ReportRow[] {
    let document: unknown;
    try {
        document = JSON.parse(json);
    } catch (error) {
        throw new LvmReportError(`LVM printed invalid JSON for its ${kind} report: ${(error as Error).message}`);
    }
    const reports = (document as { report?: unknown } | null)?.report;
    if (!Array.isArray(reports)) {
        throw new LvmReportError(`LVM output has no "report" array for its ${kind} report`);
    }
    // One report object per command; the rows are under the report's kind.
    return reports.flatMap((report: unknown) => {
        const rows = (report as Record<string, unknown> | null)?.[kind];
        if (!Array.isArray(rows)) {
            throw new LvmReportError(`LVM report has no "${kind}" rows`);
        }
        return rows as ReportRow[];
    });
}

function rawValue(row: ReportRow, field: string): string {
    const value = row[field];
    // The json format prints strings; json_std prints numbers. Accept both.
    if (typeof value === "string") {
        return value.trim();
    }
    if (typeof value === "number") {
        return String(value);
    }
    throw new LvmReportError(`LVM report row lacks field ${field} (ask for it with -o)`);
}

function requiredText(row: ReportRow, field: string): string {
    const value = rawValue(row, field);
    if (value === "") {
        throw new LvmReportError(`LVM report field ${field} is empty`);
    }
    return value;
}

function optionalText(row: ReportRow, field: string): string | null {
    const value = rawValue(row, field);
    return value === "" ? null : value;
}

function integer(row: ReportRow, field: string): number {
    const value = rawValue(row, field);
    if (!INTEGER.test(value)) {
        throw new LvmReportError(`LVM report field ${field} is not a plain integer: "${value}" (was --units b --nosuffix given?)`);
    }
    const number = Number(value);
    if (!Number.isSafeInteger(number)) {
        throw new LvmReportError(`LVM report field ${field} is too large to represent exactly: ${value}`);
    }
    return number;
}

function optionalNumber(row: ReportRow, field: string, format: RegExp): number | null {
    const value = rawValue(row, field);
    if (value === "") {
        return null;
    }
    if (!format.test(value)) {
        throw new LvmReportError(`LVM report field ${field} is not numeric: "${value}"`);
    }
    return Number(value);
}
