import assert from "node:assert/strict";
import { buildDeviceRing, ringFrom, ringStartIndex } from "./ring";
import type { InventoryNode } from "./types";

function node(name: string, zone: number, deviceIds: string[]): InventoryNode {
    return {
        name,
        zone,
        storageHost: name,
        devices: deviceIds.map((id) => ({ id, path: `/dev/${id}`, freeBytes: 1, totalBytes: 1, tags: {} })),
    };
}

describe("buildDeviceRing", () => {
    it("alternates zones, then nodes within a zone, taking each node's devices in turn", () => {
        const ring = buildDeviceRing([node("b", 1, ["b1"]), node("c", 2, ["c1"]), node("a", 1, ["a2", "a1"])]);
        assert.deepEqual(ring.map(({ device }) => device.id), ["a1", "c1", "b1", "a2"]);
    });

    it("interleaves nodes of one zone so neighbours are on different nodes", () => {
        const ring = buildDeviceRing([node("n1", 1, ["x1", "x2"]), node("n2", 1, ["y1", "y2"]), node("n3", 1, ["z1", "z2"])]);
        assert.deepEqual(ring.map(({ node }) => node.name), ["n1", "n2", "n3", "n1", "n2", "n3"]);
    });

    it("does not depend on the order nodes and devices are listed in", () => {
        const nodes = [node("n1", 1, ["d1", "d2"]), node("n2", 2, ["d1"]), node("n3", 1, ["d3"])];
        const ids = (list: InventoryNode[]) => buildDeviceRing(list).map(({ node, device }) => `${node.name}/${device.id}`);
        assert.deepEqual(ids([...nodes].reverse()), ids(nodes));
    });

    it("skips nodes without devices", () => {
        assert.deepEqual(buildDeviceRing([node("n1", 1, []), node("n2", 1, ["d"])]).map(({ node }) => node.name), ["n2"]);
    });
});

describe("ringStartIndex and ringFrom", () => {
    it("gives the same start for the same seed, inside the ring", () => {
        assert.equal(ringStartIndex("vol/0", 100), ringStartIndex("vol/0", 100));
        for (const seed of ["a", "b", "vol/0", "vol/1"]) {
            const index = ringStartIndex(seed, 7);
            assert.ok(Number.isInteger(index) && index >= 0 && index < 7);
        }
    });

    it("spreads different seeds over the ring", () => {
        const starts = new Set(Array.from({ length: 50 }, (_, i) => ringStartIndex(`volume-${i}/0`, 10)));
        assert.ok(starts.size >= 8, `only ${starts.size} distinct start points`);
    });

    it("walks the ring once around from the start", () => {
        assert.deepEqual(ringFrom(["a", "b", "c", "d"], 2), ["c", "d", "a", "b"]);
        assert.deepEqual(ringFrom(["a", "b"], 0), ["a", "b"]);
    });
});
