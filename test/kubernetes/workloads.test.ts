// The seeds' scenario, end to end: stacks/wordpress as a user runs it, in hostMount mode on the
// test cluster's kubelet workers, on two gluster volumes of the lab (MySQL's with the db-workload
// preset). Both Deployments roll out from images built from Debian packages; WordPress is
// installed over HTTP, its content is found in MySQL's files on gluster, survives MySQL moving to
// the other worker, and outlives the stack.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import * as path from "node:path";
import { closeAll, GlusterVolume, type VolumeSource } from "../../components";
import { EngineStack, repoRoot } from "../engine/automation";
import { api, kubeconfig, serverVersion, waitForObject } from "../k8s/api";
import { loadWorkers, workerExecutor, type Worker } from "../k8s/workers";
import { onMount, prepareCluster, waitFor, type LabCluster } from "../lab/cluster-fixture";
import { loadLab, type Lab } from "../lab/lab";

const TEST_IMAGES = { mysql: "localhost/pulumi-gluster/mariadb:test", wordpress: "localhost/pulumi-gluster/wordpress:test" };
const APPS = ["mysql", "wordpress"] as const;

/** An HTTP request to a pod, from the lab's namespace; the status and body. */
function http(host: string, pathAndQuery: string, form?: Record<string, string>): Promise<{ status: number; body: string }> {
    const payload = form === undefined ? undefined : new URLSearchParams(form).toString();
    return new Promise((resolve, reject) => {
        const req = request(
            {
                host,
                port: 80,
                path: pathAndQuery,
                method: payload === undefined ? "GET" : "POST",
                timeout: 60_000,
                headers: payload === undefined ? {} : { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": Buffer.byteLength(payload) },
            },
            (res) => {
                let body = "";
                res.setEncoding("utf8").on("data", (chunk) => (body += chunk));
                res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
            },
        );
        req.on("timeout", () => req.destroy(new Error(`http://${host}${pathAndQuery}: no answer in 60 s`)));
        req.on("error", reject);
        req.end(payload);
    });
}

/** The one running pod of an app, once it is Ready. */
async function readyPod(app: string, what: string, accept: (pod: Record<string, any>) => boolean = () => true): Promise<Record<string, any>> {
    const list = await waitForObject(
        `/api/v1/namespaces/blog/pods?labelSelector=app%3D${app}`,
        what,
        (body) => body.items?.length === 1 && body.items[0].metadata.deletionTimestamp === undefined && body.items[0].status.conditions?.some((c: { type: string; status: string }) => c.type === "Ready" && c.status === "True") && accept(body.items[0]),
        300_000,
    );
    return list.items[0];
}

describe("stacks/wordpress on kubelet workers: MySQL and WordPress serving from gluster volumes", function () {
    let lab: Lab;
    let workers: Worker[];
    let cluster: LabCluster;
    let storage: EngineStack;
    let app: EngineStack;
    let volumes: Record<(typeof APPS)[number], VolumeSource>;
    const title = `gluster-blog-${randomBytes(6).toString("hex")}`;

    before(async function () {
        lab = loadLab();
        workers = loadWorkers();
        assert.ok(workers.length >= 2, "two workers, so that MySQL can move");
        cluster = await prepareCluster(lab, "workload-cluster");
        storage = await EngineStack.create(
            {
                projectName: "workload-storage",
                program: async () => {
                    const made = {
                        mysql: new GlusterVolume("mysql", { cluster: cluster.topology, size: "1Gi", durability: { type: "replicate", replica: 3 }, preset: "db-workload" }),
                        wordpress: new GlusterVolume("wordpress", { cluster: cluster.topology, size: "1Gi", durability: { type: "replicate", replica: 3, arbiter: true } }),
                    };
                    return Object.fromEntries(
                        APPS.map((name) => {
                            const volume = made[name];
                            return [name, { volumeName: volume.volumeName, sizeBytes: volume.sizeBytes, mountSource: volume.mountSource, backupVolfileServers: volume.backupVolfileServers, bricks: volume.bricks }];
                        }),
                    );
                },
            },
            { stackName: "prod" },
        );
        const { outputs } = await storage.up();
        volumes = { mysql: outputs.mysql.value, wordpress: outputs.wordpress.value };
        app = await EngineStack.project(path.join(repoRoot, "stacks/wordpress"), {
            stackName: "wordpress-pods",
            config: {
                namespace: "blog",
                volumes: JSON.stringify(volumes),
                mode: "hostMount",
                workers: JSON.stringify(workers.map((worker) => ({ nodeName: worker.name, host: worker.host, port: worker.port, hostKey: worker.hostKey }))),
                kubernetesVersion: await serverVersion(),
                images: JSON.stringify(TEST_IMAGES),
                imagePullPolicy: "Never",
                "kubernetes:kubeconfig": kubeconfig(),
            },
            secretConfig: { mysqlPassword: `pw-${randomBytes(8).toString("hex")}`, workerPrivateKey: readFileSync(lab.nodes[0].privateKeyPath, "utf8") },
        });
    });

    after(async function () {
        try {
            for (const worker of workers ?? []) {
                await api(`/api/v1/nodes/${worker.name}`, "PATCH", { spec: { unschedulable: null } });
            }
            await app?.destroy();
            await app?.dispose();
            await storage?.destroy();
            await storage?.dispose();
            await cluster?.dispose();
        } finally {
            await closeAll();
        }
    });

    it("rolls out both Deployments; WordPress installs over HTTP and its content lands in MySQL's files on gluster", async function () {
        const started = performance.now();
        await app.up();
        this.test!.title += ` (up with rollout: ${((performance.now() - started) / 1000).toFixed(1)} s)`;
        const wordpress = await readyPod("wordpress", "WordPress is Ready");
        const web = wordpress.status.podIP as string;
        assert.equal((await http(web, "/wp-admin/install.php")).status, 200);
        const install = await http(web, "/wp-admin/install.php?step=2", {
            weblog_title: title,
            user_name: "admin",
            admin_password: "gluster-admin-pw",
            admin_password2: "gluster-admin-pw",
            pw_weak: "on",
            admin_email: "admin@example.org",
            blog_public: "0",
        });
        assert.equal(install.status, 200, install.body.slice(0, 500));
        assert.match((await http(web, "/")).body, new RegExp(`<title>[^<]*${title}`));
        // Read through another client of the volume: a FUSE mount in the lab's namespace.
        const files = await onMount(volumes.mysql.mountSource, volumes.mysql.backupVolfileServers, `grep -rl --binary-files=text ${title} . || true`);
        assert.match(files, /\S/, `the title is in a file of MySQL's data directory on gluster`);
    });

    it("keeps the content when the MySQL pod moves to the other worker", async function () {
        const before = await readyPod("mysql", "MySQL is Ready");
        const from = before.spec.nodeName as string;
        const to = workers.find((worker) => worker.name !== from)!.name;
        await api(`/api/v1/nodes/${from}`, "PATCH", { spec: { unschedulable: true } });
        try {
            assert.equal((await api(`/api/v1/namespaces/blog/pods/${before.metadata.name}`, "DELETE")).status, 200);
            const moved = await readyPod("mysql", `MySQL runs again on ${to}`, (pod) => pod.metadata.name !== before.metadata.name);
            assert.equal(moved.spec.nodeName, to);
        } finally {
            await api(`/api/v1/nodes/${from}`, "PATCH", { spec: { unschedulable: null } });
        }
        const web = (await readyPod("wordpress", "WordPress is Ready")).status.podIP as string;
        await waitFor("WordPress shows the content from the moved MySQL", 120_000, 2000, async () => {
            const page = await http(web, "/").catch((error: Error) => ({ status: 0, body: error.message }));
            return { done: page.body.includes(`${title}`) || undefined, seen: `${page.status} ${page.body.slice(0, 200)}` };
        });
    });

    it("destroy leaves no pod, mount or fstab line on the workers, and the volumes keep their data", async function () {
        await app.destroy();
        await waitForObject("/api/v1/namespaces/blog", "the namespace is gone", (_body, status) => status === 404, 300_000);
        for (const worker of workers) {
            const host = workerExecutor(worker, lab);
            try {
                for (const name of APPS) {
                    const mountPath = `/mnt/glusterfs/${volumes[name].volumeName}`;
                    assert.notEqual((await host.tryRun(["mountpoint", "-q", "--", mountPath])).exitCode, 0, `${worker.name}: ${mountPath} is not mounted`);
                    assert.doesNotMatch((await host.run(["cat", "/etc/fstab"])).stdout, new RegExp(` ${mountPath} `), `${worker.name}: no fstab line for ${mountPath}`);
                }
            } finally {
                host.close();
            }
        }
        assert.match(await onMount(volumes.mysql.mountSource, volumes.mysql.backupVolfileServers, `grep -rl --binary-files=text ${title} . || true`), /\S/);
        assert.match(await onMount(volumes.wordpress.mountSource, volumes.wordpress.backupVolfileServers, "ls wp-content"), /themes/);
    });
});
