import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { HOSTILE_VALUES } from "../remote/testing/hostile";
import { formatFailures, validateClusterArgs } from "./validation";

const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOD6YwyOK3s2B6j5njpoFrg4WmzWESIviM4wBsZLZL4+";
const connection = { privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n", hostKey: HOST_KEY };

function node(name: string, host: string, zone: unknown, devices: unknown[] = [{ path: "/dev/ubdb" }]) {
    return { name, manageHost: host, storageHost: host, zone, connection, devices };
}

describe("cluster: argument checks", () => {
    it("accepts a sound cluster", () => {
        const args = { nodes: [node("n1", "10.77.0.11", 1), node("n2", "10.77.0.12", 2, [])], zoneChecking: "strict" };
        assert.deepEqual(validateClusterArgs(args), []);
    });

    it("names each bad field", () => {
        const args = {
            nodes: [
                node("n1", "10.77.0.11", 0, [{ path: "/dev/ubdb" }, { path: "/dev/ubdc", tags: { tier: 1 } }, { path: "/dev/ubdb" }]),
                node("n1", "10.77.0.11", 1.5),
            ],
            zoneChecking: "loose",
        };
        assert.equal(
            formatFailures(validateClusterArgs(args)),
            [
                "nodes[0].zone: 0 is not a zone; zones are whole numbers >= 1 (a failure domain, e.g. a rack)",
                "nodes[0].devices[1].tags.tier: 1 is not a string; tag values are strings",
                'nodes[0].devices[2].path: "/dev/ubdb" is listed twice on this node (also as nodes[0].devices[0].path)',
                "nodes[1].zone: 1.5 is not a zone; zones are whole numbers >= 1 (a failure domain, e.g. a rack)",
                'nodes[1].name: "n1" is already used by nodes[0]; each node needs its own',
                'nodes[1].storageHost: "10.77.0.11" is already used by nodes[0]; each node needs its own',
                "zoneChecking: 'loose' is not supported; use 'none' or 'strict' (every brick of a set in its own zone)",
            ].join("\n"),
        );
    });

    it("refuses every hostile value as a node's manage or storage host", () => {
        for (const [label, value] of HOSTILE_VALUES) {
            const args = { nodes: [{ ...node("n1", "10.77.0.11", 1), manageHost: value, storageHost: value }] };
            assert.deepEqual(validateClusterArgs(args).map((failure) => failure.property), ["nodes[0].manageHost", "nodes[0].storageHost"], label);
        }
    });

    it("accepts a failed device and refuses an unknown state", () => {
        const args = { nodes: [node("n1", "10.77.0.11", 1, [{ path: "/dev/ubdb", state: "failed" }, { path: "/dev/ubdc", state: "broken", adoptVolumeGroup: "yes" }])] };
        assert.equal(
            formatFailures(validateClusterArgs(args)),
            [
                'nodes[0].devices[1].adoptVolumeGroup: "yes" is not a boolean',
                'nodes[0].devices[1].state: "broken" is not a device state; use "online" or "failed" (volumes then move their bricks off the device)',
            ].join("\n"),
        );
    });

    it("requires nodes and a devices list", () => {
        assert.deepEqual(validateClusterArgs({ nodes: [] }), [{ property: "nodes", reason: "at least one node is required" }]);
        assert.deepEqual(validateClusterArgs({ nodes: [{ ...node("n1", "h1", 1), devices: undefined }] }), [
            { property: "nodes[0].devices", reason: 'expected a list of devices, e.g. [{ path: "/dev/sdb" }] (it may be empty)' },
        ]);
    });

    it("leaves values that are not known yet to a later check", () => {
        const args = { nodes: [{ ...node("n1", "10.77.0.11", pulumi.output(0)), connection: { privateKey: pulumi.secret("k"), hostKey: HOST_KEY } }], zoneChecking: pulumi.output("x") };
        assert.deepEqual(validateClusterArgs(args), []);
    });
});
