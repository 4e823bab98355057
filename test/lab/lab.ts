// Access to the storage lab from tests: its description (.lab/lab.json, written by lab.sh), the
// cluster arguments that declare it, and executors for its nodes. Tests run inside the lab's
// network namespace (see test/run.sh).
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import type { GlusterClusterArgs } from "../../components";
import { SshExecutor, SshTarget } from "../../components/remote";
import { repoRoot } from "../engine/engine";

const labScript = path.join(repoRoot, "test/lab/lab.sh");

export interface LabNode {
    name: string;
    host: string;
    port: number;
    user: string;
    privateKeyPath: string;
    hostKey: string;
    zone: number;
    devices: string[];
}

export interface Lab {
    netns: string;
    nodes: LabNode[];
}

export function loadLab(): Lab {
    const file = path.join(repoRoot, ".lab/lab.json");
    try {
        return JSON.parse(readFileSync(file, "utf8")) as Lab;
    } catch (e) {
        throw new Error(`no lab description at ${file} (${(e as Error).message}): run 'npm run lab:up' first`);
    }
}

/** The config of a stacks/lab stack on this lab (what `npm run lab:deploy` sets, too). */
export function labStackConfig(lab: Lab): Record<string, string> {
    const nodes = lab.nodes.map(({ name, host, zone, devices }) => ({ name, host, zone, devices }));
    return {
        nodes: JSON.stringify(nodes),
        privateKeyPath: lab.nodes[0].privateKeyPath,
        knownHostsPath: path.join(repoRoot, ".lab/ssh/known_hosts"),
    };
}

/**
 * The lab's nodes with their host keys and devices, and the key's path: the config of the test
 * projects (the package's consumers, test/stacks/volumes).
 */
export function labNodesConfig(lab: Lab): Record<string, string> {
    const nodes = lab.nodes.map(({ name, host, zone, hostKey, devices }) => ({ name, host, zone, hostKey, devices }));
    return { nodes: JSON.stringify(nodes), privateKeyPath: lab.nodes[0].privateKeyPath };
}

export function labClusterArgs(lab: Lab): GlusterClusterArgs {
    return {
        nodes: lab.nodes.map((node) => ({
            name: node.name,
            manageHost: node.host,
            storageHost: node.host,
            zone: node.zone,
            connection: {
                user: node.user,
                port: node.port,
                privateKey: pulumi.secret(readFileSync(node.privateKeyPath, "utf8")),
                hostKey: node.hostKey,
            },
            devices: node.devices.map((path) => ({ path })),
            // The lab's nodes have the packages (they run the host's own binaries) and no systemd:
            // bootstrap checks them, loads dm_thin_pool at boot and makes the brick mount root.
            bootstrap: true,
        })),
        zoneChecking: "none",
    };
}

export function labTarget(node: LabNode, overrides: Partial<SshTarget> = {}): SshTarget {
    return {
        name: node.name,
        host: node.host,
        port: node.port,
        user: node.user,
        privateKey: readFileSync(node.privateKeyPath, "utf8"),
        hostKey: node.hostKey,
        ...overrides,
    };
}

export function labExecutor(node: LabNode, overrides: Partial<SshTarget> = {}): SshExecutor {
    return new SshExecutor(labTarget(node, overrides));
}

/** Runs `lab.sh node <action> <name>`: kill (power cut), stop (clean), start, or remove (kill, then delete its disks). */
export async function labNode(action: "kill" | "stop" | "start" | "remove", name: string): Promise<void> {
    await promisify(execFile)("bash", [labScript, "node", action, name], { timeout: 300_000 });
}

/** Runs `lab.sh up --nodes <count>`: boots the nodes the lab lacks (it never shrinks). */
export async function labUp(nodeCount: number): Promise<void> {
    await promisify(execFile)("bash", [labScript, "up", "--nodes", String(nodeCount)], { timeout: 600_000 });
}
