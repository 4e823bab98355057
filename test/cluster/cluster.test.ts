// GlusterCluster through the real Pulumi engine on the lab's storage nodes: a three-node pool
// with its devices, a device that holds data, drift found by refresh, and a destroy that leaves
// the nodes blank. What the hosts say is checked on the hosts (over SSH), not in Pulumi state.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { GlusterCluster } from "../../components/cluster";
import { GLUSTER_DEVICE_TYPE, vgNameFor } from "../../components/device";
import { GLUSTER_NODE_TYPE } from "../../components/node";
import { closeAll, glusterArgs, parsePoolList, parsePvs, parseVgs, pvsArgs, SshExecutor, vgsArgs } from "../../components/remote";
import { EngineOperationError, EngineStack } from "../engine/automation";
import { Lab, LabNode, labExecutor, loadLab } from "../lab/lab";

/** How the program declares the spare device (the last device of the last node). */
type SpareDevice = "left out" | "declared" | "declared with destroyData";

interface StateResource {
    urn: string;
    type: string;
}

describe("cluster: GlusterCluster on the lab through the real engine", function () {
    let lab: Lab;
    let hosts: Map<string, SshExecutor>;
    let privateKey: string;
    let spareNode: LabNode;
    let sparePath: string;
    let spare: SpareDevice = "left out";
    let engine: EngineStack;
    /** Everything the CLI printed and the exported states, for the secret check at the end. */
    const printed: string[] = [];

    function declaredDevices(node: LabNode): string[] {
        return node === spareNode && spare === "left out" ? node.devices.slice(0, -1) : node.devices;
    }

    function program(): Record<string, pulumi.Output<unknown>> {
        const cluster = new GlusterCluster("lab", {
            nodes: lab.nodes.map((node) => ({
                name: node.name,
                manageHost: node.host,
                storageHost: node.host,
                zone: node.zone,
                connection: { user: node.user, port: node.port, privateKey: pulumi.secret(readFileSync(node.privateKeyPath, "utf8")), hostKey: node.hostKey },
                devices: declaredDevices(node).map((path) => ({
                    path,
                    tags: { node: node.name },
                    destroyData: node === spareNode && path === sparePath && spare === "declared with destroyData",
                })),
            })),
            zoneChecking: "none",
        });
        return { topology: cluster.topology, nodeUuids: cluster.nodeUuids, vgNames: cluster.vgNames };
    }

    function host(node: LabNode): SshExecutor {
        const executor = hosts.get(node.name);
        assert.ok(executor);
        return executor;
    }

    async function peersSeenBy(node: LabNode) {
        return parsePoolList((await host(node).run(glusterArgs("pool", "list"))).stdout).filter((peer) => peer.hostname !== "localhost");
    }

    /** The lab devices of a node that are PVs, with their VG ("" for none). */
    async function physicalVolumes(node: LabNode): Promise<Map<string, string>> {
        const pvs = parsePvs((await host(node).run(pvsArgs())).stdout);
        return new Map(pvs.filter((pv) => node.devices.includes(pv.pvName)).map((pv) => [pv.pvName, pv.vgName ?? ""]));
    }

    async function signatures(node: LabNode, path: string): Promise<string> {
        return (await host(node).run(["wipefs", "--no-act", "--noheadings", "--output", "TYPE", path])).stdout.trim();
    }

    /** The resources in state; the exported text is kept for the secret check. */
    async function stateResources(): Promise<StateResource[]> {
        const exported = await engine.exportState();
        printed.push(JSON.stringify(exported));
        return (exported.deployment as { resources?: StateResource[] }).resources ?? [];
    }

    /** Polls `probe` until it returns nothing, for state that gluster spreads asynchronously. */
    async function eventually(what: string, probe: () => Promise<string[]>, timeoutMs = 60_000): Promise<void> {
        const deadline = Date.now() + timeoutMs;
        let problems = await probe();
        while (problems.length > 0 && Date.now() < deadline) {
            await new Promise((resolve) => setTimeout(resolve, 1_000));
            problems = await probe();
        }
        assert.deepEqual(problems, [], what);
    }

    /** Leaves every node as the lab made it: no peers, no PVs or VGs, no signatures on its devices. */
    async function blankNodes(): Promise<void> {
        for (const node of lab.nodes) {
            for (const peer of await peersSeenBy(node)) {
                await host(node).tryRun(glusterArgs("peer", "detach", peer.hostname, "force"));
            }
        }
        await Promise.all(
            lab.nodes.map(async (node) => {
                for (const [path, vgName] of await physicalVolumes(node)) {
                    if (vgName !== "") {
                        await host(node).run(["vgremove", "-qq", "-ff", "-y", vgName]);
                    }
                    await host(node).run(["pvremove", "-qq", "-ff", "-y", path]);
                }
                for (const path of node.devices) {
                    await host(node).run(["wipefs", "--all", "--quiet", path]);
                }
            }),
        );
    }

    before(async function () {
        lab = loadLab();
        assert.ok(lab.nodes.length >= 3, "the lab has at least 3 nodes");
        spareNode = lab.nodes[lab.nodes.length - 1];
        sparePath = spareNode.devices[spareNode.devices.length - 1];
        assert.ok(spareNode.devices.length >= 2, "the last node has a spare device besides its first");
        privateKey = readFileSync(lab.nodes[0].privateKeyPath, "utf8");
        hosts = new Map(lab.nodes.map((node) => [node.name, labExecutor(node)]));
        await blankNodes(); // a failed earlier run may have left peers or VGs behind
        engine = await EngineStack.create({ projectName: "gluster-cluster", program: async () => program() });
    });

    after(async function () {
        await engine?.dispose();
        await closeAll();
    });

    it("up: every node sees the others as connected peers, and each device is a PV in its own VG", async function () {
        const up = await engine.up();
        printed.push(up.stdout);
        console.log(`      up took ${(up.durationMs / 1000).toFixed(1)} s`);
        const declaredCount = lab.nodes.reduce((count, node) => count + declaredDevices(node).length, 0);
        assert.equal(up.events.changes(GLUSTER_NODE_TYPE).length, lab.nodes.length);
        assert.equal(up.events.changes(GLUSTER_DEVICE_TYPE).length, declaredCount);

        const uuids = up.outputs.nodeUuids.value as Record<string, string>;
        await eventually("every node lists the others as connected, in-cluster peers", async () => {
            const problems: string[] = [];
            for (const node of lab.nodes) {
                const peers = await peersSeenBy(node);
                for (const other of lab.nodes.filter((candidate) => candidate !== node)) {
                    const peer = peers.find((candidate) => candidate.uuid === uuids[other.name]);
                    if (!peer?.connected || peer.state !== "Peer in Cluster") {
                        problems.push(`${node.name} sees ${other.name} as ${peer ? `${peer.connected ? "connected" : "disconnected"}, ${peer.state}` : "missing"}`);
                    }
                }
                if (peers.length !== lab.nodes.length - 1) {
                    problems.push(`${node.name} has ${peers.length} peers`);
                }
            }
            return problems;
        });

        const vgNames = up.outputs.vgNames.value as Record<string, Record<string, string>>;
        for (const node of lab.nodes) {
            const pvs = await physicalVolumes(node);
            const expected = new Map(declaredDevices(node).map((path) => [path, vgNameFor(node.name, path)]));
            assert.deepEqual(pvs, expected, `${node.name}: PVs and their VGs`);
            assert.deepEqual(vgNames[node.name], Object.fromEntries(expected));
            for (const vgName of expected.values()) {
                const [group] = parseVgs((await host(node).run(vgsArgs([vgName]))).stdout);
                assert.equal(group.pvCount, 1);
                assert.ok(group.vgSize > 9 * 1024 ** 3, `${vgName} spans the 10 GiB device`);
            }
        }

        const resources = await stateResources();
        assert.equal(resources.filter(({ type }) => type === GLUSTER_DEVICE_TYPE).length, declaredCount);
        assert.equal(up.outputs.topology.secret, true, "the topology output is a secret");
        const topology = up.outputs.topology.value as { nodes: Array<{ name: string; zone: number; devices: Array<{ vgName: string; tags: Record<string, string> }> }> };
        assert.deepEqual(topology.nodes.map(({ name, zone }) => ({ name, zone })), lab.nodes.map(({ name, zone }) => ({ name, zone })));
        assert.deepEqual(topology.nodes[0].devices[0], { path: lab.nodes[0].devices[0], vgName: vgNameFor(lab.nodes[0].name, lab.nodes[0].devices[0]), tags: { node: lab.nodes[0].name } });
    });

    it("preview after up plans no changes", async function () {
        const preview = await engine.preview();
        printed.push(preview.stdout);
        assert.deepEqual(preview.events.changes(), []);
        assert.deepEqual(Object.keys(preview.changeSummary), ["same"]);
    });

    it("refuses a device that holds a filesystem unless destroyData is set", async function () {
        await host(spareNode).run(["mkfs.xfs", "-q", "-f", sparePath]);
        spare = "declared";
        const refused = await engine.up().then(
            () => assert.fail("up accepted a device holding an XFS filesystem"),
            (error: unknown) => {
                assert.ok(error instanceof EngineOperationError, String(error));
                return error;
            },
        );
        printed.push(refused.stdout, refused.message);
        const [diagnostic] = refused.events.diagnostics("error").filter(({ urn }) => urn?.includes(GLUSTER_DEVICE_TYPE));
        assert.ok(diagnostic, refused.message);
        assert.match(
            diagnostic.message,
            new RegExp(`${spareNode.name} \\(${spareNode.host.replace(/\./g, "\\.")}\\): device ${sparePath} is not empty: wipefs found xfs at offset 0x0\\. .*set destroyData: true`),
        );
        assert.equal(await signatures(spareNode, sparePath), "xfs", "the refused device is untouched");
        assert.equal((await physicalVolumes(spareNode)).has(sparePath), false);

        spare = "declared with destroyData";
        const wiped = await engine.up();
        printed.push(wiped.stdout);
        assert.deepEqual(wiped.events.changes(GLUSTER_DEVICE_TYPE).map(({ op }) => op), ["create"]);
        assert.equal((await physicalVolumes(spareNode)).get(sparePath), vgNameFor(spareNode.name, sparePath));
    });

    it("refresh reports a device whose VG was removed by hand, and a node detached by hand, as gone", async function () {
        const vgName = vgNameFor(spareNode.name, sparePath);
        await host(spareNode).run(["vgremove", "-qq", vgName]);
        await host(spareNode).run(["pvremove", "-qq", sparePath]);
        await host(lab.nodes[0]).run(glusterArgs("peer", "detach", spareNode.host));

        const refreshed = await engine.refresh();
        printed.push(refreshed.stdout);
        assert.equal(refreshed.events.resourceChanges().delete, 2, JSON.stringify(refreshed.events.resourceChanges()));
        const remaining = (await stateResources()).map(({ urn }) => urn.split("::").pop());
        const spareDevice = `lab-${spareNode.name}-${sparePath.replace(/^\/dev\//, "")}`;
        assert.ok(!remaining.includes(spareDevice), `${spareDevice} is still in state`);
        assert.ok(!remaining.includes(`lab-${spareNode.name}`), `node lab-${spareNode.name} is still in state`);
        assert.ok(remaining.includes(`lab-${spareNode.name}-${spareNode.devices[0].replace(/^\/dev\//, "")}`), "the node's other device stays");

        // The next up puts both back: the node is probed again and the device gets its VG again.
        const restored = await engine.up();
        printed.push(restored.stdout);
        assert.deepEqual(restored.events.changes().map(({ op, urn }) => `${op} ${urn.split("::").pop()}`).sort(), [`create lab-${spareNode.name}`, `create ${spareDevice}`]);
        assert.equal((await physicalVolumes(spareNode)).get(sparePath), vgName);
        assert.ok((await peersSeenBy(lab.nodes[0])).some((peer) => peer.hostname === spareNode.host && peer.connected));
    });

    it("destroy refuses a device whose VG holds a logical volume, naming it", async function () {
        const [node] = lab.nodes;
        const vgName = vgNameFor(node.name, node.devices[0]);
        await host(node).run(["lvcreate", "-qq", "--autobackup=n", "--size", "8M", "--name", "brick_by_hand", vgName]);
        try {
            const refused = await engine.destroy().then(
                () => assert.fail("destroy removed a VG that holds a logical volume"),
                (error: unknown) => {
                    assert.ok(error instanceof EngineOperationError, String(error));
                    return error;
                },
            );
            printed.push(refused.stdout, refused.message);
            const messages = refused.events.diagnostics("error").map(({ message }) => message).join("\n");
            assert.match(messages, new RegExp(`${node.name} \\(${node.host.replace(/\./g, "\\.")}\\): device ${node.devices[0]} \\(volume group ${vgName}\\) still holds logical volumes brick_by_hand`));
            assert.equal((await physicalVolumes(node)).get(node.devices[0]), vgName, "the refused VG is untouched");
        } finally {
            await host(node).run(["lvremove", "-qq", "-f", `${vgName}/brick_by_hand`]);
        }
    });

    it("destroy leaves no PV or VG on any device and no peers on any node", async function () {
        const destroyed = await engine.destroy();
        printed.push(destroyed.stdout);
        console.log(`      the rest of destroy took ${(destroyed.durationMs / 1000).toFixed(1)} s`);
        assert.deepEqual(await stateResources(), []);
        for (const node of lab.nodes) {
            assert.deepEqual([...(await physicalVolumes(node)).keys()], [], `${node.name} still has PVs`);
            const groups = parseVgs((await host(node).run(vgsArgs())).stdout).filter(({ vgName }) => vgName.startsWith("vg_"));
            assert.deepEqual(groups, [], `${node.name} still has volume groups`);
        }
        await eventually("no node has peers left", async () => {
            const problems: string[] = [];
            for (const node of lab.nodes) {
                const peers = await peersSeenBy(node);
                if (peers.length > 0) {
                    problems.push(`${node.name} still has peers ${peers.map(({ hostname }) => hostname).join(", ")}`);
                }
            }
            return problems;
        });
    });

    it("kept the private key out of every exported state and everything the engine printed", async function () {
        const keyLines = privateKey.split("\n").filter((line) => line.length >= 16 && !line.startsWith("-----"));
        assert.ok(keyLines.length > 0);
        assert.ok(printed.some((text) => text.includes("ciphertext")), "a state with encrypted connections was checked");
        for (const text of printed) {
            assert.ok(!text.includes(privateKey.trim()), "the whole private key appears");
            for (const line of keyLines) {
                assert.ok(!text.includes(line), "a line of the private key appears");
            }
        }
    });
});
