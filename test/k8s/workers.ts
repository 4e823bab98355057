// The test cluster's kubelet workers (`k8s.sh up --workers N`): where they are, and SSH to them
// with the lab's key, as GlusterHostMount reaches them.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { SshExecutor } from "../../components/remote";
import { repoRoot } from "../engine/engine";
import type { Lab } from "../lab/lab";

const state = process.env.K8S_STATE ?? path.join(repoRoot, ".k8s");

export interface Worker {
    /** Its Kubernetes node name. */
    name: string;
    host: string;
    port: number;
    hostKey: string;
    podCIDR: string;
}

export function loadWorkers(): Worker[] {
    const file = path.join(state, "workers.json");
    try {
        return JSON.parse(readFileSync(file, "utf8")) as Worker[];
    } catch (error) {
        throw new Error(`no kubelet workers (${file}: ${(error as Error).message}); start them with 'npm run k8s:up -- --workers 2' (after 'npm run k8s:down' if the cluster is up without them)`);
    }
}

export function workerExecutor(worker: Worker, lab: Lab): SshExecutor {
    const [node] = lab.nodes;
    return new SshExecutor({ name: worker.name, host: worker.host, port: worker.port, user: "root", privateKey: readFileSync(node.privateKeyPath, "utf8"), hostKey: worker.hostKey });
}
