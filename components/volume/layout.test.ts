import assert from "node:assert/strict";
import { placeBricks } from "../placement";
import { uniformInventory } from "../placement/testing/inventories";
import { GiB } from "../sizes";
import { brickId } from "./commands";
import type { VolumeInputs } from "./inputs";
import { brickSets, volumeBricks, volumeOutputs } from "./layout";

const durability = { type: "replicate" as const, replica: 3 };
const placement = placeBricks(uniformInventory({ nodes: 3, devicesPerNode: 1, deviceBytes: 10 * GiB }), {
    volumeName: "web",
    sizeBytes: GiB,
    durability,
    zoneChecking: "none",
});

describe("volume layout", () => {
    it("names bricks after the volume and their position, continuing set numbers on expansion", () => {
        const first = volumeBricks("web", placement, 0);
        const added = volumeBricks("web", placement, 1);
        assert.deepEqual(first.map((brick) => brick.id), [0, 1, 2].map((index) => brickId("web", 0, index)));
        assert.deepEqual(added.map((brick) => brick.id), [0, 1, 2].map((index) => brickId("web", 1, index)));
        assert.equal(first[0].path, `/var/lib/heketi/mounts/${first[0].vgName}/brick_${first[0].id}/brick`);
        assert.deepEqual(new Set(first.map((brick) => brick.node)), new Set(["n1", "n2", "n3"]));
    });

    it("groups gluster brick names by set, in set order", () => {
        const bricks = [...volumeBricks("web", placement, 1), ...volumeBricks("web", placement, 0)];
        const sets = brickSets(bricks);
        assert.equal(sets.length, 2);
        assert.deepEqual(sets[0], bricks.slice(3).map((brick) => `${brick.host}:${brick.path}`));
    });

    it("mounts from the first brick host, backed up by the other brick hosts", () => {
        const bricks = volumeBricks("web", placement, 0);
        const inputs = { volumeName: "web", size: "1Gi", durability, options: {}, snapshotFactor: 1 } as unknown as VolumeInputs;
        const outputs = volumeOutputs(inputs, GiB, bricks, []);
        assert.equal(outputs.mountSource, `${bricks[0].host}:/web`);
        assert.deepEqual(outputs.backupVolfileServers, [bricks[1].host, bricks[2].host]);
        assert.equal(outputs.status, "Started");
    });
});
