// Pull-request previews of a storage project (test/stacks/volumes) through the CLI and the
// summary command, as a CI job runs them: two commits of the stack's config give exactly the
// expected Markdown. Previews run outside the lab's network namespace, where the storage hosts
// cannot be reached: a plan that needs no host must not try them.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { closeAll } from "../../components";
import { EngineStack, repoRoot } from "../engine/automation";
import { productTraces, wipeCluster } from "../lab/cluster-fixture";
import { labExecutor, labNodesConfig, loadLab } from "../lab/lab";

const PROJECT_DIR = path.join(repoRoot, "test/stacks/volumes");

interface VolumeConfig {
    resource: string;
    name?: string;
    size: string;
    allowDataLoss?: boolean;
}

/** The first commit: two volumes. */
const FIRST: VolumeConfig[] = [
    { resource: "web", size: "1Gi" },
    { resource: "logs", size: "1Gi" },
];
/** The second: web grows, logs gets another gluster name (a replacement, allowed), media is new. */
const SECOND: VolumeConfig[] = [
    { resource: "web", size: "2Gi" },
    { resource: "logs", name: "logs_v2", size: "1Gi", allowDataLoss: true },
    { resource: "media", size: "1Gi" },
];
/** The same rename without the opt-in: the preview fails. */
const SECOND_UNALLOWED: VolumeConfig[] = SECOND.map(({ allowDataLoss: _allowed, ...volume }) => volume);

describe("pull-request previews: the Markdown summary of two commits of a storage stack", function () {
    const lab = loadLab();
    const hosts = lab.nodes.map((node) => labExecutor(node));
    let engine: EngineStack;

    before(async function () {
        await wipeCluster(lab);
        engine = await EngineStack.project(PROJECT_DIR, { stackName: "pr", config: { ...labNodesConfig(lab), volumes: JSON.stringify(FIRST) } });
    });

    after(async function () {
        await engine?.dispose();
        await closeAll();
    });

    /** `npm run preview:pr` as CI runs it, from the namespace the tests were started in: no lab host is reachable. */
    async function summary(): Promise<{ markdown: string; exitCode: number; stderr: string }> {
        const outerNetns = process.env.PULUMI_GLUSTER_OUTER_NETNS;
        assert.ok(outerNetns, "PULUMI_GLUSTER_OUTER_NETNS is set (test/run.sh)");
        const cli = path.join(repoRoot, "bin/components/preview/cli.js");
        try {
            const { stdout } = await promisify(execFile)("nsenter", [`--net=${outerNetns}`, "--", "node", cli, PROJECT_DIR, "--stack", "pr"], {
                env: { ...process.env, ...engine.cliEnv },
                maxBuffer: 16 * 1024 * 1024,
            });
            return { markdown: stdout, exitCode: 0, stderr: "" };
        } catch (error) {
            const failed = error as { code?: number; stdout?: string; stderr?: string };
            return { markdown: failed.stdout ?? "", exitCode: failed.code ?? -1, stderr: failed.stderr ?? "" };
        }
    }

    it("a new stack: every resource to create, each volume's size and durability, without reaching a host", async function () {
        const { markdown, exitCode, stderr } = await summary();
        assert.equal(exitCode, 0, `${markdown}\n${stderr}`);
        assert.equal(markdown, EXPECTED_NEW_STACK);
    });

    it("the next commit: the renamed volume stands out as data at risk; growth and the new volume are listed", async function () {
        await engine.up();
        await engine.setConfig({ volumes: JSON.stringify(SECOND) });
        const { markdown, exitCode, stderr } = await summary();
        assert.equal(exitCode, 0, `${markdown}\n${stderr}`);
        assert.equal(markdown, EXPECTED_SECOND_COMMIT);
    });

    it("the rename without allowDataLoss: the summary says the preview failed and names the volume", async function () {
        await engine.setConfig({ volumes: JSON.stringify(SECOND_UNALLOWED) });
        const { markdown, exitCode, stderr } = await summary();
        assert.equal(exitCode, 1, `${markdown}\n${stderr}`);
        assert.equal(markdown.slice(0, EXPECTED_REFUSED_RENAME.length), EXPECTED_REFUSED_RENAME);
        assert.match(markdown, REFUSED_RENAME_ERROR);
        assert.doesNotMatch(markdown, /Data at risk/, "nothing is planned to be destroyed");
    });

    it("destroy leaves the hosts blank", async function () {
        await engine.destroy();
        for (const [i, host] of hosts.entries()) {
            assert.equal(await productTraces(host), "", `${lab.nodes[i].name} is blank again`);
        }
    });
});

const EXPECTED_NEW_STACK = `## Pulumi preview of \`pr\` (project \`gluster-volumes\`)

**Plan:** 16 to create, 0 to update, 0 to replace, 0 to delete, 0 unchanged

### Changes

| Operation | Type | Name |
| --- | --- | --- |
| create | \`pulumi:pulumi:Stack\` | \`gluster-volumes-pr\` |
| create | GlusterVolume | \`logs\` |
| create | GlusterCluster | \`store\` |
| create | GlusterNode | \`store-n1\` |
| create | GlusterBootstrap | \`store-n1-bootstrap\` |
| create | GlusterDevice | \`store-n1-ubdb\` |
| create | GlusterDevice | \`store-n1-ubdc\` |
| create | GlusterNode | \`store-n2\` |
| create | GlusterBootstrap | \`store-n2-bootstrap\` |
| create | GlusterDevice | \`store-n2-ubdb\` |
| create | GlusterDevice | \`store-n2-ubdc\` |
| create | GlusterNode | \`store-n3\` |
| create | GlusterBootstrap | \`store-n3-bootstrap\` |
| create | GlusterDevice | \`store-n3-ubdb\` |
| create | GlusterDevice | \`store-n3-ubdc\` |
| create | GlusterVolume | \`web\` |

### Volumes

**\`logs\`** (volume \`logs\`): create
- size: \`1Gi\`
- durability: replica 3

**\`web\`** (volume \`web\`): create
- size: \`1Gi\`
- durability: replica 3
`;
const EXPECTED_SECOND_COMMIT = `## Pulumi preview of \`pr\` (project \`gluster-volumes\`)

> [!CAUTION]
> **Data at risk:** these changes destroy stored data.
> - **replace** GlusterVolume \`logs\`: volume \`logs\` → \`logs_v2\` (replace keys: \`volumeName\`)

**Plan:** 1 to create, 1 to update, 1 to replace, 0 to delete, 14 unchanged

### Changes

| Operation | Type | Name |
| --- | --- | --- |
| replace (\`volumeName\`) | GlusterVolume | \`logs\` |
| update | GlusterVolume | \`web\` |
| create | GlusterVolume | \`media\` |

### Volumes

**\`logs\`** (volume \`logs\` → \`logs_v2\`): replace
- size: \`1Gi\`
- durability: replica 3
- changed: \`allowDataLoss\` ((none) → \`true\`), \`volumeName\` (\`logs\` → \`logs_v2\`)

**\`media\`** (volume \`media\`): create
- size: \`1Gi\`
- durability: replica 3

**\`web\`** (volume \`web\`): update
- size: \`2Gi\`
- durability: replica 3
- changed: \`size\` (\`1Gi\` → \`2Gi\`)
`;
/** The head of the summary; the steps listed before the engine stopped at the error vary from run to run. */
const EXPECTED_REFUSED_RENAME = `## Pulumi preview of \`pr\` (project \`gluster-volumes\`)

> [!WARNING]
> **The preview failed** (see the errors under Diagnostics); the plan below is incomplete.
`;
/** The summary's last line; its brick paths hold generated ids. */
const REFUSED_RENAME_ERROR =
    /\n### Diagnostics\n\n- \*\*error\*\* \(`logs`\): volume 'logs': its name changed to 'logs_v2', which replaces the volume: its bricks \((n\d:\/var\/lib\/heketi\/mounts\/vg_\w+\/brick_\w+\/brick(, )?){3}\) and the data on them would be deleted first; keep name 'logs', or set allowDataLoss: true on this volume to delete them and make an empty volume\n$/;
