import assert from "node:assert/strict";
import { glusterNameFrom } from "./names";

// The two sanitizers glusterNameFrom replaced, verbatim: the default volume name (volume.ts) and
// the default snapshot name (snapshot.ts, inline). State holds their results.
const oldVolumeName = (name: string) => name.replace(/[^a-zA-Z0-9_-]/g, "_").replace(/^-/, "_");
const oldSnapshotName = (name: string) => name.replace(/[^a-zA-Z0-9_-]/g, "_");

const EXPECTED: Array<[string, string]> = [
    ["web", "web"],
    ["my.app/data", "my_app_data"],
    ["pvc-data_01", "pvc-data_01"],
    ["web before upgrade", "web_before_upgrade"],
    ["ns:app@v2", "ns_app_v2"],
    ["über", "_ber"],
    ["a\nb\tc", "a_b_c"],
    ["_x", "_x"],
    ["x-", "x-"],
    ["", ""],
    ["-x", "_x"],
    ["--x", "_-x"],
    [".-x", "_-x"],
];

describe("glusterNameFrom", () => {
    it("turns every other character, and a leading '-', into '_'", () => {
        for (const [resourceName, expected] of EXPECTED) {
            assert.equal(glusterNameFrom(resourceName), expected, JSON.stringify(resourceName));
        }
    });

    it("gives every volume the name the old default gave it", () => {
        for (const [resourceName] of EXPECTED) {
            assert.equal(glusterNameFrom(resourceName), oldVolumeName(resourceName), JSON.stringify(resourceName));
        }
    });

    it("gives every snapshot the old default name unless that started with '-', which its check refused", () => {
        for (const [resourceName] of EXPECTED) {
            const old = oldSnapshotName(resourceName);
            if (old.startsWith("-")) {
                // validateSnapshotName refuses a leading '-' (snapshot/validation.test.ts): no such snapshot is in any state.
                assert.equal(glusterNameFrom(resourceName), `_${old.slice(1)}`, JSON.stringify(resourceName));
            } else {
                assert.equal(glusterNameFrom(resourceName), old, JSON.stringify(resourceName));
            }
        }
    });
});
