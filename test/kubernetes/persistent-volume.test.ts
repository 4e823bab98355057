// GlusterPersistentVolume through the real engine and the real Kubernetes provider, against the
// test API server (test/k8s/k8s.sh) and a real gluster volume on the lab. The storage stack owns
// the cluster and the volume; the Kubernetes stack reads the volume through a StackReference,
// as a platform team would split them.
import assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { closeAll, GLUSTERFS_MODE_UNCHECKED, GlusterPersistentVolume, GlusterVolume, type GlusterPersistentVolumeArgs } from "../../components";
import { parseVolumeInfo, volumeInfoArgs } from "../../components/remote";
import { EngineOperationError, EngineStack } from "../engine/automation";
import { api, kubeconfig, serverVersion, waitForObject } from "../k8s/api";
import { onMount, prepareCluster, type LabCluster } from "../lab/cluster-fixture";
import { loadLab, type Lab } from "../lab/lab";

const PV_TYPE = "kubernetes:core/v1:PersistentVolume";

describe("kubernetes: GlusterPersistentVolume on a real API server", function () {
    let lab: Lab;
    let cluster: LabCluster;
    let storage: EngineStack;
    let size = "1Gi";
    let rotateServers = false;
    let version: string;

    before(async function () {
        lab = loadLab();
        version = await serverVersion();
        cluster = await prepareCluster(lab, "k8s-test-cluster");
        storage = await EngineStack.create(
            {
                projectName: "k8s-test-storage",
                program: async () => {
                    const volume = new GlusterVolume("web", { cluster: cluster.topology, size, durability: { type: "replicate", replica: 3 }, gid: 2001 });
                    return { volumeName: volume.volumeName, sizeBytes: volume.sizeBytes, mountSource: volume.mountSource, backupVolfileServers: volume.backupVolfileServers, bricks: volume.bricks, gid: volume.gid };
                },
            },
            { stackName: "prod" },
        );
        await storage.up();
    });

    after(async function () {
        try {
            await storage?.destroy();
            await storage?.dispose();
            await cluster?.dispose();
        } finally {
            await closeAll();
        }
    });

    /** A Kubernetes stack on the same backend, taking the volume from the storage stack. */
    function kubernetesStack(projectName: string, settings: () => Omit<GlusterPersistentVolumeArgs, "volume">): Promise<EngineStack> {
        return EngineStack.create(
            {
                projectName,
                program: async () => {
                    const provider = new k8s.Provider("test-server", { kubeconfig: kubeconfig() });
                    const stored = new pulumi.StackReference("organization/k8s-test-storage/prod").outputs;
                    // As after the volume's bricks moved off a node: same volume, other volfile servers.
                    const volume = rotateServers
                        ? stored.apply((v) => ({ ...v, mountSource: `${v.backupVolfileServers[0]}:/${v.volumeName}`, backupVolfileServers: [...v.backupVolfileServers.slice(1), String(v.mountSource).split(":")[0]] }))
                        : stored;
                    const pv = new GlusterPersistentVolume("web", { volume: volume as pulumi.Output<any>, ...settings() }, { provider });
                    return { persistentVolumeName: pv.persistentVolumeName, claimName: pv.claimName, endpointsName: pv.endpointsName, serviceName: pv.serviceName, mountPath: pv.mountPath };
                },
            },
            { stackName: "prod", sameBackendAs: storage },
        );
    }

    describe("glusterfs mode", function () {
        let engine: EngineStack;
        let settings: Omit<GlusterPersistentVolumeArgs, "volume"> = { namespace: "default", claim: { name: "web-data" } };

        before(async function () {
            engine = await kubernetesStack("k8s-test-glusterfs", () => settings);
        });
        after(async function () {
            await engine?.dispose();
        });

        it("refuses at preview a server that cannot mount it, when told the server's version", async function () {
            assert.match(version, /^v1\.3\d\./, "the test server is newer than 1.25");
            settings = { ...settings, kubernetesVersion: version };
            try {
                await assert.rejects(engine.preview(), (error: unknown) => {
                    assert.ok(error instanceof EngineOperationError);
                    assert.match(error.message, /GlusterPersistentVolume "web": kubernetesVersion: mode "glusterfs" needs the in-tree glusterfs plugin, which Kubernetes removed in 1\.26; this server is v1\.3\d\.\d+/);
                    return true;
                });
            } finally {
                settings = { namespace: "default", claim: { name: "web-data" } };
            }
        });

        it("creates Endpoints, Service, PV and a claim that binds to it, warning that the mode is unchecked", async function () {
            const result = await engine.up();
            const outputs = Object.fromEntries(Object.entries(result.outputs).map(([key, output]) => [key, output.value]));
            assert.deepEqual(outputs, { persistentVolumeName: "glusterfs-web", claimName: "web-data", endpointsName: "glusterfs-web", serviceName: "glusterfs-web" });
            assert.ok(result.stdout.includes(GLUSTERFS_MODE_UNCHECKED), "without kubernetesVersion, up warns that the mode is unchecked");

            const endpoints = (await api("/api/v1/namespaces/default/endpoints/glusterfs-web")).body;
            assert.deepEqual(endpoints.subsets.length, 1);
            assert.deepEqual(endpoints.subsets[0].addresses.map((address: { ip: string }) => address.ip).sort(), lab.nodes.map((node) => node.host).sort(), "every storage host");
            assert.deepEqual(endpoints.subsets[0].ports, [{ port: 1, protocol: "TCP" }]);
            const service = (await api("/api/v1/namespaces/default/services/glusterfs-web")).body;
            assert.deepEqual([service.spec.selector, service.spec.ports.map((port: { port: number }) => port.port)], [undefined, [1]]);
            const pv = (await api("/api/v1/persistentvolumes/glusterfs-web")).body;
            assert.deepEqual(pv.spec.glusterfs, { endpoints: "glusterfs-web", endpointsNamespace: "default", path: "web" });
            assert.equal(pv.spec.capacity.storage, "1Gi");
            assert.equal(pv.metadata.annotations["pv.beta.kubernetes.io/gid"], "2001");
            const claim = await waitForObject("/api/v1/namespaces/default/persistentvolumeclaims/web-data", "the claim binds", (body) => body.status?.phase === "Bound");
            assert.equal(claim.spec.volumeName, "glusterfs-web");
            assert.equal((await api("/api/v1/persistentvolumes/glusterfs-web")).body.status.phase, "Bound");
        });

        it("shows a larger volume as a larger PV", async function () {
            size = "2Gi";
            await storage.up();
            const result = await engine.up();
            assert.deepEqual(result.events.changes(PV_TYPE).map(({ op }) => op), ["update"]);
            assert.equal((await api("/api/v1/persistentvolumes/glusterfs-web")).body.spec.capacity.storage, "2Gi");
            const preview = await engine.preview();
            assert.deepEqual(preview.events.changes(), [], "nothing else to change");
        });

        it("destroys the Kubernetes objects and leaves the gluster volume and its data alone", async function () {
            const { outputs } = await storage.up();
            const source = outputs.mountSource.value as string;
            const backups = outputs.backupVolfileServers.value as string[];
            await onMount(source, backups, "echo kept > kept.txt");
            await engine.destroy();
            for (const object of ["/api/v1/persistentvolumes/glusterfs-web", "/api/v1/namespaces/default/persistentvolumeclaims/web-data", "/api/v1/namespaces/default/endpoints/glusterfs-web", "/api/v1/namespaces/default/services/glusterfs-web"]) {
                await waitForObject(object, `${object} is deleted`, (_body, status) => status === 404);
            }
            const [info] = parseVolumeInfo((await cluster.hosts.get("n1")!.run(volumeInfoArgs("web"))).stdout);
            assert.equal(info.status, "Started");
            assert.equal(await onMount(source, backups, "cat kept.txt"), "kept\n");
        });
    });

    describe("hostMount mode", function () {
        let engine: EngineStack;
        const workers = () =>
            lab.nodes.slice(0, 2).map((node) => ({
                nodeName: node.name,
                manageHost: node.host,
                connection: cluster.topology.nodes.find((clusterNode) => clusterNode.name === node.name)!.connection,
            }));

        before(async function () {
            engine = await kubernetesStack("k8s-test-hostmount", () => ({ namespace: "default", claim: { name: "web-files" }, mode: "hostMount", workers: workers(), kubernetesVersion: version }));
        });
        after(async function () {
            await engine?.dispose();
        });

        it("mounts the volume on each worker; data written through one is read through the other", async function () {
            const { outputs } = await engine.up();
            assert.equal(outputs.mountPath.value, "/mnt/glusterfs/web");
            const [w1, w2] = lab.nodes.slice(0, 2).map((node) => cluster.hosts.get(node.name)!);
            for (const worker of [w1, w2]) {
                assert.equal((await worker.tryRun(["mountpoint", "-q", "/mnt/glusterfs/web"])).exitCode, 0, `${worker.label}: mounted`);
                assert.match((await worker.run(["cat", "/etc/fstab"])).stdout, /^\S+:\/web \/mnt\/glusterfs\/web glusterfs defaults,_netdev,backup-volfile-servers=\S+ 0 0$/m);
            }
            await w1.run(["sh", "-c", 'echo "from $(hostname)" > /mnt/glusterfs/web/hello.txt']);
            assert.equal((await w2.run(["cat", "/mnt/glusterfs/web/hello.txt"])).stdout, `from ${(await w1.run(["hostname"])).stdout.trim()}\n`);

            const pv = (await api("/api/v1/persistentvolumes/glusterfs-web")).body;
            assert.deepEqual(pv.spec.local, { path: "/mnt/glusterfs/web" });
            assert.deepEqual(pv.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values, ["n1", "n2"]);
            await waitForObject("/api/v1/namespaces/default/persistentvolumeclaims/web-files", "the claim binds", (body) => body.status?.phase === "Bound");
        });

        it("takes new volfile servers by rewriting the fstab lines, leaving the live mounts alone", async function () {
            const [w1, w2] = lab.nodes.slice(0, 2).map((node) => cluster.hosts.get(node.name)!);
            const mountIds = async () => Promise.all([w1, w2].map(async (worker) => (await worker.run(["awk", '$5 == "/mnt/glusterfs/web" {print $1}', "/proc/self/mountinfo"])).stdout.trim()));
            const before = await mountIds();
            rotateServers = true;
            try {
                const { outputs } = await storage.up();
                const [, ...others] = outputs.backupVolfileServers.value as string[];
                const moved = await engine.up();
                assert.deepEqual(moved.events.changes().map(({ op, type }) => `${op} ${type}`), ["update pulumi-nodejs:dynamic/gluster/kubernetes:HostMount", "update pulumi-nodejs:dynamic/gluster/kubernetes:HostMount"]);
                const newSource = `${(outputs.backupVolfileServers.value as string[])[0]}:/web`;
                for (const worker of [w1, w2]) {
                    const lines = (await worker.run(["awk", '$2 == "/mnt/glusterfs/web"', "/etc/fstab"])).stdout;
                    assert.equal(lines.trim().split("\n").length, 1, `${worker.label}: one fstab line`);
                    assert.ok(lines.startsWith(`${newSource} /mnt/glusterfs/web glusterfs defaults,_netdev,backup-volfile-servers=${[...others, String(outputs.mountSource.value).split(":")[0]].join(":")} `), lines);
                }
                assert.deepEqual(await mountIds(), before, "the same mounts, not remounted");
                assert.match((await w2.run(["cat", "/mnt/glusterfs/web/hello.txt"])).stdout, /^from /);
                assert.deepEqual((await engine.preview()).events.changes(), []);
            } finally {
                rotateServers = false;
            }
        });

        it("plans a volume and its host mounts in one program: preview takes what is unknown until up, and still refuses a bad mount path", async function () {
            let mountPath: string | undefined;
            const fresh = await EngineStack.create(
                {
                    projectName: "k8s-test-hostmount-fresh",
                    program: async () => {
                        const provider = new k8s.Provider("test-server", { kubeconfig: kubeconfig() });
                        const volume = new GlusterVolume("fresh", { cluster: cluster.topology, size: "1Gi", durability: { type: "replicate", replica: 3 } });
                        new GlusterPersistentVolume("fresh", { volume, namespace: "default", mode: "hostMount", workers: workers(), kubernetesVersion: version, mountPath }, { provider });
                    },
                },
                { sameBackendAs: storage },
            );
            try {
                const plan = await fresh.preview();
                const creates = plan.events.changes().map(({ op, type }) => `${op} ${type}`);
                assert.deepEqual(creates.filter((change) => /:HostMount$|volume:Volume$/.test(change)).sort(), [
                    "create pulumi-nodejs:dynamic/gluster/kubernetes:HostMount",
                    "create pulumi-nodejs:dynamic/gluster/kubernetes:HostMount",
                    "create pulumi-nodejs:dynamic/gluster/volume:Volume",
                ]);
                mountPath = "/etc/glusterfs";
                await assert.rejects(fresh.preview(), (error: unknown) => {
                    assert.ok(error instanceof EngineOperationError);
                    assert.match(error.message, /mountPath[^\n]*\/etc\/glusterfs[^\n]*under the system directory \/etc/);
                    return true;
                });
            } finally {
                await fresh.dispose();
            }
        });

        it("destroy unmounts and removes the fstab lines and mount points", async function () {
            await engine.destroy();
            for (const worker of lab.nodes.slice(0, 2).map((node) => cluster.hosts.get(node.name)!)) {
                assert.notEqual((await worker.tryRun(["mountpoint", "-q", "/mnt/glusterfs/web"])).exitCode, 0);
                assert.doesNotMatch((await worker.run(["cat", "/etc/fstab"])).stdout, /\/mnt\/glusterfs\/web/);
                assert.notEqual((await worker.tryRun(["test", "-e", "/mnt/glusterfs/web"])).exitCode, 0, `${worker.label}: mount point removed`);
            }
        });
    });
});
