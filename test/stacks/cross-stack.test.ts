// A platform team's split: one stack owns the cluster (nodes and devices), another the volumes,
// reading the cluster's topology through a StackReference. Real engine, lab hosts.
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { closeAll, GlusterCluster, GlusterVolume, parseVolumeInfo, volumeInfoArgs } from "../../components";
import { loadLab } from "../../stacks/lab/lab";
import { labClusterArgs } from "../../stacks/lab/program";
import { EngineStack } from "../engine/automation";
import { labExecutor } from "../lab/lab";

describe("stacks: volumes in a stack of their own, on a cluster from another stack", function () {
    const lab = loadLab();
    const host = labExecutor(lab.nodes[0]);
    let clusterStack: EngineStack | undefined;
    let volumeStack: EngineStack | undefined;

    before(async function () {
        clusterStack = await EngineStack.create(
            { projectName: "storage-cluster", program: async () => ({ topology: new GlusterCluster("lab", labClusterArgs(lab)).topology }) },
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
                    return { mountSource: volume.mountSource };
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

    it("destroys the volumes first, then the cluster, leaving no volume or VG", async function () {
        await volumeStack!.destroy();
        assert.equal((await host.tryRun(volumeInfoArgs("shared"))).stdout.includes("<opRet>0</opRet>"), false);
        await clusterStack!.destroy();
        assert.equal((await host.run(["vgs", "--noheadings"])).stdout.trim(), "");
    });
});
