// Day 2 on the lab through the real engine: a device removed from the cluster, a device marked
// failed, and a whole node removed; the volume's bricks move off with replace-brick while the
// data stays readable, and nothing is left on what was removed. Also the refusals: no other
// node to move to (preview says so), and a set member offline (up changes nothing).
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { GlusterCluster, type GlusterClusterDeviceArgs } from "../../components/cluster";
import { closeAll, glusterArgs, parsePoolList, parseVgs, parseVolumeInfo, parseVolumeStatus, type SshExecutor, vgsArgs, volumeInfoArgs } from "../../components/remote";
import { parsePvReport, pvReportArgs } from "../../components/device/commands";
import { GlusterVolume, type VolumeBrick } from "../../components/volume";
import { labClusterArgs } from "../lab/lab";
import { EngineOperationError, EngineStack } from "../engine/automation";
import { onMount, waitForHeal, wipeCluster } from "../lab/cluster-fixture";
import { labExecutor, labNode, labUp, loadLab, type Lab, type LabNode } from "../lab/lab";

const VOLUME = "evac";
/** Steps as "<op> <module>:<Type>" of the dynamic resources. */
const steps = (operations: ReadonlyArray<{ op: string; type: string }>) => operations.map((step) => `${step.op} ${step.type.replace("pulumi-nodejs:dynamic/gluster/", "")}`).sort();
const WRITE = "seq 1 100000 > numbers.txt\nmkdir d\nfor i in $(seq 1 40); do echo $i > d/f$i; done\nsync numbers.txt d/* d .\nsha256sum numbers.txt; cat d/f* | sha256sum";
const READ = "sha256sum numbers.txt; cat d/f* | sha256sum";

/** What a node is declared with, per test step. */
type Devices = (node: LabNode) => GlusterClusterDeviceArgs[] | undefined;

/** One stack with the cluster and the volume, so device and node removals reach the volume in the same up. */
async function evacuationStack(lab: Lab, projectName: string, devices: { of: Devices }): Promise<EngineStack> {
    return EngineStack.create({
        projectName,
        program: async () => {
            const args = labClusterArgs(lab);
            const nodes = args.nodes.flatMap((node, index) => {
                const declared = devices.of(lab.nodes[index]);
                return declared === undefined ? [] : [{ ...node, devices: declared }];
            });
            const cluster = new GlusterCluster("evac", { ...args, nodes });
            const volume = new GlusterVolume(VOLUME, { cluster, size: "1Gi", durability: { type: "replicate", replica: 3 } });
            return { mountSource: volume.mountSource, backups: volume.backupVolfileServers, bricks: volume.bricks, vgNames: cluster.vgNames } satisfies Record<string, pulumi.Output<unknown>>;
        },
    });
}

async function glusterBricks(host: SshExecutor): Promise<string[]> {
    const [info] = parseVolumeInfo((await host.run(volumeInfoArgs(VOLUME))).stdout);
    return info.bricks.map((brick) => `${brick.host}:${brick.path}`);
}

const brickNames = (bricks: readonly VolumeBrick[]) => bricks.map((brick) => `${brick.host}:${brick.path}`);

async function volumeGroups(host: SshExecutor): Promise<string[]> {
    return parseVgs((await host.run(vgsArgs())).stdout).map((group) => group.vgName).sort();
}

/** Kills a brick's process, as a disk failing under it would. */
async function killBrick(host: SshExecutor, brick: VolumeBrick): Promise<void> {
    const [status] = parseVolumeStatus((await host.run(glusterArgs("volume", "status", VOLUME))).stdout);
    const pid = status.bricks.find((entry) => entry.hostname === brick.host && entry.path === brick.path)?.pid;
    assert.ok(pid, `brick ${brick.host}:${brick.path} runs`);
    await host.run(["kill", "-9", String(pid)]);
}

/** The brick mounts and fstab lines a host has under a VG's mount directory. */
async function traces(host: SshExecutor, vgName: string): Promise<string[]> {
    const found = await host.run(["sh", "-c", 'grep -h -- "/$1/" /proc/mounts /etc/fstab || true', "sh", vgName]);
    return found.stdout.split("\n").filter(Boolean);
}

describe("day 2: bricks move off devices and nodes that leave the cluster", function () {
    after(async function () {
        await closeAll();
    });

    describe("devices (3 nodes, 2 devices each)", function () {
        let lab: Lab;
        let hosts: Map<string, SshExecutor>;
        let engine: EngineStack;
        const devices: { of: Devices } = { of: (node) => node.devices.map((path) => ({ path })) };

        before(async function () {
            lab = loadLab();
            assert.equal(lab.nodes.length, 3, "the suite's lab has 3 nodes");
            hosts = new Map(lab.nodes.map((node) => [node.name, labExecutor(node)]));
            await wipeCluster(lab);
            engine = await evacuationStack(lab, "evacuation-devices", devices);
        });

        after(async function () {
            try {
                await engine?.destroy().catch((error: unknown) => console.log(`      clean-up: destroy failed: ${error}`));
                await engine?.dispose();
            } finally {
                await wipeCluster(lab);
            }
        });

        it("moves every brick off a removed device, a failed one, and refuses what would lose data", async function () {
            const { outputs } = await engine.up();
            const source = outputs.mountSource.value as string;
            const backups = outputs.backups.value as string[];
            let bricks = outputs.bricks.value as VolumeBrick[];
            const vgNames = outputs.vgNames.value as Record<string, Record<string, string>>;
            const n1 = hosts.get("n1")!;
            const written = await onMount(source, backups, WRITE);
            const brickOn = (node: string) => bricks.find((brick) => brick.node === node)!;

            // 1. n1's brick device leaves the cluster: preview says where the brick goes, up moves it.
            const removed = brickOn("n1");
            const keptOnN1 = lab.nodes[0].devices.find((path) => path !== removed.device)!;
            devices.of = (node) => node.devices.filter((path) => !(node.name === "n1" && path === removed.device)).map((path) => ({ path }));
            const preview = await engine.preview();
            assert.match(preview.stdout, new RegExp(`brick ${removed.host}:${removed.path} moves to n1 ${keptOnN1} \\(device ${removed.device} of n1 is removed from the cluster\\)`));
            assert.deepEqual(steps(preview.events.changes()), ["delete device:Device", "update volume:Volume"]);

            const moved = await engine.up();
            console.log(`      up moving one brick off a removed device: ${(moved.durationMs / 1000).toFixed(1)} s`);
            bricks = moved.outputs.bricks.value as VolumeBrick[];
            assert.deepEqual({ node: brickOn("n1").node, device: brickOn("n1").device, vgName: brickOn("n1").vgName }, { node: "n1", device: keptOnN1, vgName: vgNames.n1[keptOnN1] });
            assert.deepEqual(await glusterBricks(n1), brickNames(bricks), "state follows gluster's brick list");
            assert.deepEqual(await volumeGroups(n1), [vgNames.n1[keptOnN1]], "the removed device's volume group is gone");
            assert.deepEqual(parsePvReport((await n1.run(pvReportArgs())).stdout).map((pv) => pv.pvName), [keptOnN1], "and so is its PV");
            assert.deepEqual(await traces(n1, removed.vgName), [], "no mount or fstab line of the old brick is left");
            await waitForHeal(n1, VOLUME);
            assert.equal(await onMount(source, backups, READ), written);
            assert.equal((await n1.run(["sha256sum", `${brickOn("n1").path}/numbers.txt`])).stdout.split(" ")[0], written.split(" ")[0], "the new brick holds the data");

            // 2. n2's brick device is marked failed while n3's brick is down: moving it could drop
            // the only good copy, so up refuses and changes nothing.
            const failing = brickOn("n2");
            devices.of = (node) =>
                node.devices
                    .filter((path) => !(node.name === "n1" && path === removed.device))
                    .map((path) => (node.name === "n2" && path === failing.device ? { path, state: "failed" as const } : { path }));
            await killBrick(hosts.get("n3")!, brickOn("n3"));
            const refused = await engine.up().then(
                () => assert.fail("up moved a brick while another brick of its set was offline"),
                (error: unknown) => error as EngineOperationError,
            );
            assert.match(refused.stdout, new RegExp(`moving brick ${failing.host}:${failing.path} of volume 'evac' now could drop the only good copy of some data: ${brickOn("n3").host}:${brickOn("n3").path} of the same set is offline`));
            assert.deepEqual(await glusterBricks(n1), brickNames(bricks), "no brick was replaced");
            assert.deepEqual((await hosts.get("n2")!.run(["lvs", "--noheadings", "-o", "lv_name"])).stdout.split("\n").map((line) => line.trim()).filter(Boolean).sort(), [`brick_${failing.id}`, `tp_${failing.id}`], "no new brick was made");
            await n1.run(glusterArgs("volume", "start", VOLUME, "force"));
            await waitForHeal(n1, VOLUME);

            // 3. The disk under n2's brick dies (its brick process with it): up replaces the offline brick.
            await killBrick(hosts.get("n2")!, failing);
            const replaced = await engine.up();
            console.log(`      up replacing the offline brick of a failed device: ${(replaced.durationMs / 1000).toFixed(1)} s`);
            bricks = replaced.outputs.bricks.value as VolumeBrick[];
            const keptOnN2 = lab.nodes[1].devices.find((path) => path !== failing.device)!;
            assert.equal(brickOn("n2").vgName, vgNames.n2[keptOnN2]);
            assert.deepEqual(await glusterBricks(n1), brickNames(bricks));
            assert.deepEqual(await volumeGroups(hosts.get("n2")!), [vgNames.n2[keptOnN2], failing.vgName].sort(), "a failed device keeps its volume group until it is removed");
            assert.equal((await hosts.get("n2")!.run(["lvs", "--noheadings", "-o", "lv_name", failing.vgName])).stdout.trim(), "", "but holds no brick");
            assert.deepEqual(await traces(hosts.get("n2")!, failing.vgName), []);
            await waitForHeal(n1, VOLUME);
            assert.equal(await onMount(source, backups, READ), written);

            // Nothing left to do: the next preview plans no change.
            await engine.refresh();
            assert.deepEqual((await engine.preview()).events.changes(), []);

            // 4. n3 loses both its devices: its brick has no other node to go to. Preview says so, up too, and nothing changes.
            const stuck = brickOn("n3");
            const withoutN3 = devices.of;
            devices.of = (node) => (node.name === "n3" ? [] : withoutN3(node));
            for (const operation of ["preview", "up"] as const) {
                const failure = await engine[operation]().then(
                    () => assert.fail(`${operation} accepted a brick with nowhere to go`),
                    (error: unknown) => error as EngineOperationError,
                );
                assert.match(failure.stdout, new RegExp(`volume 'evac': brick ${stuck.host}:${stuck.path} \\(set 0\\) cannot move off its device: no device qualifies: its set's other bricks are on n1 \\(zone 1\\), n2 \\(zone 2\\) and it needs another node`));
            }
            assert.deepEqual(await volumeGroups(hosts.get("n3")!), Object.values(vgNames.n3).sort(), "n3 keeps its devices");
            assert.deepEqual(await glusterBricks(n1), brickNames(bricks));
            devices.of = withoutN3;
        });
    });

    describe("a node (4 nodes)", function () {
        let lab: Lab;
        let engine: EngineStack | undefined;
        const devices: { of: Devices } = { of: (node) => [{ path: node.devices[0] }] };

        before(async function () {
            await labUp(4);
            lab = loadLab();
            await wipeCluster(lab);
        });

        after(async function () {
            try {
                await engine?.destroy().catch((error: unknown) => console.log(`      clean-up: destroy failed: ${error}`));
                await engine?.dispose();
                await wipeCluster(lab);
            } finally {
                await closeAll();
                await labNode("remove", "n4");
            }
        });

        it("replaces the first node by a new one: its bricks move there, it is detached and nothing is left on it", async function () {
            const [first, second, third, fourth] = lab.nodes;
            devices.of = (node) => (node === fourth ? undefined : [{ path: node.devices[0] }]);
            engine = await evacuationStack(lab, "evacuation-node", devices);
            const { outputs } = await engine.up();
            let source = outputs.mountSource.value as string;
            let backups = outputs.backups.value as string[];
            let bricks = outputs.bricks.value as VolumeBrick[];
            const old = bricks.find((brick) => brick.node === first.name)!;
            const written = await onMount(source, backups, WRITE);

            // A new node joins; nothing moves yet.
            devices.of = (node) => [{ path: node.devices[0] }];
            const joined = await engine.up();
            assert.deepEqual(joined.outputs.bricks.value, bricks, "a node joining moves no brick");

            // The first node (the one the others were probed from) leaves.
            devices.of = (node) => (node === first ? undefined : [{ path: node.devices[0] }]);
            const preview = await engine.preview();
            assert.match(preview.stdout, new RegExp(`brick ${old.host}:${old.path} moves to ${fourth.name} ${fourth.devices[0]} \\(node ${first.name} is removed from the cluster\\)`));
            assert.deepEqual(
                steps(preview.events.changes()),
                // The second node becomes the first; the others are now probed from it.
                ["delete device:Device", "delete node:Bootstrap", "delete node:Node", "update node:Node", "update node:Node", "update node:Node", "update volume:Volume"],
            );

            const moved = await engine.up();
            console.log(`      up moving the first node's brick to the new node, detaching it: ${(moved.durationMs / 1000).toFixed(1)} s`);
            bricks = moved.outputs.bricks.value as VolumeBrick[];
            // Mount through the hosts the volume has now: the one that left no longer serves it.
            source = moved.outputs.mountSource.value as string;
            backups = moved.outputs.backups.value as string[];
            assert.ok(![source.split(":")[0], ...backups].includes(first.host), `${first.name} is no longer a volfile server`);
            assert.deepEqual(bricks.map((brick) => brick.node).sort(), [second.name, third.name, fourth.name]);
            const newFirst = labExecutor(second);
            assert.deepEqual(await glusterBricks(newFirst), brickNames(bricks));
            const pool = parsePoolList((await newFirst.run(glusterArgs("pool", "list"))).stdout);
            assert.deepEqual(pool.map((peer) => peer.hostname).filter((name) => name !== "localhost").sort(), [third.host, fourth.host], `${first.name} left the pool`);
            const gone = labExecutor(first);
            assert.deepEqual(parsePoolList((await gone.run(glusterArgs("pool", "list"))).stdout).map((peer) => peer.hostname), ["localhost"], `${first.name} is a pool of its own`);
            assert.deepEqual(await volumeGroups(gone), [], `${first.name} keeps no volume group`);
            assert.deepEqual(await traces(gone, old.vgName), []);
            await waitForHeal(newFirst, VOLUME);
            assert.equal(await onMount(source, backups, READ), written);
        });
    });
});
