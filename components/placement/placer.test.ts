import assert from "node:assert/strict";
import { GiB, MiB, TiB } from "../sizes";
import { PlacementError, type PlacementFailureReason } from "./errors";
import { DEFAULT_PLACEMENT_LIMITS } from "./limits";
import { placeBricks } from "./placer";
import { bytesUsedPerDevice, uniformInventory } from "./testing/inventories";
import type { Inventory, Placement, PlacementRequest } from "./types";

function request(overrides: Partial<PlacementRequest>): PlacementRequest {
    return { volumeName: "vol1", sizeBytes: 10 * GiB, durability: { type: "replicate", replica: 2 }, zoneChecking: "none", ...overrides };
}

function placementError(reason: PlacementFailureReason, message: string) {
    return (error: unknown) => {
        assert.ok(error instanceof PlacementError, String(error));
        assert.equal(error.reason, reason);
        assert.equal(error.message, message);
        return true;
    };
}

const allBricks = (placement: Placement) => placement.sets.flatMap((set) => set.bricks);
const brickNodes = (placement: Placement) => placement.sets.map((set) => set.bricks.map((brick) => brick.node));

function assertSetsOnDistinctNodes(placement: Placement): void {
    for (const nodes of brickNodes(placement)) {
        assert.equal(new Set(nodes).size, nodes.length, `two bricks of a set share a node: ${nodes.join(", ")}`);
    }
}

/** No device gives out more than it had free, counting pools, metadata and the metadata spare. */
function assertNoDeviceOvercommitted(inventory: Inventory, placement: Placement): void {
    for (const [key, used] of bytesUsedPerDevice(placement)) {
        const [nodeName, deviceId] = key.split("/");
        const device = inventory.nodes.find((node) => node.name === nodeName)!.devices.find((d) => d.id === deviceId)!;
        assert.ok(used <= device.freeBytes, `${key} overcommitted: ${used} > ${device.freeBytes}`);
    }
}

describe("placeBricks: heketi's acceptance scenarios", () => {
    it("1x4x4x500Gi, 250Gi replica 2: exactly 2 equal bricks on different nodes", () => {
        const placement = placeBricks(uniformInventory({ nodes: 4, devicesPerNode: 4, deviceBytes: 500 * GiB }), request({ sizeBytes: 250 * GiB }));
        assert.equal(placement.brickSizeBytes, 250 * GiB);
        assert.equal(placement.sets.length, 1);
        const bricks = placement.sets[0].bricks;
        assert.equal(bricks.length, 2);
        for (const brick of bricks) {
            assert.deepEqual(
                { sizeBytes: brick.sizeBytes, poolBytes: brick.poolBytes, poolMetadataBytes: brick.poolMetadataBytes, isArbiter: brick.isArbiter },
                { sizeBytes: 250 * GiB, poolBytes: 250 * GiB, poolMetadataBytes: 1280 * MiB, isArbiter: false },
            );
            assert.equal(brick.storageHost, `10.0.0.${brick.node.slice(1)}`);
            assert.equal(brick.deviceId.startsWith(`vg_${brick.node}_`), true);
        }
        assertSetsOnDistinctNodes(placement);
    });

    it("1x10x10x500Gi, 2000Gi replica 2: 16 bricks of 250Gi, as 500Gi bricks do not fit with their metadata", () => {
        const inventory = uniformInventory({ nodes: 10, devicesPerNode: 10, deviceBytes: 500 * GiB });
        const placement = placeBricks(inventory, request({ sizeBytes: 2000 * GiB }));
        assert.equal(placement.brickSizeBytes, 250 * GiB);
        assert.equal(placement.sets.length, 8);
        assert.deepEqual(allBricks(placement).map((brick) => brick.sizeBytes), Array(16).fill(250 * GiB));
        assertSetsOnDistinctNodes(placement);
        // Two 250Gi bricks need 2 × 251.25Gi + a 1.25Gi spare: one brick per device.
        assert.equal(bytesUsedPerDevice(placement).size, 16);
        // Spread over the cluster: no node holds more than its share of 2.
        const perNode = new Map<string, number>();
        allBricks(placement).forEach((brick) => perNode.set(brick.node, (perNode.get(brick.node) ?? 0) + 1));
        assert.ok(Math.max(...perNode.values()) <= 2, JSON.stringify([...perNode]));
    });

    it("1x2x4x10Gi, 100Gi replica 2: no space, explained", () => {
        assert.throws(
            () => placeBricks(uniformInventory({ nodes: 2, devicesPerNode: 4, deviceBytes: 10 * GiB }), request({ sizeBytes: 100 * GiB })),
            placementError(
                "no-space",
                "volume 'vol1': no space for 100Gi as replicate 2: needs 16 sets of 2 bricks of 6.25Gi (6.31Gi of VG space each, with thin-pool metadata)"
                    + " on different nodes, but only 4 fit; largest free device per node: n1 10Gi (40Gi on 4 devices), n2 10Gi (40Gi on 4 devices);"
                    + " smaller bricks would need more than the 32 bricks a volume may have. Free space on the devices, add devices or nodes, or request less",
            ),
        );
    });

    it("2 zones, 3 nodes: replica 3 fits without zone checking and fails clearly with strict", () => {
        const inventory = uniformInventory({ nodes: 3, devicesPerNode: 1, deviceBytes: 100 * GiB, zones: 2 });
        const replica3 = { durability: { type: "replicate", replica: 3 } } as const;
        const placement = placeBricks(inventory, request({ ...replica3, zoneChecking: "none" }));
        assert.deepEqual(brickNodes(placement).map((nodes) => [...nodes].sort()), [["n1", "n2", "n3"]]);
        assert.throws(
            () => placeBricks(inventory, request({ ...replica3, zoneChecking: "strict" })),
            placementError(
                "not-enough-zones",
                "volume 'vol1': replicate 3 with zoneChecking 'strict' puts each brick of a set in its own zone and needs 3 zones;"
                    + " the usable devices are in 2 (zone 1, zone 2); add nodes in another zone or set zoneChecking: 'none'",
            ),
        );
    });

    it("strict zones put each brick of a set in its own zone", () => {
        const inventory = uniformInventory({ nodes: 6, devicesPerNode: 2, deviceBytes: 20 * GiB, zones: 3 });
        const placement = placeBricks(inventory, request({ sizeBytes: 30 * GiB, durability: { type: "replicate", replica: 3 }, zoneChecking: "strict" }));
        assert.equal(placement.sets.length, 2);
        for (const set of placement.sets) {
            assert.deepEqual(set.bricks.map((brick) => brick.zone).sort(), [1, 2, 3]);
        }
    });
});

describe("placeBricks: durability layouts", () => {
    it("disperse 4+2 across 6 nodes: one brick per node, each a quarter of the data", () => {
        const placement = placeBricks(
            uniformInventory({ nodes: 6, devicesPerNode: 2, deviceBytes: 100 * GiB }),
            request({ sizeBytes: 40 * GiB, durability: { type: "disperse", data: 4, redundancy: 2 } }),
        );
        assert.equal(placement.brickSizeBytes, 10 * GiB);
        assert.equal(placement.sets.length, 1);
        assert.deepEqual([...brickNodes(placement)[0]].sort(), ["n1", "n2", "n3", "n4", "n5", "n6"]);
        assert.deepEqual(allBricks(placement).map((brick) => brick.sizeBytes), Array(6).fill(10 * GiB));
    });

    it("no redundancy: single-brick sets, which may share a node", () => {
        const placement = placeBricks(uniformInventory({ nodes: 1, devicesPerNode: 2, deviceBytes: 10 * GiB }), request({ sizeBytes: 16 * GiB, durability: { type: "none" } }));
        assert.equal(placement.brickSizeBytes, 8 * GiB);
        assert.deepEqual(placement.sets.map((set) => set.bricks.map((brick) => brick.deviceId)).sort(), [["vg_n1_d1"], ["vg_n1_d2"]]);
    });

    it("arbiter: two full data bricks, then a small arbiter brick, on three nodes", () => {
        const placement = placeBricks(
            uniformInventory({ nodes: 3, devicesPerNode: 1, deviceBytes: 200 * GiB }),
            request({ sizeBytes: 100 * GiB, durability: { type: "replicate", replica: 3, arbiter: true } }),
        );
        assert.equal(placement.brickSizeBytes, 100 * GiB);
        const bricks = placement.sets[0].bricks;
        assert.deepEqual(bricks.map(({ sizeBytes, poolBytes, poolMetadataBytes, isArbiter }) => ({ sizeBytes, poolBytes, poolMetadataBytes, isArbiter })), [
            { sizeBytes: 100 * GiB, poolBytes: 100 * GiB, poolMetadataBytes: 512 * MiB, isArbiter: false },
            { sizeBytes: 100 * GiB, poolBytes: 100 * GiB, poolMetadataBytes: 512 * MiB, isArbiter: false },
            // 100Gi / 64Ki files × 4Ki
            { sizeBytes: 6.25 * GiB, poolBytes: 6.25 * GiB, poolMetadataBytes: 32 * MiB, isArbiter: true },
        ]);
        assertSetsOnDistinctNodes(placement);
    });

    it("arbiter: sized by the average file size", () => {
        const placement = placeBricks(
            uniformInventory({ nodes: 3, devicesPerNode: 1, deviceBytes: 200 * GiB }),
            request({ sizeBytes: 100 * GiB, durability: { type: "replicate", replica: 3, arbiter: true }, averageFileSizeBytes: MiB }),
        );
        assert.equal(placement.sets[0].bricks[2].sizeBytes, 400 * MiB);
    });

    it("arbiter: goes to devices kept for arbiters, never to devices that refuse them", () => {
        const inventory = uniformInventory({ nodes: 4, devicesPerNode: 1, deviceBytes: 50 * GiB });
        inventory.nodes[0].devices[0].tags = { arbiter: "disabled" };
        inventory.nodes[3].devices[0].tags = { arbiter: "required" };
        for (let i = 0; i < 10; i++) {
            const placement = placeBricks(inventory, request({ volumeName: `arb-${i}`, durability: { type: "replicate", replica: 3, arbiter: true } }));
            const [first, second, arbiter] = placement.sets[0].bricks;
            assert.equal(arbiter.node, "n4");
            assert.equal(arbiter.isArbiter, true);
            assert.deepEqual([first.isArbiter, second.isArbiter], [false, false]);
            assert.ok(first.node !== "n4" && second.node !== "n4" && first.node !== second.node, `${first.node}, ${second.node}`);
        }
    });

    it("arbiter: fails clearly when every device refuses arbiters", () => {
        const inventory = uniformInventory({ nodes: 3, devicesPerNode: 1, deviceBytes: 50 * GiB });
        inventory.nodes.forEach((node) => (node.devices[0].tags = { arbiter: "disabled" }));
        assert.throws(
            () => placeBricks(inventory, request({ durability: { type: "replicate", replica: 3, arbiter: true } })),
            placementError("no-matching-devices", "volume 'vol1': no device may hold an arbiter brick (all are tagged arbiter=disabled); untag some or drop arbiter"),
        );
    });

    it("devices kept for arbiters take no data bricks of other volumes", () => {
        const inventory = uniformInventory({ nodes: 3, devicesPerNode: 1, deviceBytes: 50 * GiB });
        inventory.nodes[2].devices[0].tags = { arbiter: "required" };
        assert.throws(
            () => placeBricks(inventory, request({ durability: { type: "replicate", replica: 3 } })),
            placementError(
                "not-enough-nodes",
                "volume 'vol1': replicate 3 puts each brick of a set on its own node and needs 3 nodes for data bricks;"
                    + " the usable devices are in 2 (n1, n2); add nodes or devices, or choose a durability with fewer bricks per set",
            ),
        );
    });
});

describe("placeBricks: device tags", () => {
    function taggedInventory(): Inventory {
        const inventory = uniformInventory({ nodes: 4, devicesPerNode: 2, deviceBytes: 100 * GiB });
        inventory.nodes.forEach((node) => (node.devices[0].tags = { disk: "ssd" }));
        inventory.nodes[0].devices[0].tags = { disk: "ssd", tier: "gold" };
        inventory.nodes[1].devices[0].tags = { disk: "ssd", tier: "gold" };
        return inventory;
    }

    it("uses only devices carrying every requested tag", () => {
        const ssd = placeBricks(taggedInventory(), request({ sizeBytes: 40 * GiB, deviceTags: { disk: "ssd" } }));
        assert.equal(ssd.brickSizeBytes, 40 * GiB);
        assert.ok(allBricks(ssd).every((brick) => brick.deviceId.endsWith("_d1")));
        const gold = placeBricks(taggedInventory(), request({ deviceTags: { disk: "ssd", tier: "gold" } }));
        assert.deepEqual(allBricks(gold).map((brick) => brick.deviceId).sort(), ["vg_n1_d1", "vg_n2_d1"]);
    });

    it("names the tags when too few devices carry them", () => {
        assert.throws(
            () => placeBricks(taggedInventory(), request({ deviceTags: { disk: "nvme" } })),
            placementError("no-matching-devices", "volume 'vol1': no device carrying disk=nvme; tag devices or change deviceTags"),
        );
        assert.throws(
            () => placeBricks(taggedInventory(), request({ durability: { type: "replicate", replica: 3 }, deviceTags: { tier: "gold", disk: "ssd" } })),
            placementError(
                "not-enough-nodes",
                "volume 'vol1': replicate 3 puts each brick of a set on its own node and needs 3 nodes; the usable devices carrying tier=gold, disk=ssd"
                    + " are in 2 (n1, n2); add nodes or devices, or choose a durability with fewer bricks per set",
            ),
        );
    });
});

describe("placeBricks: determinism", () => {
    it("gives the same placement for the same input and leaves the input alone", () => {
        const inventory = uniformInventory({ nodes: 5, devicesPerNode: 3, deviceBytes: 30 * GiB, zones: 2 });
        const before = structuredClone(inventory);
        const input = request({ sizeBytes: 100 * GiB, durability: { type: "replicate", replica: 3 } });
        const first = placeBricks(inventory, input);
        assert.deepEqual(placeBricks(inventory, input), first);
        assert.deepEqual(placeBricks(structuredClone(inventory), structuredClone(input)), first);
        assert.deepEqual(inventory, before);
    });

    it("does not depend on the order nodes and devices are listed in", () => {
        const inventory = uniformInventory({ nodes: 5, devicesPerNode: 3, deviceBytes: 30 * GiB, zones: 2 });
        const reversed: Inventory = { nodes: [...inventory.nodes].reverse().map((node) => ({ ...node, devices: [...node.devices].reverse() })) };
        const input = request({ sizeBytes: 60 * GiB });
        assert.deepEqual(placeBricks(reversed, input), placeBricks(inventory, input));
    });

    it("starts different volumes at different points of the ring", () => {
        const inventory = uniformInventory({ nodes: 8, devicesPerNode: 1, deviceBytes: 100 * GiB });
        const firstNodes = new Set(
            Array.from({ length: 24 }, (_, i) => placeBricks(inventory, request({ volumeName: `pvc-${i}`, durability: { type: "none" } })).sets[0].bricks[0].node),
        );
        assert.ok(firstNodes.size >= 6, `only ${firstNodes.size} of 8 nodes ever chosen`);
    });
});

describe("placeBricks: space accounting within one placement", () => {
    it("counts earlier bricks and the shared metadata spare: two 6Gi bricks fill a 12384Mi device exactly", () => {
        const inventory = uniformInventory({ nodes: 3, devicesPerNode: 1, deviceBytes: 12384 * MiB });
        const placement = placeBricks(inventory, request({ sizeBytes: 12 * GiB, durability: { type: "replicate", replica: 3 } }));
        assert.equal(placement.brickSizeBytes, 6 * GiB);
        assert.equal(placement.sets.length, 2);
        // 2 × (6144Mi pool + 32Mi metadata) + 32Mi spare
        assert.deepEqual([...bytesUsedPerDevice(placement).values()], Array(3).fill(12384 * MiB));
    });

    it("halves again when 4Mi short: 4 sets of 3Gi", () => {
        const inventory = uniformInventory({ nodes: 3, devicesPerNode: 1, deviceBytes: 12380 * MiB });
        const placement = placeBricks(inventory, request({ sizeBytes: 12 * GiB, durability: { type: "replicate", replica: 3 } }));
        assert.equal(placement.brickSizeBytes, 3 * GiB);
        assert.equal(placement.sets.length, 4);
        assert.deepEqual([...bytesUsedPerDevice(placement).values()], Array(3).fill(4 * (3072 + 16) * MiB + 16 * MiB));
    });

    it("never overcommits a device across many sets on uneven devices", () => {
        const inventory = uniformInventory({ nodes: 4, devicesPerNode: 2, deviceBytes: 40 * GiB });
        const freeGiB = [7, 13, 29, 11, 5, 17, 23, 9];
        inventory.nodes.flatMap((node) => node.devices).forEach((device, i) => (device.freeBytes = freeGiB[i] * GiB));
        for (const [sizeGiB, replica] of [[40, 2], [24, 3], [32, 2], [20, 3], [60, 1]]) {
            const placement = placeBricks(inventory, request({ volumeName: `v${sizeGiB}-${replica}`, sizeBytes: sizeGiB * GiB, durability: { type: "replicate", replica } }));
            assertNoDeviceOvercommitted(inventory, placement);
            assertSetsOnDistinctNodes(placement);
            assert.ok(placement.sets.length * placement.brickSizeBytes >= sizeGiB * GiB);
            // Only meaningful if bricks had to share devices.
            assert.ok(bytesUsedPerDevice(placement).size < allBricks(placement).length);
        }
    });

    it("counts a metadata spare the VG already has", () => {
        const inventory = uniformInventory({ nodes: 1, devicesPerNode: 1, deviceBytes: 250 * GiB + 1280 * MiB });
        const none = request({ sizeBytes: 250 * GiB, durability: { type: "none" } });
        inventory.nodes[0].devices[0].metadataSpareBytes = 2 * GiB;
        assert.equal(placeBricks(inventory, none).brickSizeBytes, 250 * GiB);
        delete inventory.nodes[0].devices[0].metadataSpareBytes;
        assert.throws(() => placeBricks(inventory, none), (error: unknown) => error instanceof PlacementError && error.reason === "no-space");
    });
});

describe("placeBricks: brick size and count limits", () => {
    const inventory = uniformInventory({ nodes: 4, devicesPerNode: 1, deviceBytes: 20 * TiB });

    it("refuses volumes below the smallest brick", () => {
        assert.throws(
            () => placeBricks(inventory, request({ sizeBytes: 512 * MiB })),
            placementError("below-minimum-size", "volume 'vol1': 512Mi as replicate 2 is below the smallest such volume, 1Gi (bricks are at least 1Gi); request at least 1Gi"),
        );
        assert.throws(
            () => placeBricks(uniformInventory({ nodes: 6, devicesPerNode: 1, deviceBytes: 10 * GiB }), request({ sizeBytes: 3 * GiB, durability: { type: "disperse", data: 4, redundancy: 2 } })),
            placementError("below-minimum-size", "volume 'vol1': 3Gi as disperse 4+2 is below the smallest such volume, 4Gi (bricks are at least 1Gi); request at least 4Gi"),
        );
    });

    it("takes smaller bricks when the minimum is lowered, down to what mkfs.xfs accepts", () => {
        const limits = { ...DEFAULT_PLACEMENT_LIMITS, minBrickBytes: 300 * MiB };
        const placement = placeBricks(inventory, request({ sizeBytes: 500 * MiB }), limits);
        assert.equal(placement.brickSizeBytes, 500 * MiB);
        assert.throws(
            () => placeBricks(inventory, request({}), { ...DEFAULT_PLACEMENT_LIMITS, minBrickBytes: 100 * MiB }),
            placementError("invalid-request", "volume 'vol1': limits.minBrickBytes: 100Mi is below 300Mi, the smallest XFS mkfs.xfs creates"),
        );
    });

    it("keeps bricks at or below 4Ti by starting with more sets", () => {
        const placement = placeBricks(inventory, request({ sizeBytes: 10 * TiB }));
        assert.equal(placement.brickSizeBytes, 2.5 * TiB);
        assert.equal(placement.sets.length, 4);
        assertSetsOnDistinctNodes(placement);
    });

    it("refuses volumes that need more than 32 bricks", () => {
        assert.throws(
            () => placeBricks(inventory, request({ sizeBytes: 200 * TiB })),
            placementError("too-many-bricks", "volume 'vol1': 200Ti as replicate 2 needs more than the 32 bricks a volume may have with bricks of at most 4Ti; request at most 64Ti"),
        );
    });

    it("counts an expanding volume's existing bricks", () => {
        const existing = Array.from({ length: 32 }, (_, i) => ({ node: `n${(i % 4) + 1}`, deviceId: `vg_n${(i % 4) + 1}_d1` }));
        assert.throws(
            () => placeBricks(inventory, request({ existingBricks: existing })),
            placementError(
                "too-many-bricks",
                "volume 'vol1': 10Gi as replicate 2 needs more than the 32 bricks a volume may have (32 already used) with bricks of at most 4Ti; create another volume instead",
            ),
        );
        const placement = placeBricks(inventory, request({ existingBricks: existing.slice(0, 30) }));
        assert.equal(placement.sets.length, 1);
    });

    it("puts an expansion's bricks beside the volume's existing ones, not on them", () => {
        const small = uniformInventory({ nodes: 4, devicesPerNode: 1, deviceBytes: 100 * GiB });
        const existingBricks = [{ node: "n1", deviceId: "vg_n1_d1" }, { node: "n2", deviceId: "vg_n2_d1" }];
        const placement = placeBricks(small, request({ existingBricks }));
        assert.deepEqual([...brickNodes(placement)[0]].sort(), ["n3", "n4"]);
    });
});

describe("placeBricks: bad input", () => {
    it("reports every problem of the request", () => {
        assert.throws(
            () => placeBricks(uniformInventory({ nodes: 2, devicesPerNode: 1, deviceBytes: 10 * GiB }), request({ durability: { type: "replicate", replica: 4 }, snapshotFactor: 200 })),
            placementError(
                "invalid-request",
                "volume 'vol1': durability.replica: 4 is not supported; use 1, 2 or 3;"
                    + " snapshotFactor: 200 is out of range; use 1 (no snapshots) to 100 (thin pool size as a multiple of the brick size)",
            ),
        );
    });

    it("reports an inconsistent inventory", () => {
        const inventory = uniformInventory({ nodes: 2, devicesPerNode: 1, deviceBytes: 10 * GiB });
        inventory.nodes[1].name = "n1";
        inventory.nodes[0].zone = 0;
        inventory.nodes[0].devices[0].freeBytes = 20 * GiB;
        assert.throws(
            () => placeBricks(inventory, request({})),
            placementError(
                "invalid-topology",
                "volume 'vol1': the topology is unusable: node 'n1': zone 0 is not a whole number >= 1; node 'n1' device 'vg_n1_d1': freeBytes exceeds totalBytes; node 'n1' is listed twice",
            ),
        );
    });

    it("reports an empty inventory", () => {
        assert.throws(
            () => placeBricks({ nodes: [] }, request({})),
            placementError("no-matching-devices", "volume 'vol1': the topology has no devices; add nodes with devices"),
        );
    });

    it("applies the snapshot factor to every pool", () => {
        const placement = placeBricks(uniformInventory({ nodes: 2, devicesPerNode: 1, deviceBytes: 100 * GiB }), request({ snapshotFactor: 2 }));
        assert.deepEqual(allBricks(placement).map((brick) => [brick.sizeBytes, brick.poolBytes, brick.poolMetadataBytes]), Array(2).fill([10 * GiB, 20 * GiB, 104 * MiB]));
    });
});
