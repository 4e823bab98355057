// The inputs and the result of brick placement. Sizes are bytes throughout.

/** One device of an inventory node: its VG and the space free in it now. */
export interface InventoryDevice {
    /** Stable id, unique on its node, e.g. the VG name "vg_<...>". */
    id: string;
    /** Block device path, e.g. "/dev/sdb" or a /dev/disk/by-id link. */
    path: string;
    /** Bytes free in the VG now, read live from the host. */
    freeBytes: number;
    totalBytes: number;
    tags: Record<string, string>;
    /**
     * Size of the VG's thin-pool metadata spare (lvol0_pmspare) now, 0 when it has none.
     * Omitted means 0, which is safe: it can only overestimate what a new pool needs.
     */
    metadataSpareBytes?: number;
}

/** One node of an inventory, with the devices that can take bricks. */
export interface InventoryNode {
    name: string;
    /** Failure domain, >= 1. */
    zone: number;
    /** Address gluster uses for this node's bricks. */
    storageHost: string;
    devices: InventoryDevice[];
}

/**
 * What the hosts have free now: placement's input, read live from the hosts
 * (ClusterAccess.liveInventory); not the cluster's declared shape (ClusterTopology).
 */
export interface Inventory {
    nodes: InventoryNode[];
}

export type Durability =
    | { type: "replicate"; replica: number; arbiter?: boolean }
    | { type: "disperse"; data: number; redundancy: number }
    | { type: "none" };

export type ZoneChecking = "none" | "strict";

/** A brick the volume already has; expansion counts it and spreads new bricks away from it. */
export interface ExistingBrick {
    node: string;
    deviceId: string;
}

export interface PlacementRequest {
    /** The volume name; also the seed that makes placement deterministic. */
    volumeName: string;
    /** Usable size wanted (for expansion: the size to add). */
    sizeBytes: number;
    durability: Durability;
    /** Thin pool size as a multiple of the brick size, room for snapshots. 1..100, default 1. */
    snapshotFactor?: number;
    zoneChecking: ZoneChecking;
    /** Only devices carrying all of these tags are used. */
    deviceTags?: Record<string, string>;
    /** Sizes arbiter bricks; default 64 KiB as in heketi. */
    averageFileSizeBytes?: number;
    existingBricks?: ExistingBrick[];
}

/** Bounds on brick size and count; see DEFAULT_PLACEMENT_LIMITS. */
export interface PlacementLimits {
    minBrickBytes: number;
    maxBrickBytes: number;
    maxBricksPerVolume: number;
}

export interface PlacedBrick {
    node: string;
    zone: number;
    storageHost: string;
    deviceId: string;
    devicePath: string;
    /** Virtual size of the thin LV that holds the brick's XFS. */
    sizeBytes: number;
    /** Size of the brick's own thin pool (brick size × snapshot factor). */
    poolBytes: number;
    poolMetadataBytes: number;
    isArbiter: boolean;
}

/** One replica or disperse set, bricks in gluster's order (an arbiter is last). */
export interface BrickSet {
    bricks: PlacedBrick[];
}

export interface Placement {
    /** Size of each data brick. */
    brickSizeBytes: number;
    sets: BrickSet[];
}
