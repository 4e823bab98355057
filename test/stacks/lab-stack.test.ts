// The lab stack (stacks/lab), the README's main job, as a user runs it: a project directory whose
// program the Node.js language host runs, through the real engine: the whole cluster and a
// replica 3, an arbiter and a disperse 2+1 volume; data written through one server's FUSE mount
// is read through another's; destroy leaves the hosts as blank as the lab made them.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { closeAll } from "../../components";
import { EngineStack, repoRoot } from "../engine/automation";
import { api, kubeconfig, waitForObject } from "../k8s/api";
import { labExecutor, labStackConfig, loadLab } from "../lab/lab";
import { MODULES_LOAD_FILE, productTraces, runLocal } from "../lab/cluster-fixture";

describe("stacks/lab: the main job through the real engine", function () {
    const lab = loadLab();
    const hosts = lab.nodes.map((node) => labExecutor(node));
    let engine: EngineStack | undefined;

    before(async function () {
        for (const [i, host] of hosts.entries()) {
            assert.equal(await productTraces(host), "", `${lab.nodes[i].name} starts blank`);
            await host.run(["rm", "-f", MODULES_LOAD_FILE]);
        }
        engine = await EngineStack.project(path.join(repoRoot, "stacks/lab"), { stackName: "lab-test", config: labStackConfig(lab) });
    });

    after(async function () {
        await engine?.dispose();
        await closeAll();
    });

    it("up creates the cluster and three volumes whose data every server serves", async function () {
        const { outputs, stdout } = await engine!.up();
        // The CLI finds its language host and the dynamic provider host beside itself.
        assert.doesNotMatch(stdout, /from \$PATH/);
        const mountSources = outputs.mountSources.value as Record<string, string>;
        assert.deepEqual(Object.keys(mountSources).sort(), ["arbiter", "disperse", "replica3"]);
        assert.deepEqual(Object.keys(outputs.volumeSources.value).sort(), ["arbiter", "disperse", "replica3"]);
        for (const [i, host] of hosts.entries()) {
            assert.match(stdout, new RegExp(`${lab.nodes[i].name} \\(${lab.nodes[i].host.replace(/\./g, "\\.")}\\): bootstrapped \\(debian, packages already there\\)`));
            assert.equal((await host.run(["cat", MODULES_LOAD_FILE])).stdout, "dm_thin_pool\n", `${lab.nodes[i].name}: dm_thin_pool loads at boot`);
        }
        for (const [name, source] of Object.entries(mountSources)) {
            const volume = source.split(":/")[1];
            assert.equal(volume, name);
            const [first, second] = lab.nodes.map((node) => `${node.host}:/${volume}`);
            const read = await runLocal(
                `set -e; d=$(mktemp -d); trap 'umount "$d" 2>/dev/null; rmdir "$d"' EXIT
                 mount -t glusterfs "$1" "$d"; head -c 4194304 /dev/urandom > "$d/data"; sync; md5sum < "$d/data"; umount "$d"
                 mount -t glusterfs "$2" "$d"; md5sum < "$d/data"`,
                first,
                second,
            );
            const [written, readBack] = read.trim().split("\n");
            assert.equal(readBack, written, `${name}: data read through ${second} is what was written through ${first}`);
        }
    });

    it("an apps stack (stacks/wordpress) takes two volumes through a StackReference; its claims bind", async function () {
        const apps = await EngineStack.project(path.join(repoRoot, "stacks/wordpress"), {
            stackName: "apps-test",
            sameBackendAs: engine,
            config: { storageStack: "organization/gluster-lab/lab-test", namespace: "lab-apps", awaitRollout: "false", "kubernetes:kubeconfig": kubeconfig() },
            secretConfig: { mysqlPassword: "lab-apps-not-a-real-password" },
        });
        try {
            await apps.up();
            const storage = (await engine!.outputs()).volumeSources.value as Record<string, { volumeName: string; mountSource: string }>;
            for (const [app, volume] of [["mysql", "replica3"], ["wordpress", "arbiter"]]) {
                await waitForObject(`/api/v1/namespaces/lab-apps/persistentvolumeclaims/${app}-data`, `${app}'s claim binds`, (body) => body.status?.phase === "Bound");
                const pv = (await api(`/api/v1/persistentvolumes/glusterfs-${volume}`)).body as { spec: { glusterfs: { path: string } } };
                assert.equal(pv.spec.glusterfs.path, storage[volume].volumeName, `${app} is on the storage stack's ${volume}`);
            }
            await apps.destroy();
        } finally {
            await apps.dispose();
        }
    });

    it("a second preview plans no changes", async function () {
        const { changeSummary } = await engine!.preview();
        assert.deepEqual(Object.keys(changeSummary).filter((op) => op !== "same"), []);
    });

    it("destroy leaves no volume, LV, VG, fstab line, brick directory or peer on any host", async function () {
        await engine!.destroy();
        for (const [i, host] of hosts.entries()) {
            assert.equal(await productTraces(host), "", `${lab.nodes[i].name} is blank again`);
        }
    });
});
