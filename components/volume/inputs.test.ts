import assert from "node:assert/strict";
import { UNKNOWN } from "../checks";
import { GiB, MiB } from "../sizes";
import { changedInputs, checkInputs, dataLossRefusal, missingVolumeRefusal, optionChanges, placementLimits, requiresReplacement, type VolumeInputs, type VolumeOutputs } from "./inputs";

const topology = {
    zoneChecking: "none" as const,
    nodes: [{ name: "n1", manageHost: "10.0.0.1", storageHost: "10.0.0.1", zone: 1, connection: { privateKey: "KEY", hostKey: "ssh-ed25519 AAAA" }, devices: [] }],
};
const valid: VolumeInputs = { topology, volumeName: "web", size: "1Gi", durability: { type: "replicate", replica: 3 }, options: {}, snapshotFactor: 1 };

function failuresOf(news: Record<string, unknown>, olds?: Partial<VolumeInputs>): string[] {
    return checkInputs(olds, { ...valid, ...news }).map(({ property, reason }) => `${property}: ${reason}`);
}

describe("volume inputs", () => {
    it("accepts valid inputs and unknown (preview) values", () => {
        assert.deepEqual(failuresOf({}), []);
        assert.deepEqual(failuresOf({ size: UNKNOWN, topology: UNKNOWN, options: UNKNOWN }), []);
    });

    it("names the field of each invalid input", () => {
        assert.match(failuresOf({ durability: { type: "replicate", replica: 4 } })[0], /^durability\.replica: 4 is not supported/);
        assert.match(failuresOf({ durability: { type: "disperse", data: 3, redundancy: 1 } })[0], /^durability: disperse 3\+1 is not supported/);
        assert.match(failuresOf({ size: "10GB" })[0], /^size: '10GB' is not a size/);
        assert.match(failuresOf({ size: "200Mi" })[0], /^size: '200Mi' gives bricks of 200Mi, but XFS needs at least 300Mi per brick; ask for at least 300Mi/);
        assert.match(failuresOf({ size: "500Mi", durability: { type: "disperse", data: 2, redundancy: 1 } })[0], /^size: .*ask for at least 600Mi/);
        assert.match(failuresOf({ volumeName: "my vol" })[0], /^name: 'my vol' may only contain/);
        assert.match(failuresOf({ snapshotFactor: 0 })[0], /^snapshotFactor: 0 is out of range/);
        assert.match(failuresOf({ gid: 1.5 })[0], /^gid: 1.5 is not a group id/);
        assert.match(failuresOf({ options: { "performance.cache-size": 32 } })[0], /^options\["performance\.cache-size"\]: 32 is not an option value/);
        assert.match(failuresOf({ options: { "diagnostics.brick-log-level": "--log-file=/tmp/x" } })[0], /^options\["diagnostics\.brick-log-level"\]: /);
        assert.match(failuresOf({ topology: { nodes: [] } })[0], /^cluster: expected a cluster topology/);
    });

    it("never echoes the private key in a topology failure", () => {
        const broken = { nodes: [{ ...topology.nodes[0], connection: { privateKey: "SECRET-KEY" } }] };
        const failures = failuresOf({ topology: broken });
        assert.equal(failures.length, 1);
        assert.ok(!failures[0].includes("SECRET-KEY"));
    });

    it("refuses to shrink, unless the volume is replaced anyway", () => {
        assert.match(failuresOf({ size: "1Gi" }, { ...valid, size: "2Gi" })[0], /^size: cannot shrink from 2Gi to 1Gi/);
        assert.deepEqual(failuresOf({ size: "3Gi" }, { ...valid, size: "2Gi" }), []);
        assert.deepEqual(failuresOf({ size: "1Gi", volumeName: "other" }, { ...valid, size: "2Gi" }), []);
    });

    it("replaces on a new name or durability, not on other changes", () => {
        assert.deepEqual(requiresReplacement(valid, { ...valid, volumeName: "db" }), ["volumeName"]);
        assert.deepEqual(requiresReplacement(valid, { ...valid, durability: { type: "replicate", replica: 3, arbiter: true } }), ["durability"]);
        assert.deepEqual(requiresReplacement(valid, { ...valid, durability: { replica: 3, type: "replicate", arbiter: false } }), []);
        assert.deepEqual(requiresReplacement(valid, { ...valid, size: "5Gi", options: { a: "b" }, gid: 5 }), []);
    });

    it("sees changed inputs regardless of key order", () => {
        const olds: VolumeOutputs = {
            ...valid,
            options: { a: "1", b: "2" },
            sizeBytes: GiB,
            mountSource: "10.0.0.1:/web",
            backupVolfileServers: [],
            bricks: [],
            status: "Started",
            missingBricks: [],
            stateVersion: 1,
        };
        assert.deepEqual(changedInputs(olds, { ...valid, options: { b: "2", a: "1" } }), []);
        assert.deepEqual(changedInputs(olds, { ...valid, options: { a: "1" }, size: "2Gi" }), ["size", "options"]);
    });

    it("refuses a replacement that deletes the bricks, naming the volume, the input and both ways out", () => {
        const brick = { node: "n1", host: "10.0.0.1", path: "/var/lib/heketi/mounts/vg_a/brick_b/brick", device: "/dev/sdb", sizeBytes: GiB, id: "b", vgName: "vg_a", poolBytes: GiB, poolMetadataBytes: 8 * MiB, setIndex: 0, isArbiter: false };
        const olds: VolumeOutputs = { ...valid, sizeBytes: GiB, mountSource: "10.0.0.1:/web", backupVolfileServers: [], bricks: [brick], status: "Started", missingBricks: [], stateVersion: 2 };
        const optIn = "or set allowDataLoss: true on this volume to delete them and make an empty volume";
        assert.equal(dataLossRefusal(olds, valid, []), undefined);
        assert.equal(
            dataLossRefusal(olds, { ...valid, volumeName: "web2" }, ["volumeName"]),
            `volume 'web': its name changed to 'web2', which replaces the volume: its bricks (n1:${brick.path}) and the data on them would be deleted first; keep name 'web', ${optIn}`,
        );
        assert.equal(
            dataLossRefusal(olds, { ...valid, durability: { type: "disperse", data: 2, redundancy: 1 } }, ["durability"]),
            `volume 'web': durability changed from replicate 3 to disperse 2+1, which gluster cannot convert in place, so the volume would be replaced and its bricks (n1:${brick.path}) with their data deleted first; keep durability replicate 3 (copy the data to a new volume of the new layout instead), ${optIn}`,
        );
        assert.equal(
            missingVolumeRefusal({ ...olds, status: "Missing" }),
            `volume 'web': refresh found no gluster volume of that name, but its bricks (n1:${brick.path}) may still hold its data, and recreating it would delete them; to keep the data, create the gluster volume again over those bricks (gluster volume create web … force, then pulumi refresh), ${optIn}`,
        );
        assert.equal(dataLossRefusal(olds, { ...valid, volumeName: "web2", allowDataLoss: true }, ["volumeName"]), undefined);
        assert.match(failuresOf({ allowDataLoss: "yes" })[0], /^allowDataLoss: /);
    });

    it("sets new and changed options and resets dropped ones", () => {
        assert.deepEqual(optionChanges({ a: "1", b: "2" }, { a: "1", b: "3", c: "4" }), { set: [["b", "3"], ["c", "4"]], reset: [] });
        assert.deepEqual(optionChanges({ a: "1", b: "2" }, { a: "1" }), { set: [], reset: ["b"] });
    });

    it("allows bricks under heketi's 1 GiB only for small one-set volumes", () => {
        assert.equal(placementLimits(512 * MiB, { type: "replicate", replica: 3 }).minBrickBytes, 512 * MiB);
        assert.equal(placementLimits(10 * GiB, { type: "replicate", replica: 3 }).minBrickBytes, GiB);
        assert.equal(placementLimits(600 * MiB, { type: "disperse", data: 2, redundancy: 1 }).minBrickBytes, 300 * MiB);
    });
});
