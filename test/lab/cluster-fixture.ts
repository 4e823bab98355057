// A GlusterCluster of the lab's nodes (first device of each) made through the real engine, for
// tests that need a cluster under their volumes; and the host-side checks and clean-ups they
// share: what bricks left on a host, wiping the lab back to blank nodes, FUSE mounts.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { BRICK_MOUNT_ROOT, type ClusterTopology } from "../../components/access";
import { GlusterCluster } from "../../components/cluster";
import { SNAPSHOT_MOUNT_ROOT } from "../../components/snapshot";
import { glusterArgs, glusterCommand, healComplete, healInfoArgs, lvsArgs, parseHealInfo, parseLvs, parseVgs, type SshExecutor, vgsArgs } from "../../components/remote";
import { EngineStack } from "../engine/automation";
import { labClusterArgs, labExecutor, type Lab } from "./lab";

export interface LabCluster {
    topology: ClusterTopology;
    hosts: Map<string, SshExecutor>;
    /** The one VG of each node, by node name. */
    vgNames: Map<string, string>;
    /** Destroys the cluster (its volumes must be gone by then), then wipes whatever is left. */
    dispose(): Promise<void>;
}

/** Blank lab nodes, then a GlusterCluster stack over them; its topology is what volume stacks take. */
export async function prepareCluster(lab: Lab, projectName: string): Promise<LabCluster> {
    // A run cut short (Ctrl-C, a CI time-out) may have left volumes, VGs or peers behind.
    await wipeCluster(lab);
    const engine = await EngineStack.create({
        projectName,
        program: async () => {
            const args = labClusterArgs(lab);
            const cluster = new GlusterCluster("lab", { ...args, nodes: args.nodes.map((node) => ({ ...node, devices: node.devices.slice(0, 1) })) });
            return { topology: cluster.topology, vgNames: cluster.vgNames };
        },
    });
    const dispose = async () => {
        try {
            await engine.destroy();
        } finally {
            await engine.dispose();
            await wipeCluster(lab);
        }
    };
    try {
        const { outputs } = await engine.up();
        const vgNames = outputs.vgNames.value as Record<string, Record<string, string>>;
        return {
            topology: outputs.topology.value as ClusterTopology,
            hosts: new Map(lab.nodes.map((node) => [node.name, labExecutor(node)])),
            vgNames: new Map(lab.nodes.map((node) => [node.name, vgNames[node.name][node.devices[0]]])),
            dispose,
        };
    } catch (error) {
        await dispose();
        throw error;
    }
}

/** Unmounts every brick (snapshots' too), drops their fstab lines and mount directories, and removes the LVs of `vgName`. */
export async function wipeBricks(host: SshExecutor, vgName?: string): Promise<void> {
    const wipe = [
        // Brick mounts, and those of snapshots and clones that gluster made.
        `for m in $(awk '$2 ~ "^(${BRICK_MOUNT_ROOT}|${SNAPSHOT_MOUNT_ROOT})/" {print $2}' /proc/mounts); do umount -l "$m"; done`,
        `awk '$2 !~ "^${BRICK_MOUNT_ROOT}/"' /etc/fstab > /etc/.fstab.wipe && mv /etc/.fstab.wipe /etc/fstab`,
        `rm -rf ${BRICK_MOUNT_ROOT} ${SNAPSHOT_MOUNT_ROOT}`,
    ].join("\n");
    await host.run(["sh", "-c", wipe]);
    if (vgName !== undefined) {
        const volumes = parseLvs((await host.run(lvsArgs([vgName]))).stdout);
        if (volumes.length > 0) {
            await host.run(["lvremove", "-qq", "-f", vgName]);
        }
    }
}

export async function wipeCluster(lab: Lab): Promise<void> {
    const hosts = lab.nodes.map((node) => labExecutor(node));
    const n1 = hosts[0];
    // Snapshots first: gluster refuses to delete a volume that has them.
    await n1.tryRun(["gluster", "--mode=script", "snapshot", "delete", "all"]);
    const volumes = await n1.run(["gluster", "--mode=script", "volume", "list"]);
    for (const volume of volumes.stdout.split("\n").map((line) => line.trim()).filter((line) => line && !/^No volumes/.test(line))) {
        await n1.tryRun(glusterArgs("volume", "stop", volume, "force"));
        await n1.run(glusterArgs("volume", "delete", volume));
    }
    await Promise.all(
        lab.nodes.map(async (node, index) => {
            const host = hosts[index];
            await wipeBricks(host);
            const groups = parseVgs((await host.run(vgsArgs())).stdout);
            for (const group of groups) {
                await host.run(["vgremove", "-qq", "-f", group.vgName]);
            }
            for (const device of node.devices) {
                await host.tryRun(["pvremove", "-qq", "-ff", "-y", device]);
            }
        }),
    );
    for (const node of lab.nodes.slice(1)) {
        await n1.tryRun(glusterCommand(["peer", "detach", node.host, "force"], { timeoutSeconds: 600 }));
    }
}

/** Written by the nodes' bootstrap. */
export const MODULES_LOAD_FILE = "/etc/modules-load.d/pulumi-gluster.conf";

/** What a host holds that the product makes: anything here after destroy is left behind. */
export async function productTraces(host: SshExecutor): Promise<string> {
    const script = [
        "pvs --noheadings -o pv_name",
        "lvs --noheadings -o lv_name",
        "grep /var/lib/heketi/mounts /etc/fstab",
        "ls -A /var/lib/heketi/mounts",
        "gluster --mode=script volume list 2>&1 | grep -v '^No volumes'",
        "gluster --mode=script pool list | tail -n +2 | grep -v localhost",
    ].join("; ");
    return (await host.run(["sh", "-c", `{ ${script}; } 2>&1; true`])).stdout.trim();
}

/** What the hosts hold for volumes: LVs, brick mounts, fstab lines, brick mount dirs, gluster volumes. */
export interface HostLeftovers {
    lvs: string[];
    mounts: string[];
    fstabLines: string[];
    mountDirs: string[];
}

export async function leftovers(host: SshExecutor, vgName: string): Promise<HostLeftovers> {
    const lvs = parseLvs((await host.run(lvsArgs([vgName]))).stdout).map((lv) => lv.lvName);
    const mounts = (await host.run(["cat", "/proc/mounts"])).stdout.split("\n").filter((line) => line.split(" ")[1]?.startsWith(`${BRICK_MOUNT_ROOT}/`));
    const fstabLines = (await host.run(["cat", "/etc/fstab"])).stdout.split("\n").filter((line) => line.includes(BRICK_MOUNT_ROOT));
    const dirs = await host.tryRun(["ls", "-A", `${BRICK_MOUNT_ROOT}/${vgName}`]);
    const mountDirs = dirs.exitCode === 0 ? dirs.stdout.split("\n").filter(Boolean) : [];
    return { lvs, mounts, fstabLines, mountDirs };
}

export async function glusterVolumes(host: SshExecutor): Promise<string[]> {
    const result = await host.run(["gluster", "--mode=script", "volume", "list"]);
    return result.stdout.split("\n").map((line) => line.trim()).filter((line) => line && !/^No volumes/.test(line));
}

/**
 * Polls `probe` every `intervalMs` until it reports `done`, or fails after `limitMs` naming
 * `what` and what the last probe saw.
 */
export async function waitFor<T>(what: string, limitMs: number, intervalMs: number, probe: () => Promise<{ done: T | undefined; seen: string }>): Promise<T> {
    const deadline = performance.now() + limitMs;
    for (;;) {
        const { done, seen } = await probe();
        if (done !== undefined) {
            return done;
        }
        assert.ok(performance.now() < deadline, `${what}: not within ${limitMs / 1000} s; last seen: ${seen}`);
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
}

/** Waits until `volume heal info` shows every brick connected with nothing left to heal. */
export async function waitForHeal(host: SshExecutor, volumeName: string, limitMs = 300_000): Promise<void> {
    await waitFor(`heal of ${volumeName} complete`, limitMs, 3000, async () => {
        const heal = parseHealInfo((await host.run(healInfoArgs(volumeName))).stdout);
        return { done: healComplete(heal) ? true : undefined, seen: JSON.stringify(heal) };
    });
}

/**
 * Waits until no node of `volumeName` still runs a rebalance (a volume never rebalanced counts as
 * done). While one runs, gluster 10 (lookup-optimize on, one rebalance process per node) can
 * answer a lookup with ENOENT for a file not yet moved (glusterfs issue #973): reads that check
 * data after an expansion wait for it first. A status gluster could not give (a busy glusterd)
 * is asked again, and a rebalance that failed on a node fails the wait, naming it.
 */
export async function waitForRebalance(host: SshExecutor, volumeName: string, limitMs = 300_000): Promise<void> {
    await waitFor(`rebalance of ${volumeName} finished`, limitMs, 2000, async () => {
        const { stdout } = await host.tryRun(glusterArgs("volume", "rebalance", volumeName, "status"));
        const nodes = [...stdout.matchAll(/<node>[\s\S]*?<nodeName>([^<]*)<\/nodeName>[\s\S]*?<statusStr>([^<]*)<\/statusStr>/g)].map((match) => ({ node: match[1], status: match[2] }));
        const failed = nodes.filter((node) => node.status === "failed");
        if (failed.length > 0) {
            throw new Error(`rebalance of ${volumeName} failed on ${failed.map((node) => node.node).join(", ")}: ${stdout.slice(0, 2000)}`);
        }
        if (nodes.length === 0) {
            return { done: /Rebalance not started/.test(stdout) ? true : undefined, seen: stdout.slice(0, 300) };
        }
        return { done: nodes.some((node) => node.status === "in progress") ? undefined : true, seen: nodes.map((node) => `${node.node}: ${node.status}`).join(", ") };
    });
}

/**
 * Runs a shell script on this machine (inside the lab's namespace) as one child process: each
 * `ip netns exec` has its own mount namespace, so a FUSE mount must live and die in one script.
 */
export async function runLocal(script: string, ...args: string[]): Promise<string> {
    const { stdout } = await promisify(execFile)("bash", ["-c", script, "bash", ...args], { timeout: 120_000 });
    return stdout;
}

/**
 * Mounts a gluster volume with the FUSE client in a temporary directory, runs `body` there (a
 * shell script), and always unmounts; resolves with what `body` printed.
 */
export async function onMount(mountSource: string, backupVolfileServers: readonly string[], body: string): Promise<string> {
    const script = `set -e
dir=$(mktemp -d /tmp/glusterfs-mount.XXXXXX)
mount -t glusterfs -o backup-volfile-servers="$2" "$1" "$dir"
trap 'cd /; umount "$dir"; rmdir "$dir"' EXIT
cd "$dir"
${body}`;
    return runLocal(script, mountSource, backupVolfileServers.join(":"));
}
