// Moving off heketi on the lab: the nodes are peers, each first device holds a volume group named
// as heketi names them, and a replica 3 volume lives there with data, all made with heketi's own
// commands. GlusterCluster.fromHeketiTopology takes the nodes and VGs over, GlusterVolume with
// adopt takes the volume over, nothing on the hosts changes, and preview then plans nothing.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { closeAll, GlusterCluster, GlusterVolume, type VolumeBrick } from "../../components";
import { glusterArgs, glusterCommand, parsePoolList } from "../../components/remote";
import { pvcreateArgs, vgcreateArgs } from "../../components/device";
import { volumeStartArgs } from "../../components/access";
import { brickMount, brickPath, fstabAddArgs, lvcreateArgs, mkfsArgs, mountArgs, volumeCreateArgs } from "../../components/volume";
import { EngineOperationError, EngineStack } from "../engine/automation";
import { leftovers, onMount, waitFor, wipeCluster } from "../lab/cluster-fixture";
import { labExecutor, loadLab, type Lab } from "../lab/lab";

const VOLUME_TYPE = "pulumi-nodejs:dynamic/gluster/volume:Volume";

describe("cluster: taking over what heketi made", function () {
    let lab: Lab;
    const hex = (bytes: number) => randomBytes(bytes).toString("hex");

    before(async function () {
        lab = loadLab();
        await wipeCluster(lab);
    });

    after(async function () {
        try {
            await wipeCluster(lab);
        } finally {
            await closeAll();
        }
    });

    it("adopts heketi's nodes, volume groups and volume without touching data; preview then plans nothing", async function () {
        const hosts = lab.nodes.map((node) => labExecutor(node));
        const [n1] = hosts;
        // What heketi leaves: a pool, one VG per device named vg_<32 hex>, bricks in its layout.
        for (const node of lab.nodes.slice(1)) {
            await n1.run(glusterCommand(["peer", "probe", node.host], { timeoutSeconds: 600 }));
        }
        const bricks = lab.nodes.map((node) => ({ id: hex(16), vgName: `vg_${hex(16)}`, sizeBytes: 1024 ** 3, poolBytes: 1024 ** 3, poolMetadataBytes: 8 * 1024 ** 2, node, host: hosts[lab.nodes.indexOf(node)] }));
        await Promise.all(
            bricks.map(async (brick) => {
                const device = brick.node.devices[0];
                for (const argv of [pvcreateArgs(device), vgcreateArgs(brick.vgName, device), lvcreateArgs(brick), mkfsArgs(brick), ["mkdir", "-p", brickMount(brick)], fstabAddArgs(brick), mountArgs(brick), ["mkdir", "-p", brickPath(brick)]]) {
                    await brick.host.run(argv);
                }
            }),
        );
        const durability = { type: "replicate", replica: 3 } as const;
        await waitForPeers(n1, lab.nodes.length - 1);
        await n1.run(volumeCreateArgs("legacy", durability, bricks.map((brick) => `${brick.node.host}:${brickPath(brick)}`)));
        await n1.run(volumeStartArgs("legacy"));
        const source = `${lab.nodes[0].host}:/legacy`;
        const backups = lab.nodes.slice(1).map((node) => node.host);
        await onMount(source, backups, "echo from the heketi era > old.txt");
        const lvsBefore = await Promise.all(bricks.map(async (brick) => (await leftovers(brick.host, brick.vgName)).lvs));

        // heketi's topology.json for these nodes, as `heketi-cli topology load` read it.
        const topology = {
            clusters: [{ nodes: lab.nodes.map((node) => ({ node: { hostnames: { manage: [node.host], storage: [node.host] }, zone: node.zone }, devices: [node.devices[0]] })) }],
        };
        let size = "2Gi";
        const engine = await EngineStack.create({
            projectName: "heketi-migration",
            program: async () => {
                const cluster = GlusterCluster.fromHeketiTopology("migrated", topology, {
                    privateKey: pulumi.secret(readFileSync(lab.nodes[0].privateKeyPath, "utf8")),
                    hostKeys: Object.fromEntries(lab.nodes.map((node) => [node.host, node.hostKey])),
                });
                const volume = new GlusterVolume("legacy", { cluster, size, durability, adopt: true });
                return { vgNames: cluster.vgNames, bricks: volume.bricks, sizeBytes: volume.sizeBytes };
            },
        });
        try {
            await assert.rejects(engine.up(), (error: unknown) => {
                assert.ok(error instanceof EngineOperationError);
                assert.match(error.message, /adopting volume 'legacy' holds 1Gi on the hosts, but size declares 2Gi; declare size: '1Gi'/);
                return true;
            });
            size = "1Gi";
            const { outputs, events } = await engine.up();
            assert.deepEqual(events.changes(VOLUME_TYPE).map(({ op }) => op), ["create"]);
            const vgNames = outputs.vgNames.value as Record<string, Record<string, string>>;
            assert.deepEqual(
                lab.nodes.map((node) => vgNames[node.host.replace(/\./g, "-")][node.devices[0]]),
                bricks.map((brick) => brick.vgName),
                "each device took over heketi's VG",
            );
            assert.deepEqual(
                (outputs.bricks.value as VolumeBrick[]).map((brick) => [brick.host, brick.path, brick.sizeBytes]),
                bricks.map((brick) => [brick.node.host, brickPath(brick), 1024 ** 3]),
            );
            const lvsAfter = await Promise.all(bricks.map(async (brick) => (await leftovers(brick.host, brick.vgName)).lvs));
            assert.deepEqual(lvsAfter, lvsBefore, "no LV was made or removed");
            assert.equal(await onMount(source, backups, "cat old.txt"), "from the heketi era\n");
            assert.deepEqual((await engine.preview()).events.changes(), [], "preview plans nothing after the takeover");

            await engine.destroy();
            for (const brick of bricks) {
                assert.equal((await brick.host.run(["vgs", "--noheadings", "-o", "vg_name"])).stdout.trim(), "", `${brick.node.name}: no VG left`);
            }
        } finally {
            await engine.dispose();
        }
    });
});

async function waitForPeers(host: ReturnType<typeof labExecutor>, count: number): Promise<void> {
    await waitFor(`${host.label}: ${count} peers joined`, 60_000, 1000, async () => {
        const peers = parsePoolList((await host.run(glusterArgs("pool", "list"))).stdout).filter((peer) => peer.hostname !== "localhost");
        return { done: peers.filter((peer) => peer.connected && peer.state === "Peer in Cluster").length === count ? true : undefined, seen: JSON.stringify(peers) };
    });
}
