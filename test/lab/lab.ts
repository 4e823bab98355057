// Access to the storage lab from tests: its description (.lab/lab.json, written by lab.sh) and
// executors for its nodes. Tests run inside the lab's network namespace (see test/run.sh).
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { SshExecutor, SshTarget } from "../../components/remote";

export const repoRoot = path.resolve(__dirname, "../../..");
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

/** Runs `lab.sh node <action> <name>`: kill (power cut), stop (clean) or start. */
export async function labNode(action: "kill" | "stop" | "start", name: string): Promise<void> {
    await promisify(execFile)("bash", [labScript, "node", action, name], { timeout: 300_000 });
}
