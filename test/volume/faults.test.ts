// Faults injected on the lab while the real engine works, each checked as a storage user would:
// data written through FUSE and fsync'd before keeps its checksum, the hosts hold nothing beyond
// what state says, and the next `pulumi up` converges without hand work.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterTopology } from "../../components/access";
import { GlusterCluster } from "../../components/cluster";
import { closeAll, glusterArgs, lvsArgs, parseLvs, parseVolumeInfo, parseVolumeStatus, SshConnectionError, type SshExecutor, volumeInfoArgs } from "../../components/remote";
import { GlusterVolume, type VolumeBrick } from "../../components/volume";
import { EngineOperationError, EngineStack, type UpResult } from "../engine/automation";
import { glusterVolumes, leftovers, onMount, prepareCluster, waitFor, waitForHeal, waitForRebalance, wipeBricks, wipeCluster, type LabCluster } from "../lab/cluster-fixture";
import { labClusterArgs, labExecutor, labNode, loadLab, type Lab, type LabNode } from "../lab/lab";

const REPLICA_3 = { type: "replicate", replica: 3 } as const;

/** An inline program of replica 3 volumes, `volumes()` read at each operation: resource name to size. */
function volumesStack(projectName: string, topology: ClusterTopology, volumes: () => Record<string, string>): Promise<EngineStack> {
    return EngineStack.create({
        projectName,
        program: async () => {
            const made = Object.entries(volumes()).map(([name, size]) => new GlusterVolume(name, { cluster: topology, size, durability: REPLICA_3 }));
            return Object.fromEntries(made.map((volume, index) => [Object.keys(volumes())[index], pulumi.all([volume.mountSource, volume.backupVolfileServers, volume.bricks])]));
        },
    });
}

type VolumeOutput = [mountSource: string, backups: string[], bricks: VolumeBrick[]];

interface ProcessEntry {
    readonly pid: number;
    readonly parent: number;
    readonly exe: string;
    readonly argv: readonly string[];
}

/** The processes running now (those that end while being read are left out). */
function processTable(): ProcessEntry[] {
    return readdirSync("/proc")
        .filter((entry) => /^\d+$/.test(entry))
        .flatMap((entry) => {
            try {
                const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
                const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
                const argv = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
                return [{ pid: Number(entry), parent, exe: readlinkSync(`/proc/${entry}/exe`), argv }];
            } catch {
                return []; // gone meanwhile
            }
        });
}

/** This process's children running the executable at a path ending in `executable`. */
function childrenRunning(executable: string): number[] {
    return processTable()
        .filter((entry) => entry.parent === process.pid && entry.exe.endsWith(executable))
        .map((entry) => entry.pid);
}

/** The processes under `root` (children, their children, …) that `matches`. */
function descendantsRunning(root: number, matches: (entry: ProcessEntry) => boolean): number[] {
    const table = processTable();
    const under = new Set([root]);
    for (let grew = true; grew; ) {
        grew = false;
        for (const entry of table) {
            if (under.has(entry.parent) && !under.has(entry.pid)) {
                under.add(entry.pid);
                grew = true;
            }
        }
    }
    return table.filter((entry) => entry.pid !== root && under.has(entry.pid) && matches(entry)).map((entry) => entry.pid);
}

/** The Pulumi SDK's dynamic provider host (its argv names it, so a reused pid does not pass). */
function isProviderHost(entry: ProcessEntry): boolean {
    return entry.argv.some((arg) => arg.includes("dynamic-provider"));
}

/** Every node's brick LVs and the cluster's volumes, as one comparable snapshot. */
async function hostPicture(cluster: LabCluster): Promise<string> {
    const lvs = await Promise.all([...cluster.hosts].map(async ([node, host]) => `${node}: ${parseLvs((await host.run(lvsArgs([cluster.vgNames.get(node)!]))).stdout).map((lv) => lv.lvName).sort().join(",")}`));
    return `${lvs.join("; ")}; volumes: ${(await glusterVolumes(cluster.hosts.get("n1")!)).sort().join(",")}`;
}

/** Asserts the hosts hold exactly the bricks of `bricks` (LVs, mounts, fstab lines, dirs) and exactly the volumes named. */
async function assertHostsHoldExactly(cluster: LabCluster, bricks: readonly VolumeBrick[], volumeNames: readonly string[]): Promise<void> {
    for (const [node, host] of cluster.hosts) {
        const mine = bricks.filter((brick) => brick.node === node);
        const ids = mine.flatMap((brick) => [`brick_${brick.id}`, `tp_${brick.id}`]).sort();
        const left = await leftovers(host, cluster.vgNames.get(node)!);
        assert.deepEqual(left.lvs.sort(), ids, `${node}: LVs beyond state`);
        assert.equal(left.mounts.length, mine.length, `${node}: brick mounts ${left.mounts.join("; ")}`);
        assert.equal(left.fstabLines.length, mine.length, `${node}: fstab lines ${left.fstabLines.join("; ")}`);
        assert.deepEqual(left.mountDirs.sort(), mine.map((brick) => `brick_${brick.id}`).sort(), `${node}: brick mount dirs`);
        assert.deepEqual((await glusterVolumes(host)).sort(), [...volumeNames].sort(), `${node}: gluster volumes`);
    }
}

/** Stops glusterd (brick processes keep running), runs `between` (a shell script), starts glusterd and waits until it answers. */
async function restartGlusterd(host: SshExecutor, between = ""): Promise<void> {
    const script = [
        "set -e",
        'pid=$(cat /run/glusterd.pid); kill -TERM "$pid"',
        'i=0; while kill -0 "$pid" 2>/dev/null; do i=$((i + 1)); [ "$i" -lt 100 ] || exit 1; sleep 0.1; done',
        between,
        "glusterd -p /run/glusterd.pid </dev/null >/dev/null 2>&1",
        "i=0; until gluster --mode=script pool list >/dev/null 2>&1; do i=$((i + 1)); [ \"$i\" -lt 60 ] || exit 1; sleep 1; done",
    ].join("\n");
    await host.run(["sh", "-c", script]);
}

/** Kills every session the host's sshd serves (the provider's, and this one), as a dropped link would end them. */
async function cutSshSessions(host: SshExecutor): Promise<void> {
    const sessions = "awk -v listener=\"$(cat /run/sshd.pid)\" '$4 == listener {print $1}' /proc/[0-9]*/stat 2>/dev/null";
    // This command's own session dies with the others: its connection loss is the expected answer.
    await host.tryRun(["sh", "-c", `for pid in $(${sessions}); do kill -KILL "$pid"; done`]).catch((error: unknown) => {
        if (!(error instanceof SshConnectionError)) {
            throw error;
        }
    });
}

/** Waits until every node's pool list shows all the others connected. */
async function waitForPool(cluster: LabCluster): Promise<void> {
    await waitFor("the pool connected again", 120_000, 2000, async () => {
        const lists = await Promise.all([...cluster.hosts.values()].map(async (host) => (await host.run(["gluster", "--mode=script", "pool", "list"])).stdout));
        const connected = lists.every((list) => list.split("\n").filter((line) => /\tConnected\s*$/.test(line)).length === cluster.hosts.size);
        return { done: connected ? true : undefined, seen: lists.join(" | ").replace(/\s+/g, " ") };
    });
}

const WRITE = "seq 1 100000 > numbers.txt\nmkdir -p notes\necho kept > notes/a.txt\nsync numbers.txt notes/a.txt notes .\nsha256sum numbers.txt notes/a.txt";
const READ = "sha256sum numbers.txt notes/a.txt";

/**
 * The data read back after an expansion (READ); a read that fails reports what gluster's rebalance
 * and each brick show, so a failure in CI says whether a file was lost or only not found.
 */
async function readAfterExpansion(cluster: LabCluster, volumeName: string, [source, backups, bricks]: VolumeOutput): Promise<string> {
    try {
        return await onMount(source, backups, READ);
    } catch (error) {
        const status = (await cluster.hosts.get("n1")!.tryRun(glusterArgs("volume", "rebalance", volumeName, "status"))).stdout;
        const statusWords = status.match(/<(nodeName|statusStr|files|failures|skipped)>[^<]*/g)?.join(" ") ?? status.slice(0, 300);
        const listings = await Promise.all(
            bricks.map(async (brick) => {
                const { stdout, stderr } = await cluster.hosts.get(brick.node)!.tryRun(["ls", "-la", "--", brick.path, `${brick.path}/notes`]);
                return `${brick.node}:${brick.path}:\n${stdout}${stderr}`;
            }),
        );
        throw new Error(`${error instanceof Error ? error.message : String(error)}\nrebalance status: ${statusWords}\n${listings.join("\n")}`);
    }
}

/** How an up ended: its result, or the error the engine reported. */
type UpOutcome = { ok: true; result: UpResult } | { ok: false; error: unknown };

/**
 * Starts an up and resolves (with the up still running) once `nodeName` holds more than
 * `lvsBefore` LVs: the moment a fault hits a brick being made.
 */
async function upUntilNewBrick(engine: EngineStack, cluster: LabCluster, nodeName: string, lvsBefore: number): Promise<Promise<UpOutcome>> {
    const up = engine.up().then(
        (result): UpOutcome => ({ ok: true, result }),
        (error: unknown): UpOutcome => ({ ok: false, error }),
    );
    const host = cluster.hosts.get(nodeName)!;
    await waitFor(`a new brick on ${nodeName}`, 120_000, 100, async () => {
        const lvs = parseLvs((await host.run(lvsArgs([cluster.vgNames.get(nodeName)!]))).stdout);
        return { done: lvs.length > lvsBefore ? true : undefined, seen: lvs.map((lv) => lv.lvName).join(",") };
    });
    return up;
}

/** The first line naming volume `name` in a failed up's message. */
function failureLine(name: string, error: unknown): string {
    assert.ok(error instanceof EngineOperationError);
    return new RegExp(`volume '${name}'[^\\n]*`).exec(error.message)?.[0].slice(0, 400) ?? error.message.slice(0, 400);
}

/**
 * Creates volume `name` while `inject` hits `nodeName` as soon as the volume's brick LV exists
 * there. `inject` returns what to wait for before the next up. The first up may finish or fail:
 * a failure must leave nothing behind. Then an up converges, the volume serves data, and destroy
 * leaves nothing.
 */
async function createUnderFault(cluster: LabCluster, name: string, nodeName: string, inject: (host: SshExecutor) => Promise<() => Promise<void>>): Promise<void> {
    const engine = await volumesStack(`faults-${name}`, cluster.topology, () => ({ [name]: "1Gi" }));
    const host = cluster.hosts.get(nodeName)!;
    try {
        const up = await upUntilNewBrick(engine, cluster, nodeName, 0);
        const settled = await inject(host);
        const first = await up;
        if (!first.ok) {
            console.log(`      first up failed: ${failureLine(name, first.error)}`);
            await assertHostsHoldExactly(cluster, [], []);
        } else {
            console.log("      first up finished despite the fault");
        }
        await settled();
        const { outputs } = first.ok ? first.result : await engine.up();
        const [source, backups, bricks] = outputs[name].value as VolumeOutput;
        await assertHostsHoldExactly(cluster, bricks, [name]);
        const written = await onMount(source, backups, WRITE);
        assert.equal(await onMount(source, backups, READ), written);
        await engine.destroy();
        await assertHostsHoldExactly(cluster, [], []);
    } finally {
        await engine.destroy().catch(() => undefined);
        await engine.dispose();
    }
}

/** What a fault did: whether the host went down (it then keeps what the failed operation made there), and what to wait for before the next up. */
interface InjectedFault {
    hostWentDown: boolean;
    settled: () => Promise<void>;
}

/**
 * Grows volume `name` from 1Gi to 2Gi while `inject` hits `nodeName` as soon as a new brick LV
 * exists there. The first up may finish or fail (where the fault lands is a race); a failure
 * leaves exactly the first set on the hosts that stayed up. Then refresh and up leave both sets
 * and nothing else, the data written before reads back, and destroy leaves nothing.
 */
async function expandUnderFault(cluster: LabCluster, name: string, nodeName: string, inject: (host: SshExecutor) => Promise<InjectedFault>): Promise<void> {
    let size = "1Gi";
    const engine = await volumesStack(`faults-${name}`, cluster.topology, () => ({ [name]: size }));
    const host = cluster.hosts.get(nodeName)!;
    try {
        const [source, backups, bricks] = (await engine.up()).outputs[name].value as VolumeOutput;
        const written = await onMount(source, backups, WRITE);
        size = "2Gi";
        // The first set's pool and LV are there already.
        const up = await upUntilNewBrick(engine, cluster, nodeName, 2);
        const fault = await inject(host);
        const first = await up;
        if (!first.ok) {
            console.log(`      first up failed: ${failureLine(name, first.error)}`);
        } else {
            console.log("      first up finished despite the fault");
        }
        await fault.settled();
        if (!first.ok) {
            // Nothing of the failed expansion is left, except what a host that went down kept (the next up removes it).
            await assertHostsHoldExactly({ ...cluster, hosts: new Map([...cluster.hosts].filter(([node]) => !fault.hostWentDown || node !== nodeName)) }, bricks.filter((brick) => !fault.hostWentDown || brick.node !== nodeName), [name]);
        }
        // What a user does after a fault, whichever way the first up ended: refresh, then up.
        await engine.refresh();
        const { outputs, stdout } = await engine.up();
        console.log(`      next up: ${stdout.split("\n").filter((line) => /unused brick|added/.test(line)).map((line) => line.trim().slice(0, 200)).join(" | ")}`);
        const [, , grown] = outputs[name].value as VolumeOutput;
        assert.equal(grown.length, 6, "two replica sets");
        assert.deepEqual(grown.slice(0, 3), bricks, "the first set kept");
        await assertHostsHoldExactly(cluster, grown, [name]);
        await waitForRebalance(cluster.hosts.get("n1")!, name);
        assert.equal(await readAfterExpansion(cluster, name, [source, backups, grown]), written);
        await engine.destroy();
        await assertHostsHoldExactly(cluster, [], []);
    } finally {
        await engine.destroy().catch(() => undefined);
        await engine.dispose();
    }
}

describe("faults: injected on the lab while the engine works", function () {
    let lab: Lab;
    let cluster: LabCluster;
    let n1: SshExecutor;

    before(async function () {
        lab = loadLab();
        cluster = await prepareCluster(lab, "faults-cluster");
        n1 = cluster.hosts.get(lab.nodes[0].name)!;
    });

    after(async function () {
        try {
            await cluster?.dispose();
        } finally {
            await closeAll();
        }
    });

    it("pulumi up SIGKILLed while creating three volumes: cancel, refresh, up leave each volume once and nothing else", async function () {
        let volumes: Record<string, string> = { kept: "1Gi" };
        const engine = await volumesStack("faults-kill", cluster.topology, () => volumes);
        try {
            const [keptSource, keptBackups] = (await engine.up()).outputs.kept.value as VolumeOutput;
            const written = await onMount(keptSource, keptBackups, WRITE);

            volumes = { kept: "1Gi", k1: "1Gi", k2: "1Gi", k3: "1Gi" };
            const up = engine.up().then(
                () => "finished",
                (error: unknown) => (error instanceof EngineOperationError ? "killed" : `failed otherwise: ${error}`),
            );
            // Killed once bricks of the new volumes exist on n1: mid-create.
            const vg = cluster.vgNames.get("n1")!;
            await waitFor("new bricks on n1", 120_000, 100, async () => {
                const lvs = parseLvs((await n1.run(lvsArgs([vg]))).stdout);
                return { done: lvs.length >= 2 + 2 ? true : undefined, seen: lvs.map((lv) => lv.lvName).join(",") };
            });
            const cli = childrenRunning("/pulumi");
            assert.equal(cli.length, 1, "the CLI the Automation API started");
            const providerHosts = descendantsRunning(cli[0], isProviderHost);
            assert.ok(providerHosts.length > 0, "the CLI's dynamic provider host runs");
            process.kill(cli[0], "SIGKILL");
            assert.equal(await up, "killed");
            console.log(`      killed at: ${await hostPicture(cluster)}`);

            // Left running, it held the hosts' placement locks and spun on a CPU; the next up waited 300 s for the locks.
            await waitFor("the killed CLI's dynamic provider host to end by itself", 60_000, 500, async () => {
                const running = processTable().filter((entry) => providerHosts.includes(entry.pid) && isProviderHost(entry));
                return { done: running.length === 0 ? true : undefined, seen: `running: ${running.map((entry) => entry.pid).join(", ")}` };
            });
            // Commands it started may still run on the hosts: wait until the hosts are still.
            let last = "";
            await waitFor("the hosts to settle", 180_000, 5_000, async () => {
                const now = await hostPicture(cluster);
                const settled = now === last;
                last = now;
                return { done: settled ? true : undefined, seen: now };
            });
            console.log(`      settled at: ${last}`);

            // What Pulumi tells the user after a killed update: remove the lock, then refresh, clearing the pending creates.
            await engine.stack.cancel();
            await engine.stack.refresh({ clearPendingCreates: true });
            const { outputs, stdout } = await engine.up();
            console.log(`      up after the kill: ${stdout.split("\n").filter((line) => /interrupted create|earlier create|adopted|unused brick/.test(line)).join(" | ") || "(nothing to finish or clean)"}`);

            const all = Object.values(outputs).flatMap((output) => (output.value as VolumeOutput)[2]);
            await assertHostsHoldExactly(cluster, all, ["kept", "k1", "k2", "k3"]);
            assert.equal(await onMount(keptSource, keptBackups, READ), written, "the existing volume's data");
            for (const name of ["k1", "k2", "k3"]) {
                const [source, backups] = outputs[name].value as VolumeOutput;
                assert.equal(await onMount(source, backups, `echo ${name} > f && sync f && cat f`), `${name}\n`, `${name} serves data`);
            }
            const again = await engine.up();
            assert.deepEqual(again.summary.resourceChanges, { same: 5 }, "the next up has nothing to do");
            await engine.destroy();
            await assertHostsHoldExactly(cluster, [], []);
        } finally {
            await engine.destroy().catch(() => undefined);
            await engine.dispose();
        }
    });

    it("two stacks creating at once with space for only one: one is made, the other fails at placement, nothing half made", async function () {
        // 10 GiB per device: one 6 GiB replica 3 volume fits on each node, two do not.
        const stacks = await Promise.all(["faults-race-a", "faults-race-b"].map((project, index) => volumesStack(project, cluster.topology, () => ({ [`race_${index}`]: "6Gi" }))));
        try {
            const results = await Promise.allSettled(stacks.map((stack) => stack.up()));
            const made = results.flatMap((result, index) => (result.status === "fulfilled" ? [{ index, outputs: result.value.outputs }] : []));
            const failed = results.flatMap((result) => (result.status === "rejected" ? [result.reason as EngineOperationError] : []));
            assert.equal(made.length, 1, `exactly one stack made its volume: ${failed.map((error) => error.message.slice(0, 600)).join("\n")}`);
            assert.equal(failed.length, 1);
            const loser = `race_${1 - made[0].index}`;
            assert.match(failed[0].message, new RegExp(`volume '${loser}': [^\\n]*(space|fit|free)`, "i"), "the loser fails at placement for want of space");
            console.log(`      loser: ${/volume '[^']+': [^\n]*/.exec(failed[0].message)?.[0].slice(0, 300)}`);
            const winner = `race_${made[0].index}`;
            await assertHostsHoldExactly(cluster, (made[0].outputs[winner].value as VolumeOutput)[2], [winner]);
        } finally {
            for (const stack of stacks) {
                await stack.destroy().catch(() => undefined);
                await stack.dispose();
            }
        }
        await assertHostsHoldExactly(cluster, [], []);
    });
    it("glusterd state wiped on n1: refresh refuses naming n1, up deletes nothing, the data stays; restored, refresh passes", async function () {
        const engine = await volumesStack("faults-wiped", cluster.topology, () => ({ wiped: "1Gi" }));
        let wiped = false;
        try {
            const [source, backups, bricks] = (await engine.up()).outputs.wiped.value as VolumeOutput;
            const written = await onMount(source, backups, WRITE);
            await restartGlusterd(n1, "mv /var/lib/glusterd /var/lib/glusterd.faults && mkdir /var/lib/glusterd");
            wiped = true;
            assert.deepEqual(await glusterVolumes(n1), [], "n1 forgot the volume");

            await assert.rejects(engine.refresh(), (error: unknown) => {
                assert.ok(error instanceof EngineOperationError);
                assert.match(error.message, /volume 'wiped': n1 \(10\.77\.0\.11\) does not list it but n2 \([\d.]+\), n3 \([\d.]+\) do: the glusterd state of the former differs \(wiped, reinstalled, or out of the pool\); nothing was recorded or changed: restore that node's \/var\/lib\/glusterd/);
                return true;
            });
            const up = await engine.up();
            assert.deepEqual(up.summary.resourceChanges, { same: 2 }, "up changes nothing");
            // n1 serves no volfile now: the client mounts through n2.
            const [, ...others] = [source.split(":")[0], ...backups];
            assert.equal(await onMount(`${others[0]}:/wiped`, others.slice(1), READ), written);
            await assertHostsHoldExactly({ ...cluster, hosts: new Map([...cluster.hosts].filter(([node]) => node !== "n1")) }, bricks.filter((brick) => brick.node !== "n1"), ["wiped"]);

            await restartGlusterd(n1, "rm -rf /var/lib/glusterd && mv /var/lib/glusterd.faults /var/lib/glusterd");
            wiped = false;
            await waitForPool(cluster);
            const refreshed = await engine.refresh();
            assert.deepEqual(refreshed.summary.resourceChanges, { same: 2 });
            assert.equal(await onMount(source, backups, READ), written);
            await engine.destroy();
            await assertHostsHoldExactly(cluster, [], []);
        } finally {
            if (wiped) {
                await restartGlusterd(n1, "rm -rf /var/lib/glusterd && mv /var/lib/glusterd.faults /var/lib/glusterd");
                await waitForPool(cluster);
            }
            await engine.destroy().catch(() => undefined);
            await engine.dispose();
        }
    });

    it("a volume deleted by hand, its bricks unmounted and its state dropped: up refuses to remove the served bricks, and their data stays", async function () {
        const engine = await volumesStack("faults-dropped", cluster.topology, () => ({ dropped: "1Gi" }));
        try {
            const [source, backups, bricks] = (await engine.up()).outputs.dropped.value as VolumeOutput;
            const written = await onMount(source, backups, WRITE);
            await n1.run(glusterArgs("volume", "stop", "dropped", "force"));
            await n1.run(glusterArgs("volume", "delete", "dropped"));
            // Unmounted, as after a reboot without fstab: the brick directories are not where a look would find them.
            for (const brick of bricks) {
                await cluster.hosts.get(brick.node)!.run(["umount", path.posix.dirname(brick.path)]);
            }
            const { deployment } = await engine.exportState();
            const volume = (deployment.resources as Array<{ urn: string }>).find((resource) => resource.urn.endsWith("dynamic/gluster/volume:Volume::dropped"));
            assert.ok(volume, "the volume's resource in state");
            await engine.forget(volume.urn);

            await assert.rejects(engine.up(), (error: unknown) => {
                assert.ok(error instanceof EngineOperationError);
                assert.match(error.message, /volume 'dropped': bricks made for this volume are in no gluster volume but were served before \(n1 \(10\.77\.0\.11\):\/var\/lib\/heketi\/mounts\/[^\n]*, n3 \(10\.77\.0\.13\):[^\n]*\), so they may hold data; recreate the volume over them by hand and set adopt: true, or remove them by hand/);
                return true;
            });
            for (const brick of bricks) {
                const host = cluster.hosts.get(brick.node)!;
                const mount = path.posix.dirname(brick.path);
                assert.notEqual((await host.tryRun(["mountpoint", "-q", mount])).exitCode, 0, `${brick.node}: the look inside left no mount`);
                await host.run(["mount", mount]);
                const kept = (await host.run(["sh", "-c", `cd "$1" && ${READ}`, "sh", brick.path])).stdout;
                assert.equal(kept, written, `${brick.node}: the brick keeps the data`);
            }
            assert.deepEqual((await n1.run(["sh", "-c", "ls -d /run/pulumi-gluster-inspect.* 2>/dev/null || true"])).stdout, "", "no inspection directory left");
        } finally {
            await engine.destroy().catch(() => undefined);
            await engine.dispose();
            for (const [node, host] of cluster.hosts) {
                await wipeBricks(host, cluster.vgNames.get(node));
            }
        }
        await assertHostsHoldExactly(cluster, [], []);
    });

    it("glusterd restarted on n2 during a create: the create finishes or rolls back cleanly, and the next up converges", async function () {
        await createUnderFault(cluster, "restart", "n2", async (host) => {
            await restartGlusterd(host);
            return async () => waitForPool(cluster);
        });
    });
    it("an SSH key rotated (new key on the hosts, program updated) is one up that touches no brick, and no state keeps the old key", async function () {
        const dir = mkdtempSync(path.join(tmpdir(), "faults-key-"));
        execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "rotated", "-f", path.join(dir, "id")]);
        const newKey = readFileSync(path.join(dir, "id"), "utf8");
        const newFingerprint = execFileSync("ssh-keygen", ["-l", "-f", path.join(dir, "id.pub")], { encoding: "utf8" }).split(" ")[1];
        const oldKey = cluster.topology.nodes[0].connection.privateKey;
        const rotated: ClusterTopology = { ...cluster.topology, nodes: cluster.topology.nodes.map((node) => ({ ...node, connection: { ...node.connection, privateKey: newKey } })) };
        let topology = cluster.topology;
        const engine = await EngineStack.create({
            projectName: "faults-key",
            program: async () => {
                const volume = new GlusterVolume("rotate", { cluster: topology, size: "1Gi", durability: REPLICA_3 });
                return { volume: pulumi.all([volume.mountSource, volume.backupVolfileServers, volume.bricks]) };
            },
        });
        try {
            const [source, backups] = (await engine.up()).outputs.volume.value as VolumeOutput;
            const written = await onMount(source, backups, WRITE);
            const before = await hostPicture(cluster);
            const volumeId = (await n1.run(["gluster", "--mode=script", "volume", "info", "rotate"])).stdout.match(/Volume ID: (\S+)/)?.[1];

            for (const host of cluster.hosts.values()) {
                await host.run(["sh", "-c", "cat >> /root/.ssh/authorized_keys"], { stdin: readFileSync(path.join(dir, "id.pub"), "utf8") });
            }
            topology = rotated;
            const up = await engine.up();
            assert.deepEqual(up.summary.resourceChanges, { same: 1, update: 1 }, "one update of the volume, nothing replaced");
            assert.equal(await hostPicture(cluster), before, "no brick or volume made or removed");
            assert.equal((await n1.run(["gluster", "--mode=script", "volume", "info", "rotate"])).stdout.match(/Volume ID: (\S+)/)?.[1], volumeId, "the same gluster volume");
            assert.match((await n1.run(["cat", "/var/log/sshd.log"])).stdout, new RegExp(`Accepted publickey for root .* ${newFingerprint.replace(/[+/]/g, "\\$&")}`), "the provider logged in with the new key");
            assert.equal(await onMount(source, backups, READ), written);

            const state = JSON.stringify(await engine.stack.exportStack()); // secrets decrypted
            const lines = (key: string) => key.split("\n").filter((line) => line.length >= 16 && !line.startsWith("-----"));
            assert.ok(lines(newKey).every((line) => state.includes(line)), "state holds the new key");
            // The first lines of two OpenSSH keys of one type are the same header: only the old key's own lines count.
            const oldOnly = lines(oldKey).filter((line) => !newKey.includes(line));
            assert.ok(oldOnly.length > 0 && !oldOnly.some((line) => state.includes(line)), "state keeps no line of the old key");
            await engine.destroy();
        } finally {
            // Destroyed while the hosts still take the key state holds.
            await engine.destroy().catch(() => undefined);
            for (const host of cluster.hosts.values()) {
                await host.run(["install", "-m", "600", "/run/lab/authorized_keys", "/root/.ssh/authorized_keys"]);
            }
            await engine.dispose();
            rmSync(dir, { recursive: true, force: true });
        }
    });
    it("a brick's disk filling up: the writer's write fails, the volume stays up, refresh reports the bricks' usage", async function () {
        const engine = await EngineStack.create({
            projectName: "faults-full",
            program: async () => {
                const volume = new GlusterVolume("full", { cluster: cluster.topology, size: "512Mi", durability: REPLICA_3 });
                return { volume: pulumi.all([volume.mountSource, volume.backupVolfileServers, volume.bricks]) };
            },
        });
        try {
            const [source, backups, bricks] = (await engine.up()).outputs.volume.value as VolumeOutput;
            const written = await onMount(source, backups, WRITE);
            // dd's message goes outside the volume: on the full volume it could be cut short. The
            // client's log (named after the mount point) tells what the bricks answered.
            const fill = await onMount(
                source,
                backups,
                "err=$(mktemp); if dd if=/dev/zero of=fill bs=1M 2>\"$err\"; then echo 'dd: no error'; else echo \"dd: exit $?\"; fi; tail -n 2 \"$err\"; rm -f \"$err\"\n" +
                    "echo \"bricks' ENOSPC replies: $(grep -c 'remote operation failed.*No space left on device' \"/var/log/glusterfs/$(printf %s \"${dir#/}\" | tr / -).log\")\"",
            );
            console.log(`      writer saw: ${fill.replace(/\n/g, " | ")}`);
            assert.match(fill, /dd: exit 1/);
            // The bricks answer ENOSPC; what reaches the writer is ENOSPC, ENOTCONN (all three failed
            // the same write: quorum not met) or EIO (seen for the writes after the first that failed
            // on the bricks).
            assert.match(fill, /No space left on device|Transport endpoint is not connected|Input\/output error/, "the writer sees its write fail");
            assert.match(fill, /bricks' ENOSPC replies: [1-9]/, "the client's log shows the bricks answering ENOSPC");
            const [status] = parseVolumeStatus((await n1.run(glusterArgs("volume", "status", "full"))).stdout);
            assert.deepEqual(status.bricks.map((brick) => brick.online), [true, true, true], `every brick online: ${JSON.stringify(status.bricks)}`);

            const refreshed = await engine.refresh();
            assert.match(refreshed.stdout, /volume 'full': bricks nearly full: [^\n]*100% [^\n]*writes fail with "No space left on device"/);
            const state = await engine.stack.exportStack();
            const volume = (state.deployment.resources as Array<{ type: string; outputs?: { brickUsage?: Array<{ brick: string; sizeBytes: number; usedBytes: number }> } }>).find(
                (resource) => resource.type === "pulumi-nodejs:dynamic/gluster/volume:Volume",
            );
            const seen = volume?.outputs?.brickUsage ?? [];
            assert.equal(seen.length, 3, `usage of each brick in state: ${JSON.stringify(seen)}`);
            assert.ok(seen.every((brick) => brick.usedBytes / brick.sizeBytes > 0.95), JSON.stringify(seen));

            // What was written before the disks filled up is intact on every brick (a full brick refuses
            // even unlink: the way out is a larger size). Read on the bricks: a new FUSE mount of a
            // full volume sometimes fails here.
            for (const brick of bricks) {
                const kept = (await cluster.hosts.get(brick.node)!.run(["sh", "-c", `cd "$1" && ${READ}`, "sh", brick.path])).stdout;
                assert.equal(kept, written, `${brick.node}: the data written before`);
            }
            await engine.destroy();
            await assertHostsHoldExactly(cluster, [], []);
        } finally {
            await engine.destroy().catch(() => undefined);
            await engine.dispose();
        }
    });

    it("SSH sessions to n2 cut mid-create: the create finishes or rolls back cleanly, and the next up converges", async function () {
        await createUnderFault(cluster, "cut", "n2", async (host) => {
            await cutSshSessions(host);
            return async () => undefined;
        });
    });
    it("SSH sessions to n2 cut mid-expansion: the expansion finishes or rolls back cleanly, the data stays, and the next up converges", async function () {
        await expandUnderFault(cluster, "cutgrow", "n2", async (host) => {
            await cutSshSessions(host);
            return { hostWentDown: false, settled: async () => undefined };
        });
    });

    it("an expansion whose up never reported after add-brick (state from before it): up and refresh record the set instead of adding another", async function () {
        let size = "1Gi";
        const engine = await volumesStack("faults-unrecorded", cluster.topology, () => ({ regrow: size }));
        try {
            const [source, backups, bricks] = (await engine.up()).outputs.regrow.value as VolumeOutput;
            const written = await onMount(source, backups, WRITE);
            const before = await engine.exportState();
            size = "2Gi";
            const [, , grown] = (await engine.up()).outputs.regrow.value as VolumeOutput;
            assert.equal(grown.length, 6);

            // As if the up was killed right after add-brick: the state knows one set, gluster two.
            await engine.importState(before);
            const again = await engine.up();
            assert.deepEqual(again.summary.resourceChanges, { same: 1, update: 1 });
            assert.deepEqual((again.outputs.regrow.value as VolumeOutput)[2], grown, "up took the set in, adding none");
            await assertHostsHoldExactly(cluster, grown, ["regrow"]);

            await engine.importState(before);
            const refreshed = await engine.refresh();
            assert.match(refreshed.stdout, /volume 'regrow' has brick sets state did not record \(an expansion stopped after add-brick\): it holds 2Gi, not 1Gi/);
            const afterRefresh = await engine.up();
            assert.deepEqual((afterRefresh.outputs.regrow.value as VolumeOutput)[2], grown, "after refresh, up adds no set either");
            await assertHostsHoldExactly(cluster, grown, ["regrow"]);
            await waitForRebalance(cluster.hosts.get("n1")!, "regrow");
            assert.equal(await readAfterExpansion(cluster, "regrow", [source, backups, grown]), written);
            assert.deepEqual(grown.slice(0, 3), bricks, "the first set kept");
            await engine.destroy();
            await assertHostsHoldExactly(cluster, [], []);
        } finally {
            await engine.destroy().catch(() => undefined);
            await engine.dispose();
        }
    });

    it("n3 killed mid-expansion: the expansion finishes or fails, and once n3 is back refresh and up leave both sets and nothing else", async function () {
        let n3Down = false;
        try {
            await expandUnderFault(cluster, "grow", "n3", async () => {
                await labNode("kill", "n3");
                n3Down = true;
                return {
                    hostWentDown: true,
                    settled: async () => {
                        await labNode("start", "n3");
                        n3Down = false;
                        await closeAll();
                        await waitForPool(cluster);
                        console.log(`      n3 back: ${await hostPicture(cluster)}`);
                    },
                };
            });
        } finally {
            if (n3Down) {
                await labNode("start", "n3");
                await closeAll();
                await waitForPool(cluster);
            }
        }
    });
});

describe("faults: a node killed in the middle of a brick move", function () {
    let lab: Lab;
    let devices: (node: LabNode) => string[];
    let engine: EngineStack;

    before(async function () {
        lab = loadLab();
        await wipeCluster(lab);
        devices = (node) => node.devices;
        // Cluster and volume in one stack, so a device leaving the cluster moves the brick in the same up.
        engine = await EngineStack.create({
            projectName: "faults-move",
            program: async () => {
                const args = labClusterArgs(lab);
                const clusterResource = new GlusterCluster("moves", { ...args, nodes: args.nodes.map((node, index) => ({ ...node, devices: devices(lab.nodes[index]).map((path) => ({ path })) })) });
                const volume = new GlusterVolume("moving", { cluster: clusterResource, size: "1Gi", durability: REPLICA_3 });
                return { volume: pulumi.all([volume.mountSource, volume.backupVolfileServers, volume.bricks]) };
            },
        });
    });

    after(async function () {
        try {
            await engine?.destroy().catch((error: unknown) => console.log(`      clean-up: destroy failed: ${error}`));
            await engine?.dispose();
            await wipeCluster(lab);
        } finally {
            await closeAll();
        }
    });

    it("n1 killed while its brick moves to its other device: the move fails, and once n1 is back the next up removes the stray brick and moves it", async function () {
        const [source, backups, bricks] = (await engine.up()).outputs.volume.value as VolumeOutput;
        const written = await onMount(source, backups, WRITE);
        const n1 = labExecutor(lab.nodes[0]);
        const moving = bricks.find((brick) => brick.node === "n1")!;
        devices = (node) => node.devices.filter((path) => !(node.name === "n1" && path === moving.device));
        const up = engine.up().then(
            () => "finished",
            (error: unknown) => (error instanceof EngineOperationError ? /volume 'moving'[^\n]*|brick[^\n]*/.exec(error.message)?.[0] ?? error.message : `failed otherwise: ${error}`),
        );
        await waitFor("the replacement brick on n1", 180_000, 100, async () => {
            const lvs = parseLvs((await n1.run(lvsArgs())).stdout);
            return { done: lvs.length > 2 ? true : undefined, seen: lvs.map((lv) => `${lv.vgName}/${lv.lvName}`).join(",") };
        });
        await labNode("kill", "n1");
        let n1Down = true;
        try {
            const first = await up;
            console.log(`      move with n1 killed: ${first.slice(0, 400)}`);
            assert.notEqual(first, "finished");
            await labNode("start", "n1");
            n1Down = false;
            await closeAll();
            const n2 = labExecutor(lab.nodes[1]);
            await waitFor("n1's brick online again", 180_000, 2000, async () => {
                const [status] = parseVolumeStatus((await n2.run(glusterArgs("volume", "status", "moving"))).stdout);
                const online = status.bricks.filter((brick) => brick.online).length;
                return { done: online === 3 ? true : undefined, seen: JSON.stringify(status.bricks) };
            });
            await waitForHeal(n2, "moving");

            const { outputs, stdout } = await engine.up();
            console.log(`      next up: ${stdout.split("\n").filter((line) => /unused brick|replaced by/.test(line)).map((line) => line.trim().slice(0, 220)).join(" | ")}`);
            const [, , after] = outputs.volume.value as VolumeOutput;
            const moved = after.find((brick) => brick.node === "n1")!;
            assert.notEqual(moved.device, moving.device, "the brick left the removed device");
            const [info] = parseVolumeInfo((await n1.run(volumeInfoArgs("moving"))).stdout);
            assert.deepEqual(info.bricks.map((brick) => `${brick.host}:${brick.path}`), after.map((brick) => `${brick.host}:${brick.path}`), "state follows gluster's brick list");
            const lvs = parseLvs((await n1.run(lvsArgs())).stdout).map((lv) => `${lv.vgName}/${lv.lvName}`).sort();
            assert.deepEqual(lvs, [`${moved.vgName}/brick_${moved.id}`, `${moved.vgName}/tp_${moved.id}`].sort(), "n1 holds the moved brick and nothing else");
            assert.equal(await onMount(source, backups, READ), written);
        } finally {
            if (n1Down) {
                await labNode("start", "n1");
                await closeAll();
            }
        }
    });
});
