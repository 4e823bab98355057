// The lab's own description, .lab/lab.json, written by test/lab/lab.sh.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../engine";

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
