// Where a brick goes when it has to leave its device (the device is removed or failed, or its
// node is retired): a device that keeps its set apart (own node; own zone when strict), may take
// its kind of brick (arbiter tag), and has room for the brick's own thin pool. Pure.

import { formatSize } from "../sizes";
import { brickLayout, deviceBytesForBrick, metadataSpareAfter } from "./brick-space";
import { PlacementError } from "./errors";
import { DEFAULT_SNAPSHOT_FACTOR } from "./limits";
import { canHoldArbiterBrick, canHoldDataBrick, carriesTags, deviceKey, isReservedForArbiters } from "./inventory";
import type { Inventory, InventoryDevice, InventoryNode, PlacedBrick, ZoneChecking } from "./types";

/** A brick of the volume where it is now; `zone` comes from the cluster, not from the live view. */
export interface PositionedBrick {
    /** "host:/path", for messages. */
    name: string;
    node: string;
    zone: number;
    deviceId: string;
    setIndex: number;
    /** Virtual size of the brick's thin LV: the replacement gets the same. */
    sizeBytes: number;
    isArbiter: boolean;
}

export interface ReplacementRequest {
    volumeName: string;
    snapshotFactor?: number;
    zoneChecking: ZoneChecking;
    /** Only devices carrying all of these tags are used. */
    deviceTags?: Record<string, string>;
}

/**
 * A new place for each brick in `moving` (same order), given the volume's bricks that stay.
 * Bricks moved earlier in the list count as set members and use space for later ones.
 * Throws PlacementError naming the brick and what to change when one has nowhere to go.
 */
export function placeReplacements(inventory: Inventory, request: ReplacementRequest, staying: readonly PositionedBrick[], moving: readonly PositionedBrick[]): PlacedBrick[] {
    const snapshotFactor = request.snapshotFactor ?? DEFAULT_SNAPSHOT_FACTOR;
    const strictZones = request.zoneChecking === "strict";
    const space = new Map<string, { freeBytes: number; metadataSpareBytes: number }>(
        inventory.nodes.flatMap((node) => node.devices.map((device) => [deviceKey(node.name, device.id), { freeBytes: device.freeBytes, metadataSpareBytes: device.metadataSpareBytes ?? 0 }] as const)),
    );
    const placed: Array<{ node: string; zone: number; deviceId: string; setIndex: number }> = [...staying];
    return moving.map((brick) => {
        const layout = brickLayout(brick.sizeBytes, snapshotFactor);
        const setMembers = placed.filter((other) => other.setIndex === brick.setIndex);
        const candidates = inventory.nodes.flatMap((node) => node.devices.map((device) => ({ node, device })))
            .filter(({ device }) => carriesTags(device, request.deviceTags ?? {}))
            .filter(({ device }) => (brick.isArbiter ? canHoldArbiterBrick(device) : canHoldDataBrick(device)))
            .filter(({ node }) => !setMembers.some((other) => other.node === node.name))
            .filter(({ node }) => !(strictZones && setMembers.some((other) => other.zone === node.zone)));
        const roomy = candidates.filter(({ node, device }) => {
            const deviceSpace = space.get(deviceKey(node.name, device.id))!;
            return deviceBytesForBrick(layout, deviceSpace.metadataSpareBytes) <= deviceSpace.freeBytes;
        });
        const onNode = (name: string) => placed.filter((other) => other.node === name).length;
        const onDevice = (name: string, id: string) => placed.filter((other) => other.node === name && other.deviceId === id).length;
        const chosen = [...roomy].sort((a, b) =>
            // An arbiter's best home is a device kept for arbiters; then spread the volume, then free space.
            (brick.isArbiter ? Number(isReservedForArbiters(b.device)) - Number(isReservedForArbiters(a.device)) : 0)
            || onNode(a.node.name) - onNode(b.node.name)
            || onDevice(a.node.name, a.device.id) - onDevice(b.node.name, b.device.id)
            || b.device.freeBytes - a.device.freeBytes
            || compare(a.node.name, b.node.name)
            || compare(a.device.id, b.device.id))[0];
        if (chosen === undefined) {
            throw nowhereToGo(request, brick, layout, setMembers, candidates, inventory, strictZones);
        }
        const { node, device } = chosen;
        const deviceSpace = space.get(deviceKey(node.name, device.id))!;
        deviceSpace.freeBytes -= deviceBytesForBrick(layout, deviceSpace.metadataSpareBytes);
        deviceSpace.metadataSpareBytes = metadataSpareAfter(layout, deviceSpace.metadataSpareBytes);
        placed.push({ node: node.name, zone: node.zone, deviceId: device.id, setIndex: brick.setIndex });
        return {
            node: node.name,
            zone: node.zone,
            storageHost: node.storageHost,
            deviceId: device.id,
            devicePath: device.path,
            ...layout,
            isArbiter: brick.isArbiter,
        };
    });
}

function nowhereToGo(
    request: ReplacementRequest,
    brick: PositionedBrick,
    layout: ReturnType<typeof brickLayout>,
    setMembers: ReadonlyArray<{ node: string; zone: number }>,
    candidates: ReadonlyArray<{ node: InventoryNode; device: InventoryDevice }>,
    inventory: Inventory,
    strictZones: boolean,
): PlacementError {
    const needs = `${formatSize(deviceBytesForBrick(layout, 0))} of VG space`;
    const kind = brick.isArbiter ? "arbiter brick" : "brick";
    const apart = strictZones
        ? `its set's other bricks are on ${describeNodes(setMembers)} and zoneChecking 'strict' needs another node in another zone`
        : `its set's other bricks are on ${describeNodes(setMembers)} and it needs another node`;
    const detail = candidates.length === 0
        ? `no device qualifies: ${apart}${request.deviceTags && Object.keys(request.deviceTags).length > 0 ? " with the required tags" : ""}`
        : `no device with ${needs} free on another node: ${candidates.map(({ node, device }) => `${node.name} ${device.path} ${formatSize(device.freeBytes)} free`).join(", ")}`;
    const nodes = inventory.nodes.filter((node) => node.devices.length > 0).map((node) => node.name);
    return new PlacementError(
        request.volumeName,
        candidates.length === 0 ? "not-enough-nodes" : "no-space",
        `${kind} ${brick.name} (set ${brick.setIndex}) cannot move off its device: ${detail} (nodes with usable devices: ${nodes.join(", ") || "none"}); ` +
            "add a device or a node, or free space, then run again; nothing was changed",
    );
}

function describeNodes(members: ReadonlyArray<{ node: string; zone: number }>): string {
    return members.length === 0 ? "no other node" : members.map((member) => `${member.node} (zone ${member.zone})`).join(", ");
}

function compare(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}
