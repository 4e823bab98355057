import { GiB, KiB, MiB, TiB } from "../sizes";
import type { PlacementLimits } from "./types";

/**
 * mkfs.xfs (xfsprogs >= 5.19) refuses data sections under 300 MiB, so no brick, arbiter
 * or data, can be smaller; heketi's 1 GiB minimum predates this and stays the default.
 */
export const XFS_MIN_BYTES = 300 * MiB;

/** heketi's limits: bricks of 1 GiB to 4 TiB, at most 32 bricks in a volume. */
export const DEFAULT_PLACEMENT_LIMITS: Readonly<PlacementLimits> = {
    minBrickBytes: GiB,
    maxBrickBytes: 4 * TiB,
    maxBricksPerVolume: 32,
};

/** heketi's assumed average file size, which sizes arbiter bricks. */
export const DEFAULT_AVERAGE_FILE_SIZE_BYTES = 64 * KiB;

/**
 * Space an arbiter brick needs per file: gluster's sizing guide asks 4 KiB (inode, xattrs,
 * directory entry). heketi reserved only 1 KiB per file, which fills arbiters early.
 */
export const ARBITER_BYTES_PER_FILE = 4 * KiB;

export const MIN_SNAPSHOT_FACTOR = 1;
export const MAX_SNAPSHOT_FACTOR = 100;
export const DEFAULT_SNAPSHOT_FACTOR = 1;

/** Thin pool metadata is 0.5% of the pool, capped at 16 GiB, as heketi sizes it. */
export const POOL_METADATA_RATIO = 0.005;
export const MAX_POOL_METADATA_BYTES = 16 * GiB;
