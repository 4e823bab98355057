// The apps side of a team's split: MySQL and WordPress on two gluster volumes that a storage stack
// (e.g. stacks/lab) made and exports. The Kubernetes cluster is the default provider's: the
// ambient kubeconfig, `kubernetes:kubeconfig`, or `kubernetes:renderYamlToDirectory` to render
// YAML for a pull request without any cluster. Config:
//
//   storageStack:   the storage stack, e.g. organization/gluster-lab/prod; its `volumeSources`
//                   output names the volumes (see stacks/lab)
//   volumes:        { mysql: <name>, wordpress: <name> } in that output (default replica3, arbiter)
//                   or, without storageStack, the two volume sources themselves
//   mysqlPassword:  secret
//   namespace:      default "wordpress"
//   mode:           "glusterfs" (default; Kubernetes <= 1.25) or "hostMount"
//   workers:        hostMount mode: [{ nodeName, host, hostKey, user?, port? }], the nodes that
//                   mount the volumes over SSH and run the pods
//   workerPrivateKey: hostMount mode: secret, the SSH key for the workers
//   kubernetesVersion: the server's version, so that preview refuses a mode it cannot mount
//   awaitRollout:   default true; false where no node runs pods
//   images:         { mysql?, wordpress? }: default the public mysql:8.0 and wordpress:6-apache
//   imagePullPolicy: e.g. Never, for images loaded on the nodes beforehand
import * as pulumi from "@pulumi/pulumi";
import type { GlusterWorkerArgs, PersistentVolumeMode, VolumeSource } from "pulumi-gluster";
import { wordpressProgram } from "./program";

const config = new pulumi.Config();
const storageStack = config.get("storageStack");

function volumes(): Record<"mysql" | "wordpress", pulumi.Input<VolumeSource>> {
    if (storageStack === undefined) {
        return config.requireObject<Record<"mysql" | "wordpress", VolumeSource>>("volumes");
    }
    const names = config.getObject<Record<"mysql" | "wordpress", string>>("volumes") ?? { mysql: "replica3", wordpress: "arbiter" };
    const sources = new pulumi.StackReference(storageStack).requireOutput("volumeSources") as pulumi.Output<Record<string, VolumeSource>>;
    const pick = (app: "mysql" | "wordpress") =>
        sources.apply((all) => {
            const source = all[names[app]];
            if (source === undefined) {
                throw new Error(`wordpress stack: ${storageStack} exports no volume '${names[app]}' (it has ${Object.keys(all).join(", ")}); set volumes.${app}`);
            }
            return source;
        });
    return { mysql: pick("mysql"), wordpress: pick("wordpress") };
}

interface WorkerConfig {
    nodeName: string;
    host: string;
    hostKey: string;
    user?: string;
    port?: number;
}

function workers(): GlusterWorkerArgs[] | undefined {
    const configured = config.getObject<WorkerConfig[]>("workers");
    if (configured === undefined) {
        return undefined;
    }
    const privateKey = config.requireSecret("workerPrivateKey");
    return configured.map(({ nodeName, host, hostKey, user, port }) => ({ nodeName, manageHost: host, connection: { privateKey, hostKey, user, port } }));
}

const outputs = wordpressProgram({
    namespace: config.get("namespace") ?? "wordpress",
    volumes: volumes(),
    mysqlPassword: config.requireSecret("mysqlPassword"),
    storage: { mode: config.get<PersistentVolumeMode>("mode") ?? "glusterfs", workers: workers(), kubernetesVersion: config.get("kubernetesVersion") },
    awaitRollout: config.getBoolean("awaitRollout") ?? true,
    images: config.getObject<{ mysql?: string; wordpress?: string }>("images"),
    imagePullPolicy: config.get("imagePullPolicy"),
});

export const namespace = outputs.namespace;
export const wordpressService = outputs.wordpressService;
export const mysqlClaim = outputs.mysqlClaim;
export const wordpressClaim = outputs.wordpressClaim;
