import assert from "node:assert/strict";
import { inputDiff } from "../dynamic/diff";
import { diff, DEVICE_DIFF_RULES, DEVICE_STATE_VERSION, type DeviceInputs, type DeviceOutputs, validateDeviceInputs } from "./provider";
import { duplicateDevicePaths, validateDevicePath, validateTags } from "./validation";

const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOD6YwyOK3s2B6j5njpoFrg4WmzWESIviM4wBsZLZL4+";
const device: DeviceInputs = {
    nodeName: "n1",
    manageHost: "10.77.0.11",
    connection: { privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n", hostKey: HOST_KEY },
    path: "/dev/ubdb",
    tags: { tier: "ssd" },
};
const stored: DeviceOutputs = { ...device, vgName: "vg_93d9887353667f2c", sizeBytes: 10_598_006_784, pvUuid: "x", stateVersion: DEVICE_STATE_VERSION };

describe("device: input checks and diff", () => {
    it("accepts absolute, normalized device paths only", () => {
        assert.deepEqual(validateDevicePath("/dev/disk/by-id/wwn-0x5000c500a1b2c3d4", "path"), []);
        assert.deepEqual(validateDevicePath("sdb", "nodes[0].devices[1].path"), [
            { property: "nodes[0].devices[1].path", reason: '"sdb" is not an absolute, normalized device path, e.g. "/dev/sdb"' },
        ]);
        assert.deepEqual(validateDevicePath("/dev/../etc/passwd", "path").length, 1);
        assert.deepEqual(validateDevicePath("/dev//sdb", "path").length, 1);
        assert.deepEqual(validateDevicePath(undefined, "path"), [{ property: "path", reason: 'a block device path is required, e.g. "/dev/sdb"' }]);
    });

    it("wants tags as string to string", () => {
        assert.deepEqual(validateTags(undefined, "tags"), []);
        assert.deepEqual(validateTags({ tier: "ssd" }, "tags"), []);
        assert.deepEqual(validateTags({ tier: 3, rack: "a" }, "nodes[1].devices[0].tags"), [
            { property: "nodes[1].devices[0].tags.tier", reason: "3 is not a string; tag values are strings" },
        ]);
        assert.deepEqual(validateTags(["ssd"], "tags"), [{ property: "tags", reason: 'expected an object of string values, e.g. { tier: "ssd" }' }]);
    });

    it("finds a device listed twice on one node", () => {
        assert.deepEqual(duplicateDevicePaths(["/dev/ubdb", "/dev/ubdc", "/dev/ubdb"], (i) => `nodes[0].devices[${i}].path`), [
            { property: "nodes[0].devices[2].path", reason: '"/dev/ubdb" is listed twice on this node (also as nodes[0].devices[0].path)' },
        ]);
    });

    it("checks every resource input, naming the field", () => {
        assert.deepEqual(validateDeviceInputs({ ...device }), []);
        assert.deepEqual(validateDeviceInputs({ ...device, path: "ubdb", destroyData: "yes" }), [
            { property: "path", reason: '"ubdb" is not an absolute, normalized device path, e.g. "/dev/sdb"' },
            { property: "destroyData", reason: '"yes" is not a boolean' },
        ]);
    });

    it("replaces on a new node name or path, updates in place otherwise", async () => {
        assert.deepEqual(await diff(stored.vgName, stored, device), { changes: false, replaces: [], deleteBeforeReplace: true });
        // A replacement is planned only after diff read the VG over SSH (see guards.test.ts): the rule alone here.
        assert.deepEqual(inputDiff(stored, { ...device, path: "/dev/ubdc" }, DEVICE_DIFF_RULES), { changes: true, replaces: ["path"], deleteBeforeReplace: true });
        assert.deepEqual(inputDiff(stored, { ...device, nodeName: "n9" }, DEVICE_DIFF_RULES), { changes: true, replaces: ["nodeName"], deleteBeforeReplace: true });
        assert.deepEqual(await diff(stored.vgName, stored, { ...device, tags: { tier: "hdd" } }), { changes: true, replaces: [], deleteBeforeReplace: true });
        assert.deepEqual(await diff(stored.vgName, stored, { ...device, manageHost: "n1.lab" }), { changes: true, replaces: [], deleteBeforeReplace: true });
    });
});
