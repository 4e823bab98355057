import assert from "node:assert/strict";
import { formatSize, GiB, KiB, LVM_EXTENT_BYTES, MiB, parseSize, SizeError, TiB, roundUpToExtent, toKiB } from "./sizes";

describe("parseSize", () => {
    it("reads binary suffixes as powers of 1024", () => {
        assert.equal(parseSize("10Gi"), 10 * GiB);
        assert.equal(parseSize("512Mi"), 512 * MiB);
        assert.equal(parseSize("1Ti"), TiB);
        assert.equal(parseSize("4Ki"), 4096);
    });

    it("reads decimal suffixes as powers of 1000, like Kubernetes", () => {
        assert.equal(parseSize("10G"), 10_000_000_000);
        assert.equal(parseSize("500M"), 500_000_000);
        assert.equal(parseSize("2k"), 2000);
    });

    it("reads a plain number, string or not, as bytes", () => {
        assert.equal(parseSize("1048576"), MiB);
        assert.equal(parseSize(4096), 4096);
        assert.equal(parseSize(" 2Gi "), 2 * GiB);
    });

    it("reads fractions exactly and rounds partial bytes up", () => {
        assert.equal(parseSize("1.5Gi"), 1.5 * GiB);
        assert.equal(parseSize("0.1Gi"), 107374183); // 107374182.4 rounded up
        assert.equal(parseSize("1.1Ki"), 1127); // 1126.4 rounded up
    });

    it("names the field and shows the accepted form", () => {
        assert.throws(() => parseSize("10 GB"), {
            name: "SizeError",
            message: "size: '10 GB' is not a size; use e.g. '10Gi' or '500Mi'",
        });
        assert.throws(() => parseSize("10GB", "spec.size"), {
            message: "spec.size: '10GB' is not a size; use e.g. '10Gi' or '500Mi' ('Gi' = 2^30 bytes, 'G' = 10^9 bytes; 'GB' is not a unit)",
        });
        assert.throws(() => parseSize("10K"), /'K' is not a unit/);
        assert.throws(() => parseSize(""), /size: '' is not a size/);
        assert.throws(() => parseSize("-1Gi"), SizeError);
        assert.throws(() => parseSize("1e9"), SizeError);
    });

    it("rejects numbers that are not whole, non-negative bytes", () => {
        assert.throws(() => parseSize(1.5, "minBrickSize"), {
            message: "minBrickSize: 1.5 is not a whole, non-negative number of bytes; use e.g. '10Gi' or '500Mi'",
        });
        assert.throws(() => parseSize(-1), SizeError);
        assert.throws(() => parseSize(Number.NaN), SizeError);
        assert.throws(() => parseSize("1.5"), { message: "size: '1.5' is not a whole number of bytes; use e.g. '10Gi' or '500Mi'" });
    });

    it("rejects sizes beyond what a number holds exactly", () => {
        assert.throws(() => parseSize("16Ei"), { message: "size: '16Ei' is too large" });
    });
});

describe("formatSize", () => {
    it("uses the largest binary unit the size reaches", () => {
        assert.equal(formatSize(10 * GiB), "10Gi");
        assert.equal(formatSize(512 * MiB), "512Mi");
        assert.equal(formatSize(2 * TiB), "2Ti");
        assert.equal(formatSize(1536), "1.5Ki");
        assert.equal(formatSize(500), "500");
        assert.equal(formatSize(0), "0");
    });

    it("keeps two decimals for sizes that are not whole units", () => {
        assert.equal(formatSize(6.25 * GiB), "6.25Gi");
        assert.equal(formatSize(10_000_000_000), "9.31Gi");
    });

    it("round-trips exact sizes through parseSize", () => {
        for (const bytes of [0, 1, 4 * KiB, 300 * MiB, 251.25 * GiB, 4 * TiB]) {
            assert.equal(parseSize(formatSize(bytes)), bytes);
        }
    });
});

describe("LVM rounding", () => {
    it("rounds up to whole 4 MiB extents", () => {
        assert.equal(LVM_EXTENT_BYTES, 4 * MiB);
        assert.equal(roundUpToExtent(1), 4 * MiB);
        assert.equal(roundUpToExtent(4 * MiB), 4 * MiB);
        assert.equal(roundUpToExtent(4 * MiB + 1), 8 * MiB);
        assert.equal(roundUpToExtent(0), 0);
        assert.equal(roundUpToExtent(5 * MiB, MiB), 5 * MiB);
    });

    it("converts to whole KiB, rounding up", () => {
        assert.equal(toKiB(250 * GiB), 262144000);
        assert.equal(toKiB(1), 1);
        assert.equal(toKiB(2048), 2);
    });
});
