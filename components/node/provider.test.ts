import assert from "node:assert/strict";
import { diff, NODE_STATE_VERSION, type NodeInputs, type NodeOutputs, validateNodeInputs } from "./provider";

const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOD6YwyOK3s2B6j5njpoFrg4WmzWESIviM4wBsZLZL4+";
const PRIVATE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n";
/** What the engine passes for a value not known during a preview. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const n2: NodeInputs = {
    nodeName: "n2",
    manageHost: "10.77.0.12",
    storageHost: "10.77.0.12",
    connection: { privateKey: PRIVATE_KEY, hostKey: HOST_KEY },
    probeFrom: { nodeName: "n1", manageHost: "10.77.0.11", storageHost: "10.77.0.11", connection: { privateKey: PRIVATE_KEY, hostKey: HOST_KEY } },
};
const stored: NodeOutputs = { ...n2, uuid: "6d90af0d-9591-415f-91b7-3907e4f411d5", stateVersion: NODE_STATE_VERSION };

describe("node provider: check and diff", () => {
    it("accepts sound inputs and skips values unknown at preview", () => {
        assert.deepEqual(validateNodeInputs({ ...n2 }), []);
        assert.deepEqual(validateNodeInputs({ ...n2, manageHost: UNKNOWN, connection: { privateKey: UNKNOWN, hostKey: UNKNOWN } }), []);
    });

    it("names each bad field and never echoes the private key", () => {
        const failures = validateNodeInputs({
            nodeName: "n 2",
            manageHost: "-oProxyCommand=x",
            storageHost: "",
            connection: { privateKey: "", hostKey: "ssh-ed25519 nope!", port: 70000, user: "ro ot" },
            probeFrom: { ...n2.probeFrom, storageHost: "" },
        });
        assert.deepEqual(failures, [
            { property: "nodeName", reason: '"n 2" is not a node name; use letters, digits, \'.\', \'-\' and \'_\', starting with a letter or digit, e.g. "n1"' },
            { property: "manageHost", reason: '"-oProxyCommand=x" is not a host name or IP address; use a name of letters, digits, \'-\' and \'.\' (e.g. "gluster-1.lab") or an address (e.g. "10.0.0.11" or "fd00::11")' },
            { property: "storageHost", reason: 'a host name or IP address is required, e.g. "10.0.0.11"' },
            { property: "connection.privateKey", reason: "a private key (PEM or OpenSSH text) is required" },
            { property: "connection.hostKey", reason: 'hostKey must look like "ssh-ed25519 AAAA…" (as ssh-keyscan prints it), got "ssh-ed25519 nope!…"' },
            { property: "connection.user", reason: '"ro ot" is not a user name' },
            { property: "connection.port", reason: "70000 is not a TCP port (1 to 65535)" },
            { property: "probeFrom.storageHost", reason: 'a host name or IP address is required, e.g. "10.0.0.11"' },
            { property: "probeFrom.storageHost", reason: "a node cannot be probed from itself" },
        ]);
        assert.ok(!JSON.stringify(validateNodeInputs({ ...n2, connection: { privateKey: 42, hostKey: HOST_KEY } })).includes("42"));
    });

    it("checks the member a first node is detached through", async () => {
        const n1: NodeInputs = { ...n2.probeFrom!, connection: n2.connection, detachThrough: { nodeName: "n2", manageHost: n2.manageHost, storageHost: n2.storageHost, connection: n2.connection } };
        assert.deepEqual(validateNodeInputs({ ...n1 }), []);
        assert.deepEqual(validateNodeInputs({ ...n1, detachThrough: { ...n1.detachThrough, storageHost: n1.storageHost } }), [
            { property: "detachThrough.storageHost", reason: "a node cannot be detached through itself" },
        ]);
        assert.deepEqual(validateNodeInputs({ ...n1, detachThrough: "n2" }), [{ property: "detachThrough", reason: "expected { nodeName, manageHost, storageHost, connection } of a pool member" }]);
        const first: NodeOutputs = { ...n1, detachThrough: undefined, uuid: stored.uuid, stateVersion: NODE_STATE_VERSION };
        assert.deepEqual(await diff(first.uuid, first, n1), { changes: true, replaces: [], deleteBeforeReplace: true }, "a new member to detach through is an update");
    });

    it("replaces on a new address and updates in place on new credentials", async () => {
        assert.deepEqual(await diff(stored.uuid, stored, n2), { changes: false, replaces: [], deleteBeforeReplace: true });
        assert.deepEqual(await diff(stored.uuid, stored, { ...n2, storageHost: "10.77.0.22" }), { changes: true, replaces: ["storageHost"], deleteBeforeReplace: true });
        assert.deepEqual(await diff(stored.uuid, stored, { ...n2, manageHost: "n2.lab" }), { changes: true, replaces: ["manageHost"], deleteBeforeReplace: true });
        const rotated = { ...n2, connection: { ...n2.connection, privateKey: `${PRIVATE_KEY}rotated` } };
        assert.deepEqual(await diff(stored.uuid, stored, rotated), { changes: true, replaces: [], deleteBeforeReplace: true });
        assert.deepEqual(await diff(stored.uuid, { ...stored, stateVersion: 0 }, n2), { changes: true, replaces: [], deleteBeforeReplace: true });
    });
});
