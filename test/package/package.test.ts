// The npm package as another IaC project uses it: the tarball holds the library only; installed
// into a fresh project outside this repository, a TypeScript and a JavaScript program run by the
// CLI's language host make a cluster and a replica 3 volume on the lab that serves data, and
// destroy leaves the hosts clean. State outlives upgrades: state written by the release before
// stable provider keys is migrated by one `up`, and a later build whose files moved refreshes and
// destroys it.
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { closeAll } from "../../components";
import { EngineStack, repoRoot } from "../engine/automation";
import { onMount, productTraces, wipeCluster } from "../lab/cluster-fixture";
import { labExecutor, labNodesConfig, loadLab } from "../lab/lab";
import { consumerProject, moveInstalledBuild, npmInstall, packCommit, packedFiles, packTarball} from "./consumer";

/** The last commit whose state named compiled files (stateVersion 1 of every dynamic resource). */
const RELEASE_BEFORE_STABLE_KEYS = "9a4c8ef";

/** The compiled library: every module under components/ but tests and test helpers. */
async function libraryModules(): Promise<string[]> {
    const sources = (await readdir(path.join(repoRoot, "components"), { recursive: true })).filter(
        (file) => file.endsWith(".ts") && !file.endsWith(".test.ts") && !file.split(path.sep).includes("testing"),
    );
    return sources.flatMap((file) => [".js", ".d.ts"].map((extension) => `bin/components/${file.replace(/\.ts$/, extension)}`));
}

interface StateResource {
    type: string;
    outputs?: Record<string, unknown>;
}

async function glusterProviders(engine: EngineStack): Promise<string[]> {
    const resources = ((await engine.exportState()).deployment as { resources?: StateResource[] }).resources ?? [];
    return resources.filter(({ type }) => type.startsWith("pulumi-nodejs:dynamic/gluster/")).map(({ outputs }) => String(outputs?.__provider));
}

describe("the npm package, installed into another project", function () {
    const lab = loadLab();
    const hosts = lab.nodes.map((node) => labExecutor(node));
    let workDir: string;
    let tarball: string;

    before(async function () {
        await wipeCluster(lab);
        workDir = await mkdtemp(path.join(tmpdir(), "pulumi-gluster-package-"));
        tarball = await packTarball(workDir);
    });

    after(async function () {
        await rm(workDir, { recursive: true, force: true });
        // Whatever a failed test left on the hosts.
        await wipeCluster(lab);
        await closeAll();
    });

    it("holds the compiled library only: no tests, fixtures, test helpers or lab scripts", async function () {
        const files = await packedFiles();
        assert.deepEqual(files, ["README.md", ...(await libraryModules()), "package.json"].sort());
    });

    /** Writes data through FUSE, then destroy must leave every host blank. */
    async function serveThenDestroy(engine: EngineStack, mountSource: string, backupVolfileServers: string[]): Promise<void> {
        const [written, readBack] = (await onMount(mountSource, backupVolfileServers, 'head -c 1048576 /dev/urandom > data; sync data; md5sum < data; md5sum < data')).trim().split("\n");
        assert.equal(readBack, written);
        await engine.destroy();
        for (const [i, host] of hosts.entries()) {
            assert.equal(await productTraces(host), "", `${lab.nodes[i].name} is blank again`);
        }
    }

    it("a typescript program makes a cluster and a replica 3 volume that serves data; destroy leaves the hosts clean", async function () {
        const project = await consumerProject("typescript");
        let engine: EngineStack | undefined;
        try {
            await npmInstall(project, tarball);
            engine = await EngineStack.project(project, { config: labNodesConfig(lab) });
            const { outputs, stdout } = await engine.up();
            assert.doesNotMatch(stdout, /from \$PATH/, "the CLI finds its language host beside itself");
            assert.match(String(outputs.mountSource.value), /^10\.77\.0\.1\d:\/shared$/);
            await serveThenDestroy(engine, String(outputs.mountSource.value), outputs.backupVolfileServers.value as string[]);
        } finally {
            await engine?.dispose();
            await rm(project, { recursive: true, force: true });
        }
    });

    it("a javascript program's state from the release before stable keys is migrated by one up, and survives a build whose files moved", async function () {
        const project = await consumerProject("javascript");
        let engine: EngineStack | undefined;
        try {
            await npmInstall(project, await packCommit(RELEASE_BEFORE_STABLE_KEYS, await mkdtemp(path.join(workDir, "release-"))));
            engine = await EngineStack.project(project, { config: labNodesConfig(lab) });
            await engine.up();
            const oldProviders = await glusterProviders(engine);
            assert.ok(oldProviders.length >= 7, `cluster resources and the volume in state (${oldProviders.length})`);
            assert.ok(oldProviders.every((provider) => provider.includes("pulumi-gluster/bin/components/")), "the old release stored file paths");

            // The upgrade: this build; one up rewrites every resource's provider, touching nothing on the hosts.
            await npmInstall(project, tarball);
            const preview = await engine.preview();
            const planned = preview.events.changes().filter(({ type }) => type.startsWith("pulumi-nodejs:dynamic/gluster/"));
            assert.deepEqual([...new Set(planned.map(({ op }) => op))], ["update"], "every gluster resource updates in place (stateVersion), none is replaced");
            await engine.up();
            const providers = await glusterProviders(engine);
            assert.ok(providers.every((provider) => provider.includes('"pulumi-gluster/providers"') && !provider.includes("bin/components")), "state names registry keys");

            // A later build whose compiled files moved: state still refreshes and destroys.
            await moveInstalledBuild(project);
            const refreshed = await engine.refresh();
            assert.deepEqual(Object.keys(refreshed.events.resourceChanges()), ["same"], "refresh finds no drift");
            const { mountSource, backupVolfileServers } = await engine.outputs();
            await serveThenDestroy(engine, String(mountSource.value), backupVolfileServers.value as string[]);
        } finally {
            await engine?.dispose();
            await rm(project, { recursive: true, force: true });
        }
    });
});
