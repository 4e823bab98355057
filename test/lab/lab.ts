// Access to the storage lab from tests: its description (.lab/lab.json, written by lab.sh) and
// executors for its nodes. Tests run inside the lab's network namespace (see test/run.sh).
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { SshExecutor, SshTarget } from "../../components/remote";
import { repoRoot } from "../../stacks/engine";
import type { LabNode } from "../../stacks/lab/lab";

const labScript = path.join(repoRoot, "test/lab/lab.sh");

export { Lab, LabNode, loadLab } from "../../stacks/lab/lab";

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
