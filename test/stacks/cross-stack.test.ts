// A platform team's split: one stack owns the cluster (nodes and devices), another the volumes,
// reading the cluster's topology through a StackReference. Real engine, lab hosts.
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { closeAll, GlusterCluster, GlusterVolume } from "../../components";
import { parseVolumeInfo, volumeInfoArgs } from "../../components/remote";
import { loadLab } from "../lab/lab";
import { labClusterArgs } from "../lab/lab";
import type { VolumeBrick } from "../../components/volume";
import { EngineOperationError, EngineStack } from "../engine/automation";
import { labExecutor } from "../lab/lab";

describe("stacks: volumes in a stack of their own, on a cluster from another stack", function () {
    const lab = loadLab();
    const host = labExecutor(lab.nodes[0]);
    let clusterStack: EngineStack | undefined;
    let volumeStack: EngineStack | undefined;
    /** What the cluster stack declares of a device, by node and path: as is, failed, or not at all. */
    let deviceState: (node: string, path: string) => "online" | "failed" | "removed" = () => "online";

    before(async function () {
        clusterStack = await EngineStack.create(
            {
                projectName: "storage-cluster",
                program: async () => {
                    const args = labClusterArgs(lab);
                    const nodes = args.nodes.map((node) => ({
                        ...node,
                        devices: node.devices.flatMap((device) => {
                            const state = deviceState(node.name, device.path);
                            return state === "removed" ? [] : [state === "failed" ? { ...device, state } : device];
                        }),
                    }));
                    return { topology: new GlusterCluster("lab", { ...args, nodes }).topology };
                },
            },
            { stackName: "prod" },
        );
        volumeStack = await EngineStack.create(
            {
                projectName: "storage-volumes",
                program: async () => {
                    const cluster = new pulumi.StackReference("organization/storage-cluster/prod");
                    const volume = new GlusterVolume("shared", {
                        cluster: cluster.requireOutput("topology"),
                        size: "1Gi",
                        durability: { type: "replicate", replica: 3 },
                    });
                    return { mountSource: volume.mountSource, bricks: volume.bricks };
                },
            },
            { stackName: "prod", sameBackendAs: clusterStack },
        );
    });

    after(async function () {
        await volumeStack?.dispose();
        await clusterStack?.dispose();
        await closeAll();
    });

    it("creates the volume from the referenced topology", async function () {
        await clusterStack!.up();
        const { outputs } = await volumeStack!.up();
        assert.match(String(outputs.mountSource.value), /^10\.77\.0\.1\d:\/shared$/);
        const [info] = parseVolumeInfo((await host.run(volumeInfoArgs("shared"))).stdout);
        assert.equal(info.status, "Started");
        assert.deepEqual([...new Set(info.bricks.map((brick) => brick.host))].sort(), lab.nodes.map((node) => node.host).sort());
    });

    it("keeps the topology, keys included, secret in the volume stack's state", async function () {
        const state = JSON.stringify(await volumeStack!.exportState());
        const privateKeyLines = readFileSync(lab.nodes[0].privateKeyPath, "utf8").split("\n").filter((line) => line.length > 20 && !line.startsWith("-----"));
        assert.ok(privateKeyLines.length > 0);
        for (const line of privateKeyLines) {
            assert.ok(!state.includes(line), "no line of the private key is stored in plain text");
        }
        for (const node of lab.nodes) {
            assert.ok(!state.includes(node.hostKey.split(" ")[1]), "the topology is stored encrypted as a whole");
        }
    });

    it("retires a device: removing it first is refused; marked failed, the volume stack moves its brick off; then it goes", async function () {
        const before = (await volumeStack!.up()).outputs.bricks.value as VolumeBrick[];
        const brick = before.find((candidate) => candidate.node === lab.nodes[0].name)!;
        deviceState = (node, path) => (node === brick.node && path === brick.device ? "removed" : "online");
        const refused = await clusterStack!.up().then(
            () => assert.fail("the cluster stack removed a device holding a brick of another stack's volume"),
            (error: unknown) => error as EngineOperationError,
        );
        assert.match(refused.message, new RegExp(`device ${brick.device} \\(volume group ${brick.vgName}\\) still holds logical volumes brick_${brick.id}, tp_${brick.id}; .*for volumes managed elsewhere \\(another stack\\), mark the device failed, update those volumes, then remove it`));

        deviceState = (node, path) => (node === brick.node && path === brick.device ? "failed" : "online");
        await clusterStack!.up();
        const after = (await volumeStack!.up()).outputs.bricks.value as VolumeBrick[];
        const moved = after.find((candidate) => candidate.setIndex === brick.setIndex && candidate.node === brick.node)!;
        assert.notEqual(moved.vgName, brick.vgName, "the brick left the failed device");
        const [info] = parseVolumeInfo((await host.run(volumeInfoArgs("shared"))).stdout);
        assert.deepEqual(info.bricks.map((entry) => `${entry.host}:${entry.path}`), after.map((entry) => `${entry.host}:${entry.path}`));

        deviceState = (node, path) => (node === brick.node && path === brick.device ? "removed" : "online");
        await clusterStack!.up();
        assert.ok(!(await host.run(["vgs", "--noheadings", "-o", "vg_name"])).stdout.includes(brick.vgName), "the device's volume group is gone");
        // The volume stack takes the new topology (nothing moves), then has nothing left to do.
        const settled = await volumeStack!.up();
        assert.doesNotMatch(settled.stdout, /moving brick/);
        assert.deepEqual((await volumeStack!.preview()).events.changes(), []);
    });

    it("destroys the volumes first, then the cluster, leaving no volume or VG", async function () {
        await volumeStack!.destroy();
        assert.equal((await host.tryRun(volumeInfoArgs("shared"))).stdout.includes("<opRet>0</opRet>"), false);
        await clusterStack!.destroy();
        assert.equal((await host.run(["vgs", "--noheadings"])).stdout.trim(), "");
    });
});
