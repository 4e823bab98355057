// GlusterVolume through the real Pulumi engine on the lab's storage hosts: the whole life of a
// replica 3 volume, checked on the hosts and through a FUSE mount, preview-time validation, and
// creates that fail half way (a conflicting LV, a node losing power) and must leave nothing behind.
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterTopology } from "../../components/access";
import { closeAll, glusterArgs, lvsArgs, parseLvs, parseVolumeInfo, parseVolumeStatus, type SshExecutor } from "../../components/remote";
import { brickId, brickMount, fstabLine, GlusterVolume, type GlusterVolumeArgs, VOLUME_PRESETS, type VolumeBrick } from "../../components/volume";
import { GlusterSnapshot, GlusterVolumeClone } from "../../components/snapshot";
import { EngineOperationError, EngineStack } from "../engine/automation";
import { type Lab, labNode, loadLab } from "../lab/lab";
import { glusterVolumes, leftovers, onMount, prepareCluster, waitFor, wipeBricks, type LabCluster } from "../lab/cluster-fixture";

const VOLUME_TYPE = "pulumi-nodejs:dynamic/gluster/volume:Volume";

type VolumeSettings = Omit<GlusterVolumeArgs, "cluster">;

/** An inline program declaring one GlusterVolume; `settings` may change between operations. */
function volumeStack(topology: ClusterTopology, resourceName: string, settings: () => VolumeSettings, projectName = "volume-test"): Promise<EngineStack> {
    return EngineStack.create({
        projectName,
        program: async () => {
            const volume = new GlusterVolume(resourceName, { cluster: topology, ...settings() });
            return {
                volumeName: volume.volumeName,
                sizeBytes: volume.sizeBytes,
                mountSource: volume.mountSource,
                backupVolfileServers: volume.backupVolfileServers,
                bricks: volume.bricks,
            } satisfies Record<string, pulumi.Output<unknown>>;
        },
    });
}

async function volumeInfo(host: SshExecutor, name: string) {
    const [info] = parseVolumeInfo((await host.run(glusterArgs("volume", "info", name))).stdout);
    return info;
}

async function assertNothingLeft(cluster: LabCluster, volumeName: string, allowedLvs: Map<string, string[]> = new Map()): Promise<void> {
    for (const [node, host] of cluster.hosts) {
        const left = await leftovers(host, cluster.vgNames.get(node)!);
        assert.deepEqual(
            { ...left, lvs: left.lvs.filter((lv) => !(allowedLvs.get(node) ?? []).includes(lv)) },
            { lvs: [], mounts: [], fstabLines: [], mountDirs: [] },
            `${node} has leftovers`,
        );
        assert.ok(!(await glusterVolumes(host)).includes(volumeName), `${node} still lists volume ${volumeName}`);
    }
}

/** The volume's outputs as stored in state (plain values only; the topology stays encrypted). */
async function volumeState(engine: EngineStack): Promise<Record<string, unknown>> {
    const { deployment } = await engine.exportState();
    const resources = (deployment as { resources?: Array<{ type: string; outputs?: Record<string, unknown> }> }).resources ?? [];
    const volume = resources.find(({ type }) => type === VOLUME_TYPE);
    assert.ok(volume?.outputs, "the volume is in state");
    return volume.outputs;
}

function privateKeyLines(topology: ClusterTopology): string[] {
    return topology.nodes[0].connection.privateKey.split("\n").filter((line) => line.length >= 16 && !line.startsWith("-----"));
}

describe("volume: GlusterVolume on the lab through the real engine", function () {
    let lab: Lab;
    let cluster: LabCluster;

    before(async function () {
        lab = loadLab();
        cluster = await prepareCluster(lab, "volume-test-cluster");
    });

    after(async function () {
        try {
            await cluster?.dispose();
        } finally {
            await closeAll();
        }
    });

    describe("a replica 3 volume's life", function () {
        let settings: VolumeSettings = { size: "1Gi", durability: { type: "replicate", replica: 3 }, options: { "performance.cache-size": "32MB" } };
        let engine: EngineStack;
        let mountSource: string;
        let backups: string[];
        let bricks: VolumeBrick[];

        before(async function () {
            engine = await volumeStack(cluster.topology, "web", () => settings);
        });
        after(async function () {
            await engine?.dispose();
        });

        it("refuses invalid inputs at preview, naming the field", async function () {
            const valid = settings;
            try {
                for (const [bad, field] of [
                    [{ size: "100Mi" }, /property size (value \{[^}]*\} )?has a problem: '100Mi' gives bricks of 100Mi, but XFS needs at least 300Mi/],
                    [{ durability: { type: "replicate", replica: 4 } }, /property durability\.replica (value \{[^}]*\} )?has a problem: 4 is not supported/],
                    [{ name: "bad name" }, /property name (value \{[^}]*\} )?has a problem: 'bad name' may only contain/],
                    [{ options: { "performance.cache-size": 32 as unknown as string } }, /property options\["performance\.cache-size"\] (value \{[^}]*\} )?has a problem: 32 is not an option value/],
                ] as const) {
                    settings = { ...valid, ...bad } as VolumeSettings;
                    await assert.rejects(engine.preview(), (error: unknown) => {
                        assert.ok(error instanceof EngineOperationError);
                        assert.match(error.message, field);
                        return true;
                    });
                }
            } finally {
                settings = valid;
            }
        });

        it("creates the volume: bricks mounted with fstab lines, volume Started, no key in state", async function () {
            const started = performance.now();
            const result = await engine.up();
            console.log(`      create of a replica 3 1Gi volume: ${((performance.now() - started) / 1000).toFixed(1)} s`);
            assert.deepEqual(result.events.changes(VOLUME_TYPE).map(({ op }) => op), ["create"]);
            mountSource = result.outputs.mountSource.value as string;
            backups = result.outputs.backupVolfileServers.value as string[];
            bricks = result.outputs.bricks.value as VolumeBrick[];
            assert.equal(result.outputs.volumeName.value, "web");
            assert.equal(bricks.length, 3);
            assert.deepEqual(new Set(bricks.map((brick) => brick.node)), new Set(["n1", "n2", "n3"]));
            assert.equal(backups.length, 2);
            for (const brick of bricks) {
                const host = cluster.hosts.get(brick.node)!;
                assert.equal((await host.tryRun(["mountpoint", "-q", brickMount(brick)])).exitCode, 0, `${brick.node}: ${brickMount(brick)} is mounted`);
                const fstab = (await host.run(["cat", "/etc/fstab"])).stdout.split("\n");
                assert.equal(fstab.filter((line) => line === fstabLine(brick)).length, 1, `${brick.node}: one fstab line`);
            }
            const info = await volumeInfo(cluster.hosts.get("n1")!, "web");
            assert.equal(info.status, "Started");
            assert.equal(info.replicaCount, 3);
            assert.equal(info.options["performance.cache-size"], "32MB");
            const state = JSON.stringify(await engine.exportState());
            for (const line of privateKeyLines(cluster.topology)) {
                assert.ok(!state.includes(line), "a private key line is in plain state");
            }
            assert.ok(!result.stdout.includes(privateKeyLines(cluster.topology)[0]), "a private key line is in the engine output");
        });

        it("stores data that a FUSE client reads back", async function () {
            const read = await onMount(mountSource, backups, "echo 'hello gluster' > greeting.txt\ncat greeting.txt");
            assert.equal(read, "hello gluster\n");
        });

        it("changes an option in place; preview says update, and refuses a durability change that would delete the data unless allowed", async function () {
            settings = { ...settings, durability: { type: "replicate", replica: 3, arbiter: true } };
            await assert.rejects(
                engine.preview(),
                /volume 'web': durability changed from replicate 3 to replicate 3 with arbiter, which gluster cannot convert in place, .*keep durability replicate 3 .*or set allowDataLoss: true on this volume/,
            );
            settings = { ...settings, allowDataLoss: true };
            const replace = await engine.preview();
            const replaced = replace.events.changes(VOLUME_TYPE).filter(({ op }) => op === "replace");
            assert.deepEqual(replaced.map(({ replaceKeys }) => replaceKeys), [["durability"]]);

            settings = { ...settings, durability: { type: "replicate", replica: 3 }, allowDataLoss: undefined, options: { "performance.cache-size": "64MB" } };
            const preview = await engine.preview();
            assert.deepEqual(preview.events.changes(VOLUME_TYPE).map(({ op, changedInputs }) => [op, changedInputs]), [["update", ["options"]]]);
            const result = await engine.up();
            assert.deepEqual(result.events.changes(VOLUME_TYPE).map(({ op }) => op), ["update"]);
            assert.equal((await volumeInfo(cluster.hosts.get("n1")!, "web")).options["performance.cache-size"], "64MB");
        });

        it("takes the db-workload preset in place, option by option, and gives it back when dropped", async function () {
            const before = (await volumeInfo(cluster.hosts.get("n1")!, "web")).options;
            settings = { ...settings, preset: "db-workload" };
            const preview = await engine.preview();
            assert.deepEqual(preview.events.changes(VOLUME_TYPE).map(({ op, changedInputs }) => [op, [...(changedInputs ?? [])].sort()]), [["update", ["options", "preset"]]]);
            await engine.up();
            const options = (await volumeInfo(cluster.hosts.get("n1")!, "web")).options;
            for (const [name, value] of Object.entries(VOLUME_PRESETS["db-workload"])) {
                assert.equal(options[name], value, name);
            }
            assert.equal(options["performance.cache-size"], "64MB", "the volume's own option stays");

            settings = { ...settings, preset: undefined };
            await engine.up();
            // Reset to gluster's defaults: gone from the volume's options, or as gluster set it at create.
            const after = (await volumeInfo(cluster.hosts.get("n1")!, "web")).options;
            for (const name of Object.keys(VOLUME_PRESETS["db-workload"])) {
                assert.ok(after[name] === undefined || after[name] === before[name], `${name}: ${after[name]}`);
            }
            assert.equal(after["performance.write-behind"], undefined);
            assert.equal(after["performance.cache-size"], "64MB");
        });

        it("sees a stopped volume and a changed option on refresh, and up puts them back", async function () {
            const n1 = cluster.hosts.get("n1")!;
            await n1.run(glusterArgs("volume", "set", "web", "performance.cache-size", "16MB"));
            await n1.run(glusterArgs("volume", "stop", "web", "force"));
            await engine.refresh();
            const seen = await volumeState(engine);
            assert.deepEqual([seen.status, seen.options], ["Stopped", { "performance.cache-size": "16MB" }]);
            const result = await engine.up();
            assert.deepEqual(result.events.changes(VOLUME_TYPE).map(({ op }) => op), ["update"]);
            const info = await volumeInfo(n1, "web");
            assert.deepEqual([info.status, info.options["performance.cache-size"]], ["Started", "64MB"]);
        });

        it("sees a brick filesystem left unmounted (as after a reboot) on refresh, and up mounts it and restarts the brick", async function () {
            const brick = bricks.find((candidate) => candidate.node === "n2")!;
            const n2 = cluster.hosts.get("n2")!;
            const brickOnline = async () => {
                const [status] = parseVolumeStatus((await cluster.hosts.get("n1")!.run(glusterArgs("volume", "status", "web"))).stdout);
                return status.bricks.find((entry) => entry.hostname === brick.host && entry.path === brick.path);
            };
            const before = await brickOnline();
            assert.ok(before?.pid, "the brick runs");
            await n2.run(["kill", String(before.pid)]);
            await n2.run(["umount", brickMount(brick)]);
            await engine.refresh();
            assert.deepEqual((await volumeState(engine)).unmountedBricks, [`${brick.host}:${brick.path}`]);
            const result = await engine.up();
            assert.deepEqual(result.events.changes(VOLUME_TYPE).map(({ op }) => op), ["update"]);
            assert.equal((await n2.tryRun(["mountpoint", "-q", brickMount(brick)])).exitCode, 0, "mounted again");
            const after = await brickOnline();
            assert.ok(after?.online && after.pid !== null && after.pid !== before.pid, "the brick runs again");
            await engine.refresh();
            assert.deepEqual((await volumeState(engine)).unmountedBricks, [], "no drift left");
        });

        it("expands to 2Gi with a new brick set; the mount sees the size and the data", async function () {
            const sizeOf = "df -B1 --output=size . | tail -1\ncat greeting.txt";
            const [before] = (await onMount(mountSource, backups, sizeOf)).split("\n");
            settings = { ...settings, size: "2Gi" };
            const result = await engine.up();
            assert.deepEqual(result.events.changes(VOLUME_TYPE).map(({ op }) => op), ["update"]);
            const expanded = result.outputs.bricks.value as VolumeBrick[];
            assert.equal(expanded.length, 6);
            assert.deepEqual(expanded.slice(0, 3), bricks, "existing bricks are kept");
            bricks = expanded;
            const info = await volumeInfo(cluster.hosts.get("n1")!, "web");
            assert.equal(info.brickCount, 6);
            assert.deepEqual([info.distCount, info.replicaCount], [2, 3], "two replica 3 sets");
            const [after, content] = (await onMount(mountSource, backups, sizeOf)).split("\n");
            assert.ok(Number(after) > 1.8 * Number(before), `df size grew from ${before} to ${after}`);
            assert.equal(content, "hello gluster");
        });

        it("refuses to shrink at preview", async function () {
            settings = { ...settings, size: "1Gi" };
            await assert.rejects(engine.preview(), /property size (value \{[^}]*\} )?has a problem: cannot shrink from 2Gi to 1Gi/);
            settings = { ...settings, size: "2Gi" };
        });

        it("sees a volume deleted by hand on refresh, refuses to recreate it over its bricks, and destroy removes every brick", async function () {
            const n1 = cluster.hosts.get("n1")!;
            await n1.run(glusterArgs("volume", "stop", "web", "force"));
            await n1.run(glusterArgs("volume", "delete", "web"));
            const refreshed = await engine.refresh();
            assert.equal(refreshed.summary.resourceChanges?.update, 1, "refresh reports the drift");
            const outputs = await engine.outputs();
            assert.equal(outputs.bricks.value.length, 6, "the bricks are still tracked for clean-up");
            // Recreating it would delete its bricks, which still hold the data: up refuses and removes nothing.
            const refusal = /volume 'web': refresh found no gluster volume of that name, but its bricks \(n\d:\/var\/lib\/heketi\/mounts\/[^)]*\) may still hold its data, .*gluster volume create web … force, then pulumi refresh\), or set allowDataLoss: true/;
            const preview = await engine.preview();
            assert.match(preview.stdout, refusal, "preview warns");
            await assert.rejects(engine.up(), refusal);
            for (const [node, host] of cluster.hosts) {
                assert.ok((await leftovers(host, cluster.vgNames.get(node)!)).lvs.length > 0, `${node} keeps the volume's bricks`);
            }

            const started = performance.now();
            await engine.destroy();
            console.log(`      destroy of a 6-brick volume: ${((performance.now() - started) / 1000).toFixed(1)} s`);
            await assertNothingLeft(cluster, "web");
        });
    });

    it("fails clearly when a node loses power mid-create, leaving nothing on the surviving nodes", async function () {
        const victim = lab.nodes[2];
        const victimVg = cluster.vgNames.get(victim.name)!;
        const engine = await volumeStack(cluster.topology, "cut", () => ({ size: "1Gi", durability: { type: "replicate", replica: 3 } }));
        try {
            const outcome = engine.up().then(
                () => undefined,
                (error: unknown) => error,
            );
            // Pull the plug once the victim's brick is under way (its thin pool exists).
            const victimHost = cluster.hosts.get(victim.name)!;
            await waitFor(`a brick started on ${victim.name}`, 60_000, 250, async () => {
                const lvs = parseLvs((await victimHost.run(lvsArgs([victimVg]))).stdout);
                return { done: lvs.length > 0 ? true : undefined, seen: `${lvs.length} LVs in ${victimVg}` };
            });
            await labNode("kill", victim.name);
            const error = await outcome;
            assert.ok(error instanceof EngineOperationError, `up failed: ${error}`);
            assert.match(error.message, new RegExp(`creating volume 'cut' failed: ${victim.name} \\(${victim.host.replace(/\./g, "\\.")}\\)`));
            for (const node of lab.nodes.filter((node) => node !== victim)) {
                const host = cluster.hosts.get(node.name)!;
                assert.deepEqual(await leftovers(host, cluster.vgNames.get(node.name)!), { lvs: [], mounts: [], fstabLines: [], mountDirs: [] }, `${node.name} has leftovers`);
                assert.ok(!(await glusterVolumes(host)).includes("cut"), `${node.name} lists volume cut`);
            }
        } finally {
            await labNode("start", victim.name);
            // The pooled connection to the victim died with it.
            await closeAll();
            // What the victim had made before the power cut, remounted from fstab at boot.
            await wipeBricks(cluster.hosts.get(victim.name)!, victimVg);
            await engine.dispose();
        }
    });

    it("snapshots a volume and clones the snapshot: the clone holds the data as it was", async function () {
        let stage: "volume" | "snapshot" | "clone" = "volume";
        const engine = await EngineStack.create({
            projectName: "snapshot-test",
            program: async () => {
                const volume = new GlusterVolume("snapped", { cluster: cluster.topology, size: "1Gi", durability: { type: "replicate", replica: 3 }, snapshotFactor: 2 });
                const outputs: Record<string, pulumi.Output<unknown>> = { mountSource: volume.mountSource, backups: volume.backupVolfileServers };
                if (stage !== "volume") {
                    const snapshot = new GlusterSnapshot("before-v2", { volume });
                    if (stage === "clone") {
                        const clone = new GlusterVolumeClone("restored", { snapshot, name: "restored" });
                        outputs.cloneSource = clone.mountSource;
                        outputs.cloneBackups = clone.backupVolfileServers;
                    }
                }
                return outputs;
            },
        });
        try {
            const { outputs } = await engine.up();
            const source = outputs.mountSource.value as string;
            const backups = outputs.backups.value as string[];
            await onMount(source, backups, "echo v1 > state.txt");
            stage = "snapshot";
            await engine.up();
            const n1 = cluster.hosts.get("n1")!;
            assert.match((await n1.run(glusterArgs("snapshot", "info", "before-v2"))).stdout, /<status>Started<\/status>|Activated/i);
            await onMount(source, backups, "echo v2 > state.txt");
            stage = "clone";
            const cloned = await engine.up();
            assert.equal(await onMount(cloned.outputs.cloneSource.value as string, cloned.outputs.cloneBackups.value as string[], "cat state.txt"), "v1\n");
            assert.equal(await onMount(source, backups, "cat state.txt"), "v2\n");
            assert.deepEqual((await engine.preview()).events.changes(), []);

            await engine.destroy();
            await assertNothingLeft(cluster, "restored");
            await assertNothingLeft(cluster, "snapped");
            assert.match((await n1.run(glusterArgs("snapshot", "list"))).stdout, /<count>0<\/count>/);
        } finally {
            await engine.dispose();
        }
    });

    it("keeps a volume whose brick host is down on destroy, naming the host, and removes it once the host is back", async function () {
        const victim = lab.nodes[2];
        const engine = await volumeStack(cluster.topology, "held", () => ({ size: "1Gi", durability: { type: "replicate", replica: 3 } }));
        let victimDown = false;
        try {
            await engine.up();
            await labNode("stop", victim.name);
            victimDown = true;
            await assert.rejects(engine.destroy(), (error: unknown) => {
                assert.ok(error instanceof EngineOperationError);
                assert.match(error.message, new RegExp(`deleting volume 'held': a host holding its bricks is not reachable: ${victim.name} \\(${victim.host.replace(/\./g, "\\.")}\\)`));
                assert.match(error.message, /nothing was changed/);
                return true;
            });
            assert.equal((await engine.outputs()).volumeName?.value, "held", "the volume is still in state");
            const [info] = parseVolumeInfo((await cluster.hosts.get("n1")!.run(glusterArgs("volume", "info", "held"))).stdout);
            assert.equal(info.status, "Started", "the surviving replicas keep serving");

            await labNode("start", victim.name);
            victimDown = false;
            await closeAll();
            await engine.destroy();
            await assertNothingLeft(cluster, "held");
        } finally {
            if (victimDown) {
                await labNode("start", victim.name);
                await closeAll();
            }
            await engine.dispose();
        }
    });

    it("refuses a name another stack's volume has before making anything, and leaves that volume and its data alone", async function () {
        const settings = (): VolumeSettings => ({ size: "1Gi", durability: { type: "replicate", replica: 3 } });
        const first = await volumeStack(cluster.topology, "twin", settings);
        // Another project: the same resource name, but not the same resource (a stack of the same project and name would be, and finish it).
        const second = await volumeStack(cluster.topology, "twin", settings, "volume-test-other");
        try {
            const { outputs } = await first.up();
            const [source, backups] = [outputs.mountSource.value as string, outputs.backupVolfileServers.value as string[]];
            assert.equal(await onMount(source, backups, "echo kept > f && sync f && cat f"), "kept\n");
            const bricksOnHosts = () => Promise.all([...cluster.hosts].map(([node, host]) => leftovers(host, cluster.vgNames.get(node)!)));
            const before = await bricksOnHosts();
            await assert.rejects(second.up(), (error: unknown) => {
                assert.ok(error instanceof EngineOperationError);
                assert.match(error.message, /volume 'twin': the cluster already has a gluster volume of that name \(seen from n1 \(10\.77\.0\.11\)\); choose another name, delete that volume, or set adopt: true to take it over/);
                assert.doesNotMatch(error.message, /everything made so far was removed/, "refused before anything was made");
                return true;
            });
            assert.deepEqual(await bricksOnHosts(), before, "no LV, mount, fstab line or directory came or went");
            assert.equal((await volumeInfo(cluster.hosts.get("n1")!, "twin")).status, "Started");
            assert.equal(await onMount(source, backups, "cat f"), "kept\n");
            await first.destroy();
            await assertNothingLeft(cluster, "twin");
        } finally {
            await first.destroy().catch(() => undefined);
            await Promise.all([first.dispose(), second.dispose()]);
        }
    });

    it("removes everything when brick creation fails on one host, naming host and step", async function () {
        const vgName = cluster.vgNames.get("n2")!;
        const n2 = cluster.hosts.get("n2")!;
        // LVs taking the names of this volume's first bricks, whichever of them lands on n2.
        const conflicting = [0, 1, 2].map((index) => `brick_${brickId("doomed", 0, index)}`);
        for (const name of conflicting) {
            await n2.run(["lvcreate", "-qq", "--autobackup=n", "-L", "8M", "-n", name, vgName]);
        }
        const engine = await volumeStack(cluster.topology, "doomed", () => ({ size: "1Gi", durability: { type: "replicate", replica: 3 } }));
        try {
            await assert.rejects(engine.up(), (error: unknown) => {
                assert.ok(error instanceof EngineOperationError);
                assert.match(error.message, /creating volume 'doomed' failed: n2 \(10\.77\.0\.12\): lvcreate \(brick_[0-9a-f]{32}\) failed: .*already exists/);
                assert.match(error.message, /everything made so far was removed/);
                for (const line of privateKeyLines(cluster.topology)) {
                    assert.ok(!error.message.includes(line), "a private key line is in the error");
                }
                return true;
            });
            await assertNothingLeft(cluster, "doomed", new Map([["n2", conflicting]]));
            assert.deepEqual((await engine.outputs()).bricks, undefined, "nothing is in state");
        } finally {
            await engine.dispose();
            await n2.run(["lvremove", "-qq", "-f", ...conflicting.map((name) => `${vgName}/${name}`)]);
        }
    });
});
