// Prepares the lab as a cluster for volume tests with plain commands (GlusterCluster, which will
// do this for real, is built elsewhere): peers probed from n1, one VG per node on its first
// device, and the ClusterTopology a GlusterCluster would export. Also removes every trace of
// volumes, bricks, VGs and peers, so a test starts and ends on blank nodes.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import type { ClusterTopology } from "../../components/cluster";
import { glusterArgs, lvsArgs, parseLvs, parsePeerStatus, parseVgs, type SshExecutor, vgsArgs } from "../../components/remote";
import { labExecutor, type Lab, type LabNode } from "../lab/lab";

/** Where heketi (and this product) mounts bricks. */
const MOUNT_ROOT = "/var/lib/heketi/mounts";

export interface LabCluster {
    topology: ClusterTopology;
    hosts: Map<string, SshExecutor>;
    /** The VG made on each node, by node name. */
    vgNames: Map<string, string>;
}

export function labVgName(node: LabNode): string {
    return `vg_${createHash("sha256").update(`volume-test/${node.name}`).digest("hex").slice(0, 16)}`;
}

export function labTopology(lab: Lab): ClusterTopology {
    return {
        zoneChecking: "none",
        nodes: lab.nodes.map((node) => ({
            name: node.name,
            manageHost: node.host,
            storageHost: node.host,
            zone: node.zone,
            connection: { user: node.user, port: node.port, privateKey: readFileSync(node.privateKeyPath, "utf8"), hostKey: node.hostKey },
            devices: [{ path: node.devices[0], vgName: labVgName(node), tags: {} }],
        })),
    };
}

export async function prepareCluster(lab: Lab): Promise<LabCluster> {
    const hosts = new Map(lab.nodes.map((node) => [node.name, labExecutor(node)]));
    const [first, ...others] = lab.nodes;
    const n1 = hosts.get(first.name)!;
    for (const node of others) {
        await n1.run(glusterArgs("--timeout=600", "peer", "probe", node.host));
    }
    await Promise.all(
        lab.nodes.map(async (node) => {
            const host = hosts.get(node.name)!;
            await host.run(["pvcreate", "-qq", "--metadatasize=128M", "--dataalignment=256K", node.devices[0]]);
            await host.run(["vgcreate", "-qq", "--physicalextentsize=4M", "--autobackup=n", labVgName(node), node.devices[0]]);
        }),
    );
    await waitForPeers(n1, others.length);
    return { topology: labTopology(lab), hosts, vgNames: new Map(lab.nodes.map((node) => [node.name, labVgName(node)])) };
}

async function waitForPeers(host: SshExecutor, count: number): Promise<void> {
    for (let attempt = 0; attempt < 60; attempt++) {
        const peers = parsePeerStatus((await host.run(glusterArgs("peer", "status"))).stdout);
        if (peers.filter((peer) => peer.connected && peer.state === "Peer in Cluster").length === count) {
            return;
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    throw new Error(`${host.label}: peers did not all join the cluster within 60 s`);
}

/** Removes volumes, brick mounts and fstab lines, VGs, PVs and peers: blank nodes again. */
/** Unmounts every brick, drops their fstab lines and mount directories, and removes the LVs of `vgName`. */
export async function wipeBricks(host: SshExecutor, vgName?: string): Promise<void> {
    const wipe = [
        `for m in $(awk '$2 ~ "^${MOUNT_ROOT}/" {print $2}' /proc/mounts); do umount -l "$m"; done`,
        `awk '$2 !~ "^${MOUNT_ROOT}/"' /etc/fstab > /etc/.fstab.wipe && mv /etc/.fstab.wipe /etc/fstab`,
        `rm -rf ${MOUNT_ROOT}`,
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
            await host.tryRun(["pvremove", "-qq", "-ff", "-y", node.devices[0]]);
        }),
    );
    for (const node of lab.nodes.slice(1)) {
        await n1.tryRun(glusterArgs("--timeout=600", "peer", "detach", node.host, "force"));
    }
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
    const mounts = (await host.run(["cat", "/proc/mounts"])).stdout.split("\n").filter((line) => line.split(" ")[1]?.startsWith(`${MOUNT_ROOT}/`));
    const fstabLines = (await host.run(["cat", "/etc/fstab"])).stdout.split("\n").filter((line) => line.includes(MOUNT_ROOT));
    const dirs = await host.tryRun(["ls", "-A", `${MOUNT_ROOT}/${vgName}`]);
    const mountDirs = dirs.exitCode === 0 ? dirs.stdout.split("\n").filter(Boolean) : [];
    return { lvs, mounts, fstabLines, mountDirs };
}

export async function glusterVolumes(host: SshExecutor): Promise<string[]> {
    const result = await host.run(["gluster", "--mode=script", "volume", "list"]);
    return result.stdout.split("\n").map((line) => line.trim()).filter((line) => line && !/^No volumes/.test(line));
}

/**
 * Runs a shell script on this machine (inside the lab's namespace) as one child process: each
 * `ip netns exec` has its own mount namespace, so a FUSE mount must live and die in one script.
 */
export async function runLocal(script: string, ...args: string[]): Promise<string> {
    const { stdout } = await promisify(execFile)("bash", ["-c", script, "bash", ...args], { timeout: 120_000 });
    return stdout;
}
