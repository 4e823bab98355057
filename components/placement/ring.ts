// heketi's "simple allocator ring": all devices in one list where neighbours come from
// different zones, then different nodes, so walking it from any point spreads a set's
// bricks. Unlike heketi (Go map order, random UUIDs) the order and the start points here
// are deterministic: the same inventory and volume give the same placement.

import { createHash } from "node:crypto";
import type { InventoryDevice, InventoryNode } from "./types";

export interface RingEntry {
    node: InventoryNode;
    device: InventoryDevice;
}

/**
 * Round-robin over zones (ascending); within a zone, round-robin over its nodes (by name);
 * each visit takes the node's next device (by id).
 */
export function buildDeviceRing(nodes: readonly InventoryNode[]): RingEntry[] {
    const zones = new Map<number, RingEntry[][]>();
    for (const node of [...nodes].sort((a, b) => compareText(a.name, b.name))) {
        const devices = [...node.devices].sort((a, b) => compareText(a.id, b.id)).map((device) => ({ node, device }));
        if (devices.length > 0) {
            zones.set(node.zone, [...(zones.get(node.zone) ?? []), devices]);
        }
    }
    const pending = [...zones.entries()].sort(([a], [b]) => a - b).map(([, zoneNodes]) => ({ nodes: zoneNodes, next: 0 }));
    const ring: RingEntry[] = [];
    while (pending.length > 0) {
        for (let z = 0; z < pending.length; z++) {
            const zone = pending[z];
            const devices = zone.nodes[zone.next];
            ring.push(devices.shift()!);
            if (devices.length === 0) {
                zone.nodes.splice(zone.next, 1);
            } else {
                zone.next++;
            }
            if (zone.next >= zone.nodes.length) {
                zone.next = 0;
            }
            if (zone.nodes.length === 0) {
                pending.splice(z--, 1);
            }
        }
    }
    return ring;
}

/** A pseudo-random but reproducible start position for `seed` (volume name and set index). */
export function ringStartIndex(seed: string, ringLength: number): number {
    const digest = createHash("sha256").update(seed).digest();
    return digest.readUIntBE(0, 6) % ringLength;
}

/** The ring walked once around from `start`. */
export function ringFrom<T>(ring: readonly T[], start: number): T[] {
    return [...ring.slice(start), ...ring.slice(0, start)];
}

// Code-point order, so the result does not depend on the host's locale.
function compareText(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}
