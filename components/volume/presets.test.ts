import assert from "node:assert/strict";
import { UNKNOWN } from "../checks";
import type { VolumeInputs } from "./inputs";
import { optionsWithPreset, VOLUME_PRESETS } from "./presets";
import { check } from "./provider";

const topology = {
    zoneChecking: "none" as const,
    nodes: [{ name: "n1", manageHost: "10.0.0.1", storageHost: "10.0.0.1", zone: 1, connection: { privateKey: "KEY", hostKey: "ssh-ed25519 AAAA" }, devices: [] }],
};
const valid: VolumeInputs = { topology, volumeName: "db", size: "1Gi", durability: { type: "replicate", replica: 3 }, options: {}, snapshotFactor: 1 };

describe("volume presets", () => {
    it("db-workload is gluster 10's db-workload group, option by option", () => {
        assert.deepEqual(VOLUME_PRESETS["db-workload"], {
            "performance.open-behind": "on",
            "performance.write-behind": "off",
            "performance.stat-prefetch": "off",
            "performance.quick-read": "off",
            "performance.strict-o-direct": "on",
            "performance.read-ahead": "off",
            "performance.io-cache": "off",
            "performance.readdir-ahead": "off",
            "performance.client-io-threads": "on",
            "server.event-threads": "4",
            "client.event-threads": "4",
            "performance.read-after-open": "yes",
        });
    });

    it("lets the volume's own options win over the preset's", () => {
        const options = optionsWithPreset("db-workload", { "client.event-threads": "8", "performance.cache-size": "64MB" });
        assert.equal(options["client.event-threads"], "8");
        assert.equal(options["performance.cache-size"], "64MB");
        assert.equal(options["performance.write-behind"], "off");
        assert.deepEqual(optionsWithPreset(undefined, { a: "1" }), { a: "1" });
    });

    it("check puts the preset's options into the inputs, so diff and update see each one", async () => {
        const { inputs, failures } = await check({}, { ...valid, preset: "db-workload", options: { "client.event-threads": "8" } });
        assert.deepEqual(failures, []);
        assert.deepEqual(inputs!.options, { ...VOLUME_PRESETS["db-workload"], "client.event-threads": "8" });
        assert.equal(inputs!.preset, "db-workload");
        // Unknown at preview: left as it is until known.
        const preview = await check({}, { ...valid, preset: UNKNOWN as unknown as "db-workload", options: { a: "1" } });
        assert.deepEqual(preview.inputs!.options, { a: "1" });
    });

    it("refuses an unknown preset at preview, naming the field and the choices", async () => {
        const { failures } = await check({}, { ...valid, preset: "oltp" as unknown as "db-workload" });
        assert.deepEqual(failures, [{ property: "preset", reason: "\"oltp\" is not a preset; use one of 'db-workload', or leave it out" }]);
    });
});
