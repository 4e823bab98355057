// What one brick costs on its device. Every brick gets its own thin pool (as heketi does):
// the pool holds the brick's thin LV and, with a snapshot factor above 1, its snapshots.

import { roundUpToExtent } from "../sizes";
import { ARBITER_BYTES_PER_FILE, MAX_POOL_METADATA_BYTES, POOL_METADATA_RATIO, XFS_MIN_BYTES } from "./limits";

export interface BrickLayout {
    /** Virtual size of the thin LV (the XFS). */
    sizeBytes: number;
    poolBytes: number;
    poolMetadataBytes: number;
}

/** Pool = brick × snapshot factor; metadata = 0.5% of the pool, at most 16 GiB; all in whole extents. */
export function brickLayout(brickSizeBytes: number, snapshotFactor: number): BrickLayout {
    const sizeBytes = roundUpToExtent(brickSizeBytes);
    const poolBytes = roundUpToExtent(Math.ceil(sizeBytes * snapshotFactor));
    const poolMetadataBytes = roundUpToExtent(Math.min(Math.ceil(poolBytes * POOL_METADATA_RATIO), MAX_POOL_METADATA_BYTES));
    return { sizeBytes, poolBytes, poolMetadataBytes };
}

/**
 * VG space a new brick takes: its pool and pool metadata, plus what the VG's metadata
 * spare (lvol0_pmspare) grows by. LVM keeps one spare per VG as large as the largest pool
 * metadata LV in it, so only a pool with larger metadata than the spare grows it.
 * heketi counted pool + metadata alone and could come up one spare short on a full VG.
 */
export function deviceBytesForBrick(layout: BrickLayout, metadataSpareBytes: number): number {
    return layout.poolBytes + layout.poolMetadataBytes + spareGrowth(layout, metadataSpareBytes);
}

/** The VG's metadata spare once this brick's pool exists. */
export function metadataSpareAfter(layout: BrickLayout, metadataSpareBytes: number): number {
    return metadataSpareBytes + spareGrowth(layout, metadataSpareBytes);
}

function spareGrowth(layout: BrickLayout, metadataSpareBytes: number): number {
    return Math.max(0, layout.poolMetadataBytes - metadataSpareBytes);
}

/**
 * An arbiter brick holds only metadata: 4 KiB per expected file (data brick ÷ average file
 * size), never below what mkfs.xfs accepts and never above the data brick itself.
 * heketi used 1 KiB per file with a 16 MiB floor; both are too small today.
 */
export function arbiterBrickSize(dataBrickBytes: number, averageFileSizeBytes: number): number {
    const expectedFiles = Math.ceil(dataBrickBytes / averageFileSizeBytes);
    const wanted = Math.max(expectedFiles * ARBITER_BYTES_PER_FILE, XFS_MIN_BYTES);
    return roundUpToExtent(Math.min(wanted, dataBrickBytes));
}
