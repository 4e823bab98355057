// Inventory sanity checks and the device filters placement applies.

import type { Inventory, InventoryDevice, InventoryNode } from "./types";

/** Problems that make an inventory unusable, e.g. a node listed twice. Empty when sound. */
export function inventoryProblems(inventory: Inventory): string[] {
    const problems: string[] = [];
    const names = new Set<string>();
    for (const node of inventory.nodes) {
        if (!node.name) {
            problems.push("a node has no name");
        } else if (names.has(node.name)) {
            problems.push(`node '${node.name}' is listed twice`);
        }
        names.add(node.name);
        if (!Number.isInteger(node.zone) || node.zone < 1) {
            problems.push(`node '${node.name}': zone ${node.zone} is not a whole number >= 1`);
        }
        if (!node.storageHost) {
            problems.push(`node '${node.name}' has no storageHost`);
        }
        problems.push(...deviceProblems(node));
    }
    return problems;
}

function deviceProblems(node: InventoryNode): string[] {
    const problems: string[] = [];
    const ids = new Set<string>();
    for (const device of node.devices) {
        const where = `node '${node.name}' device '${device.id}'`;
        if (!device.id) {
            problems.push(`node '${node.name}' has a device without an id`);
        } else if (ids.has(device.id)) {
            problems.push(`${where} is listed twice`);
        }
        ids.add(device.id);
        const sizes: Array<[string, number]> = [
            ["freeBytes", device.freeBytes],
            ["totalBytes", device.totalBytes],
            ["metadataSpareBytes", device.metadataSpareBytes ?? 0],
        ];
        for (const [field, value] of sizes) {
            if (!Number.isSafeInteger(value) || value < 0) {
                problems.push(`${where}: ${field} ${value} is not a whole, non-negative number of bytes`);
            }
        }
        if (device.freeBytes > device.totalBytes) {
            problems.push(`${where}: freeBytes exceeds totalBytes`);
        }
    }
    return problems;
}

/** Nodes and devices share device ids (VG names may repeat across hosts); this key does not. */
export function deviceKey(nodeName: string, deviceId: string): string {
    return `${nodeName}/${deviceId}`;
}

export function carriesTags(device: InventoryDevice, wanted: Record<string, string>): boolean {
    return Object.entries(wanted).every(([key, value]) => device.tags[key] === value);
}

/**
 * heketi's arbiter tag: "supported" (the default) takes any brick, "required" only arbiter
 * bricks, "disabled" no arbiter bricks. heketi honoured it only for arbiter volumes; a device
 * kept for arbiters here takes no data bricks of any volume.
 */
export const ARBITER_TAG = "arbiter";

export function canHoldDataBrick(device: InventoryDevice): boolean {
    return device.tags[ARBITER_TAG] !== "required";
}

export function canHoldArbiterBrick(device: InventoryDevice): boolean {
    return device.tags[ARBITER_TAG] !== "disabled";
}

export function isReservedForArbiters(device: InventoryDevice): boolean {
    return device.tags[ARBITER_TAG] === "required";
}
