import assert from "node:assert/strict";
import { describeFailure } from "../checks";
import { HOSTILE_VALUES } from "../remote/testing/hostile";
import { validateCloneInputs, validateSnapshotInputs } from "./validation";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

describe("snapshot and clone checks", () => {
    it("accept plain names and names not known yet", () => {
        assert.deepEqual(validateSnapshotInputs({ snapshotName: "before-v2", volumeName: "web" }), []);
        assert.deepEqual(validateSnapshotInputs({ snapshotName: UNKNOWN, volumeName: UNKNOWN }), []);
        assert.deepEqual(validateCloneInputs({ volumeName: "restored", snapshotName: "before-v2" }), []);
        assert.deepEqual(validateCloneInputs({ volumeName: UNKNOWN, snapshotName: UNKNOWN }), []);
    });

    it("refuse a name that is no string at preview, not with a TypeError at create", () => {
        assert.deepEqual(validateSnapshotInputs({ snapshotName: 42, volumeName: "web" }).map(describeFailure), ["snapshotName: a snapshot name is required, e.g. 'web-before-upgrade'"]);
        assert.deepEqual(validateCloneInputs({ volumeName: 7, snapshotName: "s1" }).map(describeFailure), ["volumeName: a volume name is required, e.g. 'pvc-data'"]);
        assert.deepEqual(validateCloneInputs({ volumeName: "restored", snapshotName: undefined }).map(describeFailure), ["snapshotName: a snapshot name is required, e.g. 'web-before-upgrade'"]);
    });

    it("refuse gluster's reserved words and option-like names under the input's own name", () => {
        assert.deepEqual(validateSnapshotInputs({ snapshotName: "all", volumeName: "web" }).map(describeFailure), ["snapshotName: 'all' is a word gluster reserves; choose another name"]);
        assert.deepEqual(validateCloneInputs({ volumeName: "-restored", snapshotName: "s1" }).map(describeFailure), ["volumeName: '-restored' must not start with '-' (gluster reads it as an option)"]);
    });

    it("refuse every hostile value in either name", () => {
        for (const [label, value] of HOSTILE_VALUES) {
            assert.deepEqual(validateSnapshotInputs({ snapshotName: value, volumeName: "web" }).map((failure) => failure.property), ["snapshotName"], label);
            assert.deepEqual(validateSnapshotInputs({ snapshotName: "s1", volumeName: value }).map((failure) => failure.property), ["volumeName"], label);
            assert.deepEqual(validateCloneInputs({ volumeName: value, snapshotName: "s1" }).map((failure) => failure.property), ["volumeName"], label);
            assert.deepEqual(validateCloneInputs({ volumeName: "restored", snapshotName: value }).map((failure) => failure.property), ["snapshotName"], label);
        }
    });
});
