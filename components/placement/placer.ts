// Brick placement as heketi did it: try one set of full-size bricks, then smaller bricks in
// more sets; place each set by walking the device ring from a per-set start point, never
// putting two bricks of a set on one node (or, with strict zones, in one zone).

import { describeFailure } from "../checks";
import { formatSize } from "../sizes";
import { arbiterBrickSize, brickLayout, deviceBytesForBrick, metadataSpareAfter, type BrickLayout } from "./brick-space";
import { brickSizeCandidates, type BrickSizeCandidate, type SizingLimit } from "./brick-sizing";
import { bricksPerSet, dataBricksPerSet, describeDurability, hasArbiter } from "./durability";
import { PlacementError } from "./errors";
import { DEFAULT_AVERAGE_FILE_SIZE_BYTES, DEFAULT_PLACEMENT_LIMITS, DEFAULT_SNAPSHOT_FACTOR } from "./limits";
import { buildDeviceRing, ringFrom, ringStartIndex, type RingEntry } from "./ring";
import { ARBITER_TAG, canHoldArbiterBrick, canHoldDataBrick, carriesTags, deviceKey, inventoryProblems, isReservedForArbiters } from "./inventory";
import type { BrickSet, ExistingBrick, Inventory, InventoryNode, Placement, PlacementLimits, PlacementRequest, PlacedBrick } from "./types";
import { validatePlacementLimits, validatePlacementRequest } from "./validation";

/** The request with defaults applied and the numbers placement keeps asking for. */
interface Plan {
    request: PlacementRequest;
    describe: string;
    setSize: number;
    withArbiter: boolean;
    snapshotFactor: number;
    averageFileSizeBytes: number;
    strictZones: boolean;
    deviceTags: Record<string, string>;
    /** Set numbers continue after the volume's existing sets, so new sets start elsewhere. */
    firstSetNumber: number;
}

/** Position of the arbiter in a replica 3 set: gluster makes the 3rd brick the arbiter. */
const ARBITER_POSITION = 2;

/**
 * Places the bricks of a new volume (or of an expansion, given `existingBricks`) on `inventory`.
 * Deterministic: the same inventory and request give the same placement.
 * Throws PlacementError, naming the volume and what to change, when no layout fits.
 */
export function placeBricks(inventory: Inventory, request: PlacementRequest, limits: PlacementLimits = DEFAULT_PLACEMENT_LIMITS): Placement {
    const invalid = [...validatePlacementRequest(request), ...validatePlacementLimits(limits)];
    if (invalid.length > 0) {
        throw new PlacementError(request.volumeName, "invalid-request", invalid.map(describeFailure).join("; "));
    }
    const problems = inventoryProblems(inventory);
    if (problems.length > 0) {
        throw new PlacementError(request.volumeName, "invalid-topology", `the topology is unusable: ${problems.join("; ")}`);
    }
    const plan = makePlan(request);
    const usableNodes = inventory.nodes
        .map((node) => ({ ...node, devices: node.devices.filter((device) => carriesTags(device, plan.deviceTags)) }))
        .filter((node) => node.devices.length > 0);
    checkSetsCanSpread(usableNodes, plan);

    const existingBrickCount = request.existingBricks?.length ?? 0;
    const sizing = brickSizeCandidates(request.sizeBytes, plan.setSize, dataBricksPerSet(request.durability), existingBrickCount, limits);
    if (sizing.candidates.length === 0) {
        throw sizeOutOfRange(plan, sizing.endedBy, existingBrickCount, limits);
    }
    const ring = buildDeviceRing(usableNodes);
    let shortfall: Shortfall | undefined;
    for (const candidate of sizing.candidates) {
        const outcome = tryLayout(ring, plan, candidate);
        if (!("shortfall" in outcome)) {
            return outcome;
        }
        shortfall = outcome.shortfall;
    }
    throw noSpace(plan, shortfall!, usableNodes, sizing.endedBy, limits);
}

function makePlan(request: PlacementRequest): Plan {
    const setSize = bricksPerSet(request.durability);
    const existing = request.existingBricks ?? [];
    return {
        request,
        describe: describeDurability(request.durability),
        setSize,
        withArbiter: hasArbiter(request.durability),
        snapshotFactor: request.snapshotFactor ?? DEFAULT_SNAPSHOT_FACTOR,
        averageFileSizeBytes: request.averageFileSizeBytes ?? DEFAULT_AVERAGE_FILE_SIZE_BYTES,
        strictZones: request.zoneChecking === "strict",
        deviceTags: request.deviceTags ?? {},
        firstSetNumber: Math.floor(existing.length / setSize),
    };
}

/** The last layout tried and how far it got, for the error message. */
interface Shortfall {
    candidate: BrickSizeCandidate;
    setsPlaced: number;
    data: BrickLayout;
    arbiter?: BrickLayout;
}

interface DeviceSpace {
    freeBytes: number;
    metadataSpareBytes: number;
}

function tryLayout(ring: readonly RingEntry[], plan: Plan, candidate: BrickSizeCandidate): Placement | { shortfall: Shortfall } {
    const data = brickLayout(candidate.brickSizeBytes, plan.snapshotFactor);
    const arbiter = plan.withArbiter
        ? brickLayout(arbiterBrickSize(data.sizeBytes, plan.averageFileSizeBytes), plan.snapshotFactor)
        : undefined;
    // Space is tracked per attempt, so bricks placed earlier in this placement count.
    const space = new Map<string, DeviceSpace>(
        ring.map(({ node, device }) => [deviceKey(node.name, device.id), { freeBytes: device.freeBytes, metadataSpareBytes: device.metadataSpareBytes ?? 0 }]),
    );
    const volumeBricks = new VolumeBrickCounts(plan.request.existingBricks ?? []);
    const sets: BrickSet[] = [];
    for (let setIndex = 0; setIndex < candidate.setCount; setIndex++) {
        const seed = `${plan.request.volumeName}/${plan.firstSetNumber + setIndex}`;
        const walk = ringFrom(ring, ringStartIndex(seed, ring.length));
        // Nodes, then devices, with fewer bricks of this volume first (ring order among equals):
        // spreads the volume's load and risk; heketi relied on random start points alone.
        const ordered = walk
            .map((entry, index) => ({
                entry,
                index,
                onNode: volumeBricks.onNode(entry.node.name),
                onDevice: volumeBricks.onDevice(deviceKey(entry.node.name, entry.device.id)),
            }))
            .sort((a, b) => a.onNode - b.onNode || a.onDevice - b.onDevice || a.index - b.index)
            .map(({ entry }) => entry);
        const set = placeSet(ordered, plan, space, data, arbiter);
        if (set === undefined) {
            return { shortfall: { candidate, setsPlaced: setIndex, data, arbiter } };
        }
        set.bricks.forEach((brick) => volumeBricks.add(brick));
        sets.push(set);
    }
    return { brickSizeBytes: data.sizeBytes, sets };
}

/** How many bricks of this volume each node and device holds, existing ones included. */
class VolumeBrickCounts {
    private readonly perNode = new Map<string, number>();
    private readonly perDevice = new Map<string, number>();

    constructor(existing: readonly ExistingBrick[]) {
        existing.forEach((brick) => this.add(brick));
    }

    add(brick: ExistingBrick): void {
        this.perNode.set(brick.node, this.onNode(brick.node) + 1);
        const key = deviceKey(brick.node, brick.deviceId);
        this.perDevice.set(key, this.onDevice(key) + 1);
    }

    onNode(node: string): number {
        return this.perNode.get(node) ?? 0;
    }

    onDevice(key: string): number {
        return this.perDevice.get(key) ?? 0;
    }
}

function placeSet(
    ordered: readonly RingEntry[],
    plan: Plan,
    space: Map<string, DeviceSpace>,
    data: BrickLayout,
    arbiter: BrickLayout | undefined,
): BrickSet | undefined {
    const bricks: PlacedBrick[] = new Array<PlacedBrick>(plan.setSize);
    const usedNodes = new Set<string>();
    const usedZones = new Set<number>();
    // The arbiter goes first: fewer devices may take it, and data bricks must not use them up.
    const positions = [...Array(plan.setSize).keys()].sort((a, b) => Number(isArbiterAt(plan, b)) - Number(isArbiterAt(plan, a)));
    for (const position of positions) {
        const isArbiter = isArbiterAt(plan, position);
        const layout = isArbiter ? arbiter! : data;
        // Devices kept for arbiters are their best home; try them before shared ones.
        const candidates = isArbiter
            ? [...ordered.filter((entry) => isReservedForArbiters(entry.device)), ...ordered.filter((entry) => !isReservedForArbiters(entry.device))]
            : ordered;
        const chosen = candidates.find(({ node, device }) => {
            const deviceSpace = space.get(deviceKey(node.name, device.id))!;
            return (isArbiter ? canHoldArbiterBrick(device) : canHoldDataBrick(device))
                && !usedNodes.has(node.name)
                && !(plan.strictZones && usedZones.has(node.zone))
                && deviceBytesForBrick(layout, deviceSpace.metadataSpareBytes) <= deviceSpace.freeBytes;
        });
        if (chosen === undefined) {
            return undefined;
        }
        const { node, device } = chosen;
        const deviceSpace = space.get(deviceKey(node.name, device.id))!;
        deviceSpace.freeBytes -= deviceBytesForBrick(layout, deviceSpace.metadataSpareBytes);
        deviceSpace.metadataSpareBytes = metadataSpareAfter(layout, deviceSpace.metadataSpareBytes);
        usedNodes.add(node.name);
        usedZones.add(node.zone);
        bricks[position] = {
            node: node.name,
            zone: node.zone,
            storageHost: node.storageHost,
            deviceId: device.id,
            devicePath: device.path,
            sizeBytes: layout.sizeBytes,
            poolBytes: layout.poolBytes,
            poolMetadataBytes: layout.poolMetadataBytes,
            isArbiter,
        };
    }
    return { bricks };
}

function isArbiterAt(plan: Plan, position: number): boolean {
    return plan.withArbiter && position === ARBITER_POSITION;
}

/**
 * Fails early, with a specific message, when no brick size could help: too few nodes (or
 * zones, when strict) hold usable devices for a set. By Hall's theorem these counts suffice:
 * the data positions need that many distinct places for data, the arbiter one place for
 * arbiters, and the whole set as many places as it has bricks.
 */
function checkSetsCanSpread(usableNodes: readonly InventoryNode[], plan: Plan): void {
    const volumeName = plan.request.volumeName;
    const tagNote = Object.keys(plan.deviceTags).length > 0 ? ` carrying ${formatTags(plan.deviceTags)}` : "";
    if (usableNodes.length === 0) {
        const detail = tagNote ? `no device${tagNote}; tag devices or change deviceTags` : "the topology has no devices; add nodes with devices";
        throw new PlacementError(volumeName, "no-matching-devices", detail);
    }
    const arbiterNodes = usableNodes.filter((node) => node.devices.some(canHoldArbiterBrick));
    if (plan.withArbiter && arbiterNodes.length === 0) {
        throw new PlacementError(volumeName, "no-matching-devices", `no device${tagNote} may hold an arbiter brick (all are tagged ${ARBITER_TAG}=disabled); untag some or drop arbiter`);
    }
    const dataPositions = plan.setSize - (plan.withArbiter ? 1 : 0);
    const spreads: Array<{ unit: "nodes" | "zones"; of: (node: InventoryNode) => string }> = [{ unit: "nodes", of: (node) => node.name }];
    if (plan.strictZones) {
        spreads.push({ unit: "zones", of: (node) => `zone ${node.zone}` });
    }
    for (const { unit, of } of spreads) {
        const places = distinct(usableNodes.map(of));
        const dataPlaces = distinct(usableNodes.filter((node) => node.devices.some(canHoldDataBrick)).map(of));
        const short = places.length < plan.setSize
            ? { needed: plan.setSize, found: places, what: "" }
            : dataPlaces.length < dataPositions
                ? { needed: dataPositions, found: dataPlaces, what: " for data bricks" }
                : undefined;
        if (short !== undefined) {
            const { needed, found, what } = short;
            const rule = unit === "zones" ? "with zoneChecking 'strict' puts each brick of a set in its own zone" : "puts each brick of a set on its own node";
            const fix = unit === "zones" ? "add nodes in another zone or set zoneChecking: 'none'" : "add nodes or devices, or choose a durability with fewer bricks per set";
            throw new PlacementError(
                volumeName,
                unit === "zones" ? "not-enough-zones" : "not-enough-nodes",
                `${plan.describe} ${rule} and needs ${needed} ${unit}${what}; the usable devices${tagNote} are in ${found.length} (${found.join(", ")}); ${fix}`,
            );
        }
    }
}

function sizeOutOfRange(plan: Plan, endedBy: SizingLimit, existingBrickCount: number, limits: PlacementLimits): PlacementError {
    const { request, setSize } = plan;
    const dataBricks = dataBricksPerSet(request.durability);
    const requested = `${formatSize(request.sizeBytes)} as ${plan.describe}`;
    if (endedBy === "min-brick-size") {
        const smallest = limits.minBrickBytes * dataBricks;
        return new PlacementError(
            request.volumeName,
            "below-minimum-size",
            `${requested} is below the smallest such volume, ${formatSize(smallest)} (bricks are at least ${formatSize(limits.minBrickBytes)}); request at least ${formatSize(smallest)}`,
        );
    }
    const maxSets = Math.floor((limits.maxBricksPerVolume - existingBrickCount) / setSize);
    const largest = maxSets * dataBricks * limits.maxBrickBytes;
    const existingNote = existingBrickCount > 0 ? ` (${existingBrickCount} already used)` : "";
    const hint = maxSets > 0 ? `request at most ${formatSize(largest)}` : "create another volume instead";
    return new PlacementError(
        request.volumeName,
        "too-many-bricks",
        `${requested} needs more than the ${limits.maxBricksPerVolume} bricks a volume may have${existingNote} with bricks of at most ${formatSize(limits.maxBrickBytes)}; ${hint}`,
    );
}

function noSpace(plan: Plan, shortfall: Shortfall, usableNodes: readonly InventoryNode[], endedBy: SizingLimit, limits: PlacementLimits): PlacementError {
    const { candidate, setsPlaced, data, arbiter } = shortfall;
    const vgSpace = (layout: BrickLayout) => formatSize(deviceBytesForBrick(layout, 0));
    const dataCount = plan.setSize - (arbiter ? 1 : 0);
    const bricks = arbiter
        ? `${dataCount} data bricks of ${formatSize(data.sizeBytes)} (${vgSpace(data)} of VG space each) and an arbiter brick of ${formatSize(arbiter.sizeBytes)}`
        : `${plural(dataCount, "brick")} of ${formatSize(data.sizeBytes)} (${vgSpace(data)} of VG space each, with thin-pool metadata)`;
    const apart = plan.setSize === 1 ? "" : plan.strictZones ? " on different nodes in different zones" : " on different nodes";
    const sets = candidate.setCount === 1 ? `a set of ${bricks}${apart}` : `${candidate.setCount} sets of ${bricks}${apart}, but only ${setsPlaced} fit`;
    const limit = endedBy === "min-brick-size"
        ? `bricks below ${formatSize(limits.minBrickBytes)} are not made`
        : `smaller bricks would need more than the ${limits.maxBricksPerVolume} bricks a volume may have`;
    return new PlacementError(
        plan.request.volumeName,
        "no-space",
        `no space for ${formatSize(plan.request.sizeBytes)} as ${plan.describe}: needs ${sets}; largest free device per node: ${freeSpaceByNode(usableNodes)}; ${limit}. Free space on the devices, add devices or nodes, or request less`,
    );
}

const NODES_LISTED = 10;

/** "n1 120Gi (200Gi on 2 devices), n2 80Gi": what each node could offer one brick, and in all. */
function freeSpaceByNode(nodes: readonly InventoryNode[]): string {
    const listed = [...nodes].sort((a, b) => (a.name < b.name ? -1 : 1)).slice(0, NODES_LISTED).map((node) => {
        const free = node.devices.map((device) => device.freeBytes);
        const largest = formatSize(Math.max(...free));
        return free.length === 1 ? `${node.name} ${largest}` : `${node.name} ${largest} (${formatSize(free.reduce((a, b) => a + b, 0))} on ${free.length} devices)`;
    });
    const more = nodes.length > NODES_LISTED ? `, and ${nodes.length - NODES_LISTED} more` : "";
    return listed.join(", ") + more;
}

function formatTags(tags: Record<string, string>): string {
    return Object.entries(tags).map(([key, value]) => `${key}=${value}`).join(", ");
}

function distinct(values: readonly string[]): string[] {
    return [...new Set(values)];
}

function plural(count: number, noun: string): string {
    return count === 1 ? `1 ${noun}` : `${count} ${noun}s`;
}
