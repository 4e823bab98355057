import assert from "node:assert/strict";
import { GiB, MiB, TiB } from "../sizes";
import { arbiterBrickSize, brickLayout, deviceBytesForBrick, metadataSpareAfter } from "./brick-space";
import { brickSizeCandidates } from "./brick-sizing";
import { DEFAULT_PLACEMENT_LIMITS } from "./limits";

describe("brickLayout", () => {
    it("gives each brick a pool of its size and 0.5% of that as metadata", () => {
        assert.deepEqual(brickLayout(250 * GiB, 1), { sizeBytes: 250 * GiB, poolBytes: 250 * GiB, poolMetadataBytes: 1280 * MiB });
    });

    it("scales the pool by the snapshot factor and rounds up to 4 MiB extents", () => {
        // 15 GiB × 0.5% = 76.8 MiB -> 80 MiB
        assert.deepEqual(brickLayout(10 * GiB, 1.5), { sizeBytes: 10 * GiB, poolBytes: 15 * GiB, poolMetadataBytes: 80 * MiB });
        assert.deepEqual(brickLayout(GiB + 1, 1), { sizeBytes: GiB + 4 * MiB, poolBytes: GiB + 4 * MiB, poolMetadataBytes: 8 * MiB });
    });

    it("caps pool metadata at 16 GiB", () => {
        assert.equal(brickLayout(4 * TiB, 1).poolMetadataBytes, 16 * GiB);
    });
});

describe("deviceBytesForBrick", () => {
    const layout = brickLayout(250 * GiB, 1);

    it("counts pool, metadata and a metadata spare of the same size on a VG without one", () => {
        assert.equal(deviceBytesForBrick(layout, 0), 250 * GiB + 2 * 1280 * MiB);
        assert.equal(metadataSpareAfter(layout, 0), 1280 * MiB);
    });

    it("counts only the spare's growth when the VG already has a spare", () => {
        assert.equal(deviceBytesForBrick(layout, 1024 * MiB), 250 * GiB + 1280 * MiB + 256 * MiB);
        assert.equal(deviceBytesForBrick(layout, 2 * GiB), 250 * GiB + 1280 * MiB);
        assert.equal(metadataSpareAfter(layout, 2 * GiB), 2 * GiB);
    });
});

describe("arbiterBrickSize", () => {
    it("reserves 4 KiB per expected file", () => {
        // 100 GiB of 64 KiB files = 1638400 files × 4 KiB
        assert.equal(arbiterBrickSize(100 * GiB, 64 * 1024), 6.25 * GiB);
    });

    it("never goes below the 300 MiB mkfs.xfs accepts", () => {
        assert.equal(arbiterBrickSize(GiB, 64 * 1024), 300 * MiB);
    });

    it("never exceeds the data brick", () => {
        assert.equal(arbiterBrickSize(10 * GiB, 1024), 10 * GiB);
    });
});

describe("brickSizeCandidates", () => {
    it("halves the brick and doubles the sets until the brick count limit", () => {
        const { candidates, endedBy } = brickSizeCandidates(2000 * GiB, 2, 1, 0, DEFAULT_PLACEMENT_LIMITS);
        assert.deepEqual(candidates.map((c) => [c.setCount, c.brickSizeBytes / GiB]), [[1, 2000], [2, 1000], [4, 500], [8, 250], [16, 125]]);
        assert.equal(endedBy, "max-brick-count");
    });

    it("splits a disperse set's share over its data bricks and stops at the minimum brick", () => {
        const { candidates, endedBy } = brickSizeCandidates(8 * GiB, 6, 4, 0, DEFAULT_PLACEMENT_LIMITS);
        assert.deepEqual(candidates.map((c) => [c.setCount, c.brickSizeBytes / GiB]), [[1, 2], [2, 1]]);
        assert.equal(endedBy, "min-brick-size");
    });

    it("skips bricks above the maximum, starting from more sets", () => {
        const { candidates } = brickSizeCandidates(10 * TiB, 2, 1, 0, DEFAULT_PLACEMENT_LIMITS);
        assert.deepEqual(candidates[0], { setCount: 4, brickSizeBytes: 2.5 * TiB });
    });

    it("counts the volume's existing bricks against the limit", () => {
        const { candidates, endedBy } = brickSizeCandidates(100 * GiB, 2, 1, 28, DEFAULT_PLACEMENT_LIMITS);
        assert.deepEqual(candidates.map((c) => c.setCount), [1, 2]);
        assert.equal(endedBy, "max-brick-count");
    });

    it("rounds bricks up to whole extents so the volume is never short", () => {
        const { candidates } = brickSizeCandidates(3 * GiB, 1, 1, 0, DEFAULT_PLACEMENT_LIMITS);
        assert.deepEqual(candidates.map((c) => c.brickSizeBytes), [3 * GiB, 1.5 * GiB]);
        assert.equal(brickSizeCandidates(GiB + 1, 1, 1, 0, DEFAULT_PLACEMENT_LIMITS).candidates[0].brickSizeBytes, GiB + 4 * MiB);
    });
});
