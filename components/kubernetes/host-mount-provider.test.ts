import assert from "node:assert/strict";
import { diff, HOST_MOUNT_STATE_VERSION, validateHostMountInputs, type HostMountInputs, type HostMountOutputs } from "./host-mount-provider";
import { hostMountFstabLine } from "./manifests";

const inputs: HostMountInputs = {
    workerName: "w1",
    manageHost: "10.0.0.21",
    connection: { privateKey: "key", hostKey: "ssh-ed25519 AAAA" },
    mountSource: "10.0.0.1:/web",
    backupVolfileServers: ["10.0.0.2", "10.0.0.3"],
    mountPath: "/mnt/glusterfs/web",
};
const stored: HostMountOutputs = { ...inputs, fstabLine: hostMountFstabLine(inputs, inputs.mountPath), status: "mounted", stateVersion: HOST_MOUNT_STATE_VERSION };

describe("host mount provider: diff", () => {
    it("plans nothing for the same mount", async () => {
        assert.deepEqual(await diff("w1:/mnt/glusterfs/web", stored, inputs), { changes: false, replaces: [], deleteBeforeReplace: true });
    });

    it("updates in place when the volume's servers change (its bricks moved): the live mount stays", async () => {
        const moved = { ...inputs, mountSource: "10.0.0.2:/web", backupVolfileServers: ["10.0.0.3", "10.0.0.4"] };
        assert.deepEqual(await diff("w1:/mnt/glusterfs/web", stored, moved), { changes: true, replaces: [], deleteBeforeReplace: true });
    });

    it("replaces for another volume or another place", async () => {
        assert.deepEqual((await diff("w1:/mnt/glusterfs/web", stored, { ...inputs, mountSource: "10.0.0.1:/blog" })).replaces, ["mountSource"]);
        assert.deepEqual((await diff("w1:/mnt/glusterfs/web", stored, { ...inputs, mountPath: "/mnt/web" })).replaces, ["mountPath"]);
    });

    it("mounts again what refresh found unmounted", async () => {
        assert.equal((await diff("w1:/mnt/glusterfs/web", { ...stored, status: "unmounted" }, inputs)).changes, true);
    });
});

describe("host mount provider: check", () => {
    const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const valid = { ...inputs, connection: { privateKey: "key", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFVhYHyVxHJW4rB7W2vY2l3b2l3b2l3b2l3b2l3b2l3b" } };
    it("accepts a known mount", () => {
        assert.deepEqual(validateHostMountInputs(valid), []);
    });
    it("takes a volume made in the same program: its mount source and servers unknown at preview", () => {
        assert.deepEqual(validateHostMountInputs({ ...valid, mountSource: UNKNOWN, backupVolfileServers: UNKNOWN, mountPath: UNKNOWN }), []);
    });
    it("still names a bad mount source once it is known", () => {
        assert.deepEqual(validateHostMountInputs({ ...valid, mountSource: "10.0.0.1:/web,ro" }).map((failure) => failure.property), ["mountSource"]);
    });
});
