// Inventories for tests, shaped like heketi's test clusters: nodes × devices × size.

import type { Inventory, InventoryNode, Placement } from "../types";

export interface UniformInventoryShape {
    nodes: number;
    devicesPerNode: number;
    deviceBytes: number;
    /** Nodes go round-robin into this many zones (node i in zone i % zones + 1). */
    zones?: number;
}

/** Nodes n1..nN with devices vg_nI_dJ, all empty and untagged. */
export function uniformInventory(shape: UniformInventoryShape): Inventory {
    const nodes: InventoryNode[] = [];
    for (let n = 1; n <= shape.nodes; n++) {
        nodes.push({
            name: `n${n}`,
            zone: ((n - 1) % (shape.zones ?? 1)) + 1,
            storageHost: `10.0.0.${n}`,
            devices: Array.from({ length: shape.devicesPerNode }, (_, d) => ({
                id: `vg_n${n}_d${d + 1}`,
                path: `/dev/vd${String.fromCharCode(98 + d)}`,
                freeBytes: shape.deviceBytes,
                totalBytes: shape.deviceBytes,
                tags: {},
            })),
        });
    }
    return { nodes };
}

/**
 * VG space the placement takes on each device: every brick's pool and metadata, plus the
 * metadata spare LVM keeps as large as the largest metadata LV. Keyed "node/deviceId".
 */
export function bytesUsedPerDevice(placement: Placement): Map<string, number> {
    const pools = new Map<string, number>();
    const largestMetadata = new Map<string, number>();
    for (const brick of placement.sets.flatMap((set) => set.bricks)) {
        const key = `${brick.node}/${brick.deviceId}`;
        pools.set(key, (pools.get(key) ?? 0) + brick.poolBytes + brick.poolMetadataBytes);
        largestMetadata.set(key, Math.max(largestMetadata.get(key) ?? 0, brick.poolMetadataBytes));
    }
    return new Map([...pools].map(([key, bytes]) => [key, bytes + largestMetadata.get(key)!]));
}
