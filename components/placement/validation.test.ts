import assert from "node:assert/strict";
import { describeFailure, type ValidationFailure } from "../checks";
import { GiB, MiB } from "../sizes";
import { DEFAULT_PLACEMENT_LIMITS } from "./limits";
import type { PlacementRequest } from "./types";
import {
    validateDurability,
    validatePlacementLimits,
    validatePlacementRequest,
    validateSnapshotFactor,
    validateSnapshotName,
    validateVolumeName,
    validateVolumeOptions,
    validateZoneChecking,
} from "./validation";
import { HOSTILE_VALUES } from "../remote/testing/hostile";

const messages = (failures: ValidationFailure[]) => failures.map(describeFailure);

describe("validateDurability", () => {
    it("accepts replica 1 to 3, arbiter with replica 3, heketi's disperse layouts and none", () => {
        for (const durability of [
            { type: "replicate", replica: 1 },
            { type: "replicate", replica: 2, arbiter: false },
            { type: "replicate", replica: 3, arbiter: true },
            { type: "disperse", data: 2, redundancy: 1 },
            { type: "disperse", data: 4, redundancy: 2 },
            { type: "disperse", data: 8, redundancy: 3 },
            { type: "disperse", data: 8, redundancy: 4 },
            { type: "none" },
        ]) {
            assert.deepEqual(validateDurability(durability), [], JSON.stringify(durability));
        }
    });

    it("names the field and the supported values", () => {
        assert.deepEqual(messages(validateDurability({ type: "replicate", replica: 4 })), ["durability.replica: 4 is not supported; use 1, 2 or 3"]);
        assert.deepEqual(messages(validateDurability({ type: "replicate" })), ["durability.replica: undefined is not supported; use 1, 2 or 3"]);
        assert.deepEqual(messages(validateDurability({ type: "replicate", replica: 2, arbiter: true })), [
            "durability.arbiter: an arbiter needs replica 3 (2 data bricks + 1 arbiter), not 2; set replica: 3 or drop arbiter",
        ]);
        assert.deepEqual(messages(validateDurability({ type: "disperse", data: 3, redundancy: 1 }, "spec.durability")), [
            "spec.durability: disperse 3+1 is not supported; use data+redundancy 2+1, 4+2, 8+3 or 8+4",
        ]);
        assert.deepEqual(messages(validateDurability({ type: "mirror" })), ["durability.type: 'mirror' is not supported; use 'replicate', 'disperse' or 'none'"]);
        assert.deepEqual(messages(validateDurability("replicate")), ["durability: expected { type: 'replicate' | 'disperse' | 'none', ... }"]);
    });
});

describe("validateVolumeName", () => {
    it("accepts gluster's volume names", () => {
        assert.deepEqual(validateVolumeName("pvc-0a1b_C"), []);
        assert.deepEqual(validateVolumeName("v".repeat(256)), []);
    });

    it("explains what is wrong with a name", () => {
        assert.deepEqual(messages(validateVolumeName("my volume")), ["volumeName: 'my volume' may only contain letters, digits, '-' and '_'"]);
        assert.deepEqual(messages(validateVolumeName("")), ["volumeName: a volume name is required, e.g. 'pvc-data'"]);
        assert.deepEqual(messages(validateVolumeName(7)), ["volumeName: a volume name is required, e.g. 'pvc-data'"]);
        assert.deepEqual(messages(validateVolumeName("-data")), ["volumeName: '-data' must not start with '-' (gluster reads it as an option)"]);
        assert.deepEqual(messages(validateVolumeName("v".repeat(257))), ["volumeName: is 257 characters long; gluster allows at most 256"]);
        assert.deepEqual(messages(validateVolumeName("all", "name")), ["name: 'all' is a word gluster reserves; choose another name"]);
    });

    it("refuses every hostile value, as volume and as snapshot name", () => {
        for (const [label, value] of HOSTILE_VALUES) {
            assert.equal(validateVolumeName(value).length, 1, label);
            assert.equal(validateSnapshotName(value).length, 1, label);
        }
    });
});

describe("validateSnapshotName", () => {
    it("holds snapshot names to volume names' rules, naming the snapshot field", () => {
        assert.deepEqual(validateSnapshotName("web-before_v2"), []);
        assert.deepEqual(messages(validateSnapshotName(42)), ["snapshotName: a snapshot name is required, e.g. 'web-before-upgrade'"]);
        assert.deepEqual(messages(validateSnapshotName("all")), ["snapshotName: 'all' is a word gluster reserves; choose another name"]);
        assert.deepEqual(messages(validateSnapshotName("-s", "name")), ["name: '-s' must not start with '-' (gluster reads it as an option)"]);
    });
});

describe("validateVolumeOptions", () => {
    it("accepts gluster option names with non-empty one-line values", () => {
        assert.deepEqual(validateVolumeOptions({}), []);
        assert.deepEqual(validateVolumeOptions({ "performance.cache-size": "32MB", "auth.allow": "10.0.0.1,10.0.0.2", "nfs.disable": "on", "user.cifs": "off", "storage.owner-uid": "0" }), []);
    });

    it("names the option and the fix", () => {
        const cases: Array<[unknown, string[]]> = [
            [["a"], ["options: expected an object of gluster option names to string values; write e.g. { 'performance.cache-size': '32MB' }"]],
            [null, ["options: expected an object of gluster option names to string values; write e.g. { 'performance.cache-size': '32MB' }"]],
            [{ "-x": "1" }, [`options["-x"]: is not a gluster option name; use one like 'performance.cache-size' (letters, digits, '.', '_' and '-')`]],
            [{ "a b": "1" }, [`options["a b"]: is not a gluster option name; use one like 'performance.cache-size' (letters, digits, '.', '_' and '-')`]],
            [{ "nfs.disable": true }, [`options["nfs.disable"]: true is not an option value; give a non-empty string, e.g. '32MB' or 'on'`]],
            [{ "nfs.disable": "" }, [`options["nfs.disable"]: "" is not an option value; give a non-empty string, e.g. '32MB' or 'on'`]],
            [{ "nfs.disable": undefined }, [`options["nfs.disable"]: undefined is not an option value; give a non-empty string, e.g. '32MB' or 'on'`]],
            [{ "diagnostics.brick-log-level": "--log-file=/tmp/z" }, [`options["diagnostics.brick-log-level"]: "--log-file=/tmp/z" starts with '-', which gluster can read as an option of its own; drop the '-' or leave this option out`]],
            [{ "auth.allow": "*\nauth.reject=x" }, [`options["auth.allow"]: "*\\nauth.reject=x" contains a line break or NUL; give the value on one line`]],
            [{ "auth.allow": "*\u0000" }, [`options["auth.allow"]: "*\\u0000" contains a line break or NUL; give the value on one line`]],
            [{ ok: "1", "bad key": "2", "volume.x": "-1" }, [
                `options["bad key"]: is not a gluster option name; use one like 'performance.cache-size' (letters, digits, '.', '_' and '-')`,
                `options["volume.x"]: "-1" starts with '-', which gluster can read as an option of its own; drop the '-' or leave this option out`,
            ]],
        ];
        for (const [options, expected] of cases) {
            assert.deepEqual(messages(validateVolumeOptions(options)), expected, JSON.stringify(options));
        }
        assert.deepEqual(messages(validateVolumeOptions({ x: "" }, "spec.options")), [`spec.options["x"]: "" is not an option value; give a non-empty string, e.g. '32MB' or 'on'`]);
    });

    it("refuses every hostile option name", () => {
        for (const [label, value] of HOSTILE_VALUES) {
            // "x" * 300 is a well-formed name: gluster answers for options it does not know.
            const expected = label === "300 characters" ? 0 : 1;
            assert.equal(validateVolumeOptions({ [value]: "on" }).length, expected, label);
        }
    });

    it("refuses hostile values that could end the word or the line, and allows the rest as one argv word", () => {
        const refused = new Set(["newline", "leading dash", "long option", "empty string"]);
        for (const [label, value] of HOSTILE_VALUES) {
            // Allowed ones (";", "$(id)", ",", "=", "..", unicode, 300 characters) reach gluster as one argv word after "--", never through a shell.
            assert.equal(validateVolumeOptions({ "auth.allow": value }).length, refused.has(label) ? 1 : 0, label);
        }
    });
});

describe("validateSnapshotFactor and validateZoneChecking", () => {
    it("accepts factors from 1 to 100, fractions included", () => {
        for (const factor of [1, 1.5, 100]) {
            assert.deepEqual(validateSnapshotFactor(factor), []);
        }
    });

    it("rejects factors out of range", () => {
        const expected = (value: string) => [`snapshotFactor: ${value} is out of range; use 1 (no snapshots) to 100 (thin pool size as a multiple of the brick size)`];
        assert.deepEqual(messages(validateSnapshotFactor(0)), expected("0"));
        assert.deepEqual(messages(validateSnapshotFactor(101)), expected("101"));
        assert.deepEqual(messages(validateSnapshotFactor("2")), expected("'2'"));
        assert.deepEqual(messages(validateSnapshotFactor(Number.NaN)), expected("NaN"));
    });

    it("accepts none and strict zone checking only", () => {
        assert.deepEqual(validateZoneChecking("strict"), []);
        assert.deepEqual(messages(validateZoneChecking("loose")), ["zoneChecking: 'loose' is not supported; use 'none' or 'strict' (every brick of a set in its own zone)"]);
    });
});

describe("validatePlacementRequest and validatePlacementLimits", () => {
    it("collects every problem of a request", () => {
        const request = {
            volumeName: "a/b",
            sizeBytes: 0,
            durability: { type: "replicate", replica: 5 },
            snapshotFactor: 0.5,
            zoneChecking: "strict",
            averageFileSizeBytes: -1,
        } as PlacementRequest;
        assert.deepEqual(messages(validatePlacementRequest(request)), [
            "volumeName: 'a/b' may only contain letters, digits, '-' and '_'",
            "sizeBytes: 0 is not a positive whole number of bytes",
            "durability.replica: 5 is not supported; use 1, 2 or 3",
            "snapshotFactor: 0.5 is out of range; use 1 (no snapshots) to 100 (thin pool size as a multiple of the brick size)",
            "averageFileSizeBytes: -1 is not a positive whole number of bytes",
        ]);
    });

    it("keeps the minimum brick at or above what mkfs.xfs accepts", () => {
        assert.deepEqual(validatePlacementLimits(DEFAULT_PLACEMENT_LIMITS), []);
        assert.deepEqual(validatePlacementLimits({ ...DEFAULT_PLACEMENT_LIMITS, minBrickBytes: 300 * MiB }), []);
        assert.deepEqual(messages(validatePlacementLimits({ minBrickBytes: 100 * MiB, maxBrickBytes: 50 * MiB, maxBricksPerVolume: 0 })), [
            "limits.minBrickBytes: 100Mi is below 300Mi, the smallest XFS mkfs.xfs creates",
            "limits.maxBrickBytes: 50Mi is below minBrickBytes",
            "limits.maxBricksPerVolume: 0 must be a whole number of at least 1",
        ]);
        assert.deepEqual(validatePlacementLimits({ ...DEFAULT_PLACEMENT_LIMITS, maxBrickBytes: GiB }), []);
    });
});
