import assert from "node:assert/strict";
import { GiB } from "../sizes";
import { PlacementError } from "./errors";
import { placeReplacements, type PositionedBrick } from "./replacement";
import { uniformInventory } from "./testing/inventories";
import type { Inventory } from "./types";

const request = { volumeName: "web", zoneChecking: "none" as const };

function brick(node: number, device: number, setIndex: number, overrides: Partial<PositionedBrick> = {}): PositionedBrick {
    return { name: `10.0.0.${node}:/b${setIndex}`, node: `n${node}`, zone: node, deviceId: `vg_n${node}_d${device}`, setIndex, sizeBytes: 10 * GiB, isArbiter: false, ...overrides };
}

/** Inventory without the devices listed as "node/deviceId" (a removed or failed device). */
function without(inventory: Inventory, ...keys: string[]): Inventory {
    return { nodes: inventory.nodes.map((node) => ({ ...node, devices: node.devices.filter((device) => !keys.includes(`${node.name}/${device.id}`)) })) };
}

describe("placeReplacements: a new home for a brick that leaves its device", () => {
    it("stays on the node when the node has another device, away from the set's other nodes", () => {
        const inventory = without(uniformInventory({ nodes: 3, devicesPerNode: 2, deviceBytes: 100 * GiB }), "n1/vg_n1_d1");
        const [target] = placeReplacements(inventory, request, [brick(2, 1, 0), brick(3, 1, 0)], [brick(1, 1, 0)]);
        assert.deepEqual({ node: target.node, deviceId: target.deviceId, storageHost: target.storageHost, devicePath: target.devicePath }, { node: "n1", deviceId: "vg_n1_d2", storageHost: "10.0.0.1", devicePath: "/dev/vdc" });
        assert.equal(target.sizeBytes, 10 * GiB);
        assert.equal(target.poolBytes, 10 * GiB);
        assert.equal(target.isArbiter, false);
    });

    it("goes to the node without a brick of the set when its own node leaves", () => {
        const inventory = { nodes: uniformInventory({ nodes: 4, devicesPerNode: 1, deviceBytes: 100 * GiB }).nodes.filter((node) => node.name !== "n2") };
        const [target] = placeReplacements(inventory, request, [brick(1, 1, 0), brick(3, 1, 0)], [brick(2, 1, 0)]);
        assert.equal(target.node, "n4");
    });

    it("sizes the thin pool by the snapshot factor and keeps the arbiter flag and size", () => {
        const inventory = { nodes: uniformInventory({ nodes: 4, devicesPerNode: 1, deviceBytes: 100 * GiB }).nodes.filter((node) => node.name !== "n3") };
        const [target] = placeReplacements(inventory, { ...request, snapshotFactor: 2 }, [brick(1, 1, 0), brick(2, 1, 0)], [brick(3, 1, 0, { isArbiter: true, sizeBytes: GiB })]);
        assert.deepEqual({ node: target.node, sizeBytes: target.sizeBytes, poolBytes: target.poolBytes, isArbiter: target.isArbiter }, { node: "n4", sizeBytes: GiB, poolBytes: 2 * GiB, isArbiter: true });
    });

    it("counts bricks moved earlier as set members and as used space", () => {
        // n1 and n2 both leave; set 0 must end on two different nodes, and n3's 25Gi take one 20Gi pool only.
        const inventory = { nodes: uniformInventory({ nodes: 5, devicesPerNode: 1, deviceBytes: 25 * GiB }).nodes.filter((node) => node.name !== "n1" && node.name !== "n2") };
        const targets = placeReplacements(inventory, request, [brick(4, 1, 0, { sizeBytes: 20 * GiB })], [brick(1, 1, 0, { sizeBytes: 20 * GiB }), brick(2, 1, 0, { sizeBytes: 20 * GiB })]);
        assert.deepEqual(targets.map((target) => target.node).sort(), ["n3", "n5"]);
    });

    it("spreads: prefers a node holding fewer bricks of the volume", () => {
        const inventory = without(uniformInventory({ nodes: 4, devicesPerNode: 2, deviceBytes: 100 * GiB }), "n1/vg_n1_d1");
        // Set 1 already uses n4's devices twice over; n1's other device is the emptier node's.
        const staying = [brick(2, 1, 0), brick(3, 1, 0), brick(4, 1, 1), brick(4, 2, 2)];
        const [target] = placeReplacements(inventory, request, staying, [brick(1, 1, 0)]);
        assert.equal(target.node, "n1");
    });

    it("honours strict zones", () => {
        const inventory = { nodes: uniformInventory({ nodes: 6, devicesPerNode: 1, deviceBytes: 100 * GiB, zones: 3 }).nodes.filter((node) => node.name !== "n1") };
        // n4 shares zone 1 with n1; n5 and n6 are in the zones of the set's other bricks.
        const [target] = placeReplacements(inventory, { ...request, zoneChecking: "strict" }, [brick(2, 1, 0, { zone: 2 }), brick(3, 1, 0, { zone: 3 })], [brick(1, 1, 0, { zone: 1 })]);
        assert.equal(target.node, "n4");
    });

    it("says which brick cannot move and why, when no other node is left", () => {
        const inventory = { nodes: uniformInventory({ nodes: 3, devicesPerNode: 1, deviceBytes: 100 * GiB }).nodes.filter((node) => node.name !== "n3") };
        assert.throws(
            () => placeReplacements(inventory, request, [brick(1, 1, 0), brick(2, 1, 0)], [brick(3, 1, 0)]),
            (error: unknown) => {
                assert.ok(error instanceof PlacementError);
                assert.equal(error.reason, "not-enough-nodes");
                assert.equal(
                    error.message,
                    "volume 'web': brick 10.0.0.3:/b0 (set 0) cannot move off its device: no device qualifies: its set's other bricks are on n1 (zone 1), n2 (zone 2) and it needs another node " +
                        "(nodes with usable devices: n1, n2); add a device or a node, or free space, then run again; nothing was changed",
                );
                return true;
            },
        );
    });

    it("says how much room it needs when the candidates are full", () => {
        const inventory = { nodes: uniformInventory({ nodes: 4, devicesPerNode: 1, deviceBytes: 5 * GiB }).nodes.filter((node) => node.name !== "n3") };
        assert.throws(
            () => placeReplacements(inventory, request, [brick(1, 1, 0), brick(2, 1, 0)], [brick(3, 1, 0)]),
            (error: unknown) => error instanceof PlacementError && error.reason === "no-space" && /no device with 10\.1Gi of VG space free on another node: n4 \/dev\/vdb 5Gi free \(nodes with usable devices: n1, n2, n4\)/.test(error.message),
        );
    });
});
