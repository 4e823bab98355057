// stacks/wordpress as a user runs it (its project directory, run by the language host) through
// the real engine and Kubernetes provider: applied to the test API server in glusterfs mode (the
// pods are accepted and stay Pending: Kubernetes 1.34 has no glusterfs plugin to mount them; the
// pods that run are in workloads.test.ts), and rendered to YAML without any cluster, which is how
// a pull request previews it; the rendered objects must be what the program declares.
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { claimSpec, glusterEndpointsSubsets, persistentVolumeSpec, storageHosts, type VolumeSource } from "../../components/kubernetes";
import { EngineStack, repoRoot } from "../engine/automation";
import { api, kubeconfig, waitForObject } from "../k8s/api";
import { loadLab } from "../lab/lab";

/** Volumes as a storage stack would export them; the API server only stores what refers to them. */
function labVolumes(): Record<"mysql" | "wordpress", VolumeSource> {
    const hosts = loadLab().nodes.map((node) => node.host);
    const volume = (volumeName: string, sizeBytes: number): VolumeSource => ({
        volumeName,
        sizeBytes,
        mountSource: `${hosts[0]}:/${volumeName}`,
        backupVolfileServers: hosts.slice(1),
        bricks: hosts.map((host) => ({ host })),
    });
    return { mysql: volume("mysql", 2 * 1024 ** 3), wordpress: volume("wordpress", 1024 ** 3) };
}

/** The project's stack with its volumes given directly (no storage stack), and Kubernetes provider config. */
function wordpressStack(stackName: string, kubernetes: Record<string, string>): Promise<EngineStack> {
    return EngineStack.project(path.join(repoRoot, "stacks/wordpress"), {
        stackName,
        config: { namespace: "blog", volumes: JSON.stringify(labVolumes()), awaitRollout: "false", ...kubernetes },
        secretConfig: { mysqlPassword: `${stackName}-not-a-real-password` },
    });
}

describe("stacks/wordpress: MySQL and WordPress on gluster claims", function () {
    it("is accepted by a real API server in glusterfs mode: claims bind, pods wait for a mount no node can make", async function () {
        const engine = await wordpressStack("wordpress-test", { "kubernetes:kubeconfig": kubeconfig() });
        try {
            const { outputs } = await engine.up();
            assert.deepEqual([outputs.namespace.value, outputs.mysqlClaim.value, outputs.wordpressClaim.value], ["blog", "mysql-data", "wordpress-data"]);
            for (const app of ["mysql", "wordpress"]) {
                const claim = await waitForObject(`/api/v1/namespaces/blog/persistentvolumeclaims/${app}-data`, `${app}'s claim binds`, (body) => body.status?.phase === "Bound");
                assert.deepEqual([claim.spec.volumeName, claim.spec.storageClassName], [`glusterfs-${app}`, "glusterfs-static"]);
                const pods = await waitForObject(`/api/v1/namespaces/blog/pods?labelSelector=app%3D${app}`, `a ${app} pod is created`, (body) => body.items?.length === 1);
                const [pod] = pods.items;
                assert.equal(pod.status.phase, "Pending", "no node can mount it");
                assert.deepEqual(pod.spec.volumes.find((volume: { name: string }) => volume.name === "data").persistentVolumeClaim, { claimName: `${app}-data` });
                assert.equal((await api(`/api/v1/namespaces/blog/services/${app}`)).status, 200);
            }
            const mysql = (await api("/apis/apps/v1/namespaces/blog/deployments/mysql")).body;
            assert.deepEqual(mysql.spec.template.spec.containers[0].env[0], { name: "MYSQL_ROOT_PASSWORD", valueFrom: { secretKeyRef: { name: "mysql", key: "password" } } });
            await engine.destroy();
            await waitForObject("/api/v1/persistentvolumes/glusterfs-mysql", "the PV is deleted", (_body, status) => status === 404);
        } finally {
            await engine.dispose();
        }
    });

    it("renders to YAML without a cluster, exactly the objects the program declares", async function () {
        const dir = await mkdtemp(path.join(tmpdir(), "wordpress-render-"));
        const engine = await wordpressStack("wordpress-render", { "kubernetes:renderYamlToDirectory": dir });
        try {
            await engine.up();
            const files = (await readdir(dir, { recursive: true })).filter((file) => file.endsWith(".yaml"));
            const objects = (await Promise.all(files.map(async (file) => parseAllDocuments(await readFile(path.join(dir, file), "utf8")).map((doc) => doc.toJS())))).flat();
            const key = (object: { kind: string; metadata: { namespace?: string; name: string } }) => `${object.kind} ${object.metadata.namespace ?? "-"}/${object.metadata.name}`;
            assert.deepEqual(objects.map(key).sort(), [
                "Deployment blog/mysql",
                "Deployment blog/wordpress",
                "Endpoints blog/glusterfs-mysql",
                "Endpoints blog/glusterfs-wordpress",
                "Namespace -/blog",
                "PersistentVolume -/glusterfs-mysql",
                "PersistentVolume -/glusterfs-wordpress",
                "PersistentVolumeClaim blog/mysql-data",
                "PersistentVolumeClaim blog/wordpress-data",
                "Secret blog/mysql",
                "Service blog/glusterfs-mysql",
                "Service blog/glusterfs-wordpress",
                "Service blog/mysql",
                "Service blog/wordpress",
            ]);
            const find = (kind: string, name: string) => objects.find((object) => object.kind === kind && object.metadata.name === name);
            for (const [app, volume] of Object.entries(labVolumes())) {
                assert.deepEqual(
                    find("PersistentVolume", `glusterfs-${app}`).spec,
                    persistentVolumeSpec({ volume, mode: "glusterfs", accessModes: ["ReadWriteMany"], reclaimPolicy: "Retain", endpointsName: `glusterfs-${app}`, namespace: "blog", claimName: `${app}-data` }),
                );
                assert.deepEqual(find("PersistentVolumeClaim", `${app}-data`).spec, claimSpec(`glusterfs-${app}`, volume, ["ReadWriteMany"]));
                assert.deepEqual(find("Endpoints", `glusterfs-${app}`).subsets, glusterEndpointsSubsets(storageHosts(volume)));
            }
            // The secret's value is in the rendered file only base64-encoded, as Kubernetes stores it.
            assert.ok(!(await Promise.all(files.map((file) => readFile(path.join(dir, file), "utf8")))).join("\n").includes("not-a-real-password"));
        } finally {
            await engine.dispose();
            await rm(dir, { recursive: true, force: true });
        }
    });
});
