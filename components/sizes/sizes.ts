// Byte sizes as users write them (Kubernetes quantity style) and as LVM wants them.
//
// Suffixes follow Kubernetes: "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" are powers of 1024;
// "k", "M", "G", "T", "P", "E" are powers of 1000; a bare number is bytes.

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;
export const TiB = 1024 * GiB;
export const PiB = 1024 * TiB;

/** heketi creates every VG with `--physicalextentsize=4M`; LVM rounds LV sizes up to it. */
export const LVM_EXTENT_BYTES = 4 * MiB;

const MULTIPLIERS: Readonly<Record<string, bigint>> = {
    "": 1n,
    k: 10n ** 3n,
    M: 10n ** 6n,
    G: 10n ** 9n,
    T: 10n ** 12n,
    P: 10n ** 15n,
    E: 10n ** 18n,
    Ki: 2n ** 10n,
    Mi: 2n ** 20n,
    Gi: 2n ** 30n,
    Ti: 2n ** 40n,
    Pi: 2n ** 50n,
    Ei: 2n ** 60n,
};

const QUANTITY = /^(\d+)(?:\.(\d+))?([a-zA-Z]*)$/;
const EXAMPLES = "use e.g. '10Gi' or '500Mi'";

/** A size that cannot be read; the message names the field and shows the accepted form. */
export class SizeError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "SizeError";
    }
}

/**
 * Bytes in `input`: "10Gi" (10 × 2^30), "10G" (10 × 10^9), "1.5Ti", or a whole number of bytes.
 * Fractions that do not come out as whole bytes round up, as Kubernetes does.
 * `field` names the input in error messages.
 */
export function parseSize(input: string | number, field = "size"): number {
    if (typeof input === "number") {
        if (!Number.isSafeInteger(input) || input < 0) {
            throw new SizeError(`${field}: ${input} is not a whole, non-negative number of bytes; ${EXAMPLES}`);
        }
        return input;
    }
    if (typeof input !== "string") {
        throw new SizeError(`${field}: expected a size such as '10Gi', got ${typeof input}`);
    }
    const text = input.trim();
    const match = QUANTITY.exec(text);
    const multiplier = match ? MULTIPLIERS[match[3]] : undefined;
    if (!match || multiplier === undefined) {
        throw new SizeError(`${field}: '${input}' is not a size; ${EXAMPLES}${unitHint(match?.[3])}`);
    }
    const [, whole, fraction = "", unit] = match;
    if (unit === "" && fraction !== "") {
        throw new SizeError(`${field}: '${input}' is not a whole number of bytes; ${EXAMPLES}`);
    }
    // Exact arithmetic: "1.1Gi" must not pick up binary floating-point error.
    const scale = 10n ** BigInt(fraction.length);
    const bytes = (BigInt(whole + fraction) * multiplier + scale - 1n) / scale;
    if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) {
        throw new SizeError(`${field}: '${input}' is too large`);
    }
    return Number(bytes);
}

// The common mistakes get a word on what the suffixes mean.
function unitHint(unit: string | undefined): string {
    if (unit === undefined || unit === "") {
        return "";
    }
    return ` ('Gi' = 2^30 bytes, 'G' = 10^9 bytes; '${unit}' is not a unit)`;
}

const BINARY_UNITS: ReadonlyArray<readonly [string, number]> = [
    ["Pi", PiB],
    ["Ti", TiB],
    ["Gi", GiB],
    ["Mi", MiB],
    ["Ki", KiB],
];

/**
 * `bytes` for messages, in the largest binary unit it reaches: "10Gi", "6.25Gi", "512Mi".
 * Exact values print exactly (and parse back with parseSize); others show two decimals at most.
 */
export function formatSize(bytes: number): string {
    for (const [unit, unitBytes] of BINARY_UNITS) {
        if (bytes >= unitBytes) {
            const value = bytes / unitBytes;
            return `${Number.isInteger(value) ? value : Number(value.toFixed(2))}${unit}`;
        }
    }
    return String(bytes);
}

/** `bytes` rounded up to whole LVM extents: the size LVM actually allocates. */
export function roundUpToExtent(bytes: number, extentBytes = LVM_EXTENT_BYTES): number {
    return Math.ceil(bytes / extentBytes) * extentBytes;
}

/** Whole KiB, rounded up, for lvcreate's `--size <n>K` style arguments. */
export function toKiB(bytes: number): number {
    return Math.ceil(bytes / KiB);
}
