import assert from "node:assert/strict";
import {
    changedInputs,
    previewFailed,
    renderDurability,
    resourceChanges,
    summarizePreview,
    type PreviewDiagnostic,
    type PreviewDigest,
    type PreviewStep,
    type ResourceState,
} from "./summary";

// Fixtures in the shape Pulumi CLI v3.259 prints for `pulumi preview --json` (display.PreviewDigest),
// checked against the real CLI on a throw-away project with dynamic resources of these types:
// secrets already "[secret]", no diffs from dynamic providers, messages with the CLI's severity
// prefix, and a dynamic provider's own logs relayed from its console with no URN.
const PREFIX = "urn:pulumi:dev::gluster-lab::";
const STACK_URN = `${PREFIX}pulumi:pulumi:Stack::gluster-lab-dev`;
const CLUSTER_URN = `${PREFIX}gluster:cluster:Cluster::lab`;
const DYNAMIC_PROVIDER = `${PREFIX}pulumi:providers:pulumi-nodejs::default::c86b58cd-d948-4b25-b2b4-4f3589ed07c7`;
const SHIM = 'exports.handler = __f0;\n\nvar __provider = {check: __f1, diff: __f2, create: __f3, read: __f4, update: __f5, delete: __f6};\n';
const VOLUME = "pulumi-nodejs:dynamic/gluster/volume:Volume";
const DEVICE = "pulumi-nodejs:dynamic/gluster/device:Device";
const NODE = "pulumi-nodejs:dynamic/gluster/node:Node";
const SNAPSHOT = "pulumi-nodejs:dynamic/gluster/snapshot:Snapshot";
const HOST_MOUNT = "pulumi-nodejs:dynamic/gluster/kubernetes:HostMount";
const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";
const CREATED = "2026-11-26T13:49:55.871245456Z";

/** Children of the cluster component, as the lab stack makes them. */
function urnOf(type: string, name: string): string {
    return `${PREFIX}gluster:cluster:Cluster$${type}::${name}`;
}

function stateOf(type: string, name: string, inputs: Record<string, unknown> | undefined, existing: boolean): ResourceState {
    const custom = !type.startsWith("gluster:");
    return {
        urn: urnOf(type, name),
        custom,
        ...(existing && custom ? { id: name } : {}),
        type,
        ...(inputs ? { inputs } : {}),
        // A dynamic resource's outputs repeat its inputs, plus what the provider adds.
        ...(existing && custom ? { outputs: { ...inputs, stateVersion: 2 } } : {}),
        parent: CLUSTER_URN,
        ...(custom ? { provider: DYNAMIC_PROVIDER } : {}),
        ...(existing ? { created: CREATED, modified: CREATED } : {}),
    };
}

function step(op: string, type: string, name: string, before?: Record<string, unknown>, after?: Record<string, unknown>, replaceReasons?: string[]): PreviewStep {
    return {
        op,
        urn: urnOf(type, name),
        ...(type.startsWith("pulumi-nodejs:") ? { provider: DYNAMIC_PROVIDER } : {}),
        ...(op === "create" ? {} : { oldState: stateOf(type, name, before, true) }),
        ...(op === "delete" ? {} : { newState: stateOf(type, name, after, op !== "create") }),
        ...(replaceReasons ? { replaceReasons } : {}),
        detailedDiff: null,
    };
}

function volumeInputs(volumeName: string, size: string, durability: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { __provider: SHIM, durability, options: {}, size, snapshotFactor: 1, topology: "[secret]", volumeName, ...extra };
}

const REPLICA_3 = { replica: 3, type: "replicate" };

/** The root stack is always a step, "same" once it exists; changeSummary counts it and the component. */
function digest(steps: PreviewStep[], same: number, diagnostics: PreviewDiagnostic[] = []): PreviewDigest {
    const stack: PreviewStep = {
        op: "same",
        urn: STACK_URN,
        oldState: { urn: STACK_URN, custom: false, type: "pulumi:pulumi:Stack" },
        newState: { urn: STACK_URN, custom: false, type: "pulumi:pulumi:Stack" },
        detailedDiff: null,
    };
    const changeSummary: Record<string, number> = { same };
    for (const { op } of steps.filter((candidate) => !["create-replacement", "delete-replaced"].includes(candidate.op))) {
        changeSummary[op] = (changeSummary[op] ?? 0) + 1;
    }
    return {
        config: { "gluster-lab:sshUser": "root", "gluster-lab:sshKey": "[secret]" },
        steps: [stack, ...steps],
        ...(diagnostics.length > 0 ? { diagnostics } : {}),
        duration: 3634405802,
        changeSummary,
    };
}

describe("summarizePreview", () => {
    it("a fresh stack: creates only, with the volume's size and durability", () => {
        // The real CLI's output for a fresh lab-like stack (stack traces and source positions cut).
        const fresh: PreviewDigest = JSON.parse(`{
            "steps": [
                {
                    "op": "create",
                    "urn": "urn:pulumi:dev::gluster-lab::pulumi:pulumi:Stack::gluster-lab-dev",
                    "newState": { "urn": "urn:pulumi:dev::gluster-lab::pulumi:pulumi:Stack::gluster-lab-dev", "custom": false, "type": "pulumi:pulumi:Stack" },
                    "detailedDiff": null
                },
                {
                    "op": "create",
                    "urn": "urn:pulumi:dev::gluster-lab::gluster:cluster:Cluster::lab",
                    "newState": {
                        "urn": "urn:pulumi:dev::gluster-lab::gluster:cluster:Cluster::lab",
                        "custom": false,
                        "type": "gluster:cluster:Cluster",
                        "parent": "urn:pulumi:dev::gluster-lab::pulumi:pulumi:Stack::gluster-lab-dev"
                    },
                    "detailedDiff": null
                },
                {
                    "op": "create",
                    "urn": "urn:pulumi:dev::gluster-lab::gluster:cluster:Cluster$pulumi-nodejs:dynamic/gluster/volume:Volume::data",
                    "provider": "urn:pulumi:dev::gluster-lab::pulumi:providers:pulumi-nodejs::default::04da6b54-80e4-46f7-96ec-b56ff0331ba9",
                    "newState": {
                        "urn": "urn:pulumi:dev::gluster-lab::gluster:cluster:Cluster$pulumi-nodejs:dynamic/gluster/volume:Volume::data",
                        "custom": true,
                        "type": "pulumi-nodejs:dynamic/gluster/volume:Volume",
                        "inputs": {
                            "__provider": "exports.handler = __f0;\\n",
                            "durability": { "arbiter": true, "replica": 3, "type": "replicate" },
                            "options": {},
                            "size": "10Gi",
                            "snapshotFactor": 1,
                            "topology": "[secret]",
                            "volumeName": "data"
                        },
                        "parent": "urn:pulumi:dev::gluster-lab::gluster:cluster:Cluster::lab",
                        "provider": "urn:pulumi:dev::gluster-lab::pulumi:providers:pulumi-nodejs::default::04da6b54-80e4-46f7-96ec-b56ff0331ba9",
                        "additionalSecretOutputs": ["topology"]
                    },
                    "detailedDiff": null
                }
            ],
            "diagnostics": [
                { "message": "warning: using pulumi-language-nodejs from $PATH at /opt/pulumi/pulumi-language-nodejs\\n", "severity": "warning" },
                { "message": "warning: using pulumi-resource-pulumi-nodejs from $PATH at /opt/pulumi/pulumi-resource-pulumi-nodejs\\n", "severity": "warning" },
                { "message": "warning: using pulumi-resource-pulumi-nodejs from $PATH at /opt/pulumi/pulumi-resource-pulumi-nodejs\\n", "severity": "warning" }
            ],
            "duration": 5729080694,
            "changeSummary": { "create": 6 }
        }`);
        fresh.steps!.push(
            step("create", NODE, "n1", undefined, { __provider: SHIM, connection: "[secret]", manageHost: "10.77.0.11", nodeName: "n1", storageHost: "10.77.0.11" }),
            step("create", DEVICE, "n1-ubdb", undefined, { __provider: SHIM, connection: "[secret]", manageHost: "10.77.0.11", nodeName: "n1", path: "/dev/ubdb" }),
            step("create", "kubernetes:core/v1:PersistentVolume", "glusterfs-data", undefined, { metadata: { name: "glusterfs-data" } }),
        );
        assert.equal(
            summarizePreview(fresh),
            [
                "## Pulumi preview of `dev` (project `gluster-lab`)",
                "",
                "**Plan:** 6 to create, 0 to update, 0 to replace, 0 to delete, 0 unchanged",
                "",
                "### Changes",
                "",
                "| Operation | Type | Name |",
                "| --- | --- | --- |",
                "| create | GlusterVolume | `data` |",
                "| create | `pulumi:pulumi:Stack` | `gluster-lab-dev` |",
                "| create | `kubernetes:core/v1:PersistentVolume` | `glusterfs-data` |",
                "| create | GlusterCluster | `lab` |",
                "| create | GlusterNode | `n1` |",
                "| create | GlusterDevice | `n1-ubdb` |",
                "",
                "### Volumes",
                "",
                "**`data`** (volume `data`): create",
                "- size: `10Gi`",
                "- durability: replica 3 arbiter 1",
                "",
                "### Diagnostics",
                "",
                "- **warning**: using pulumi-language-nodejs from $PATH at /opt/pulumi/pulumi-language-nodejs",
                "- **warning**: using pulumi-resource-pulumi-nodejs from $PATH at /opt/pulumi/pulumi-resource-pulumi-nodejs",
                "",
            ].join("\n"),
        );
    });

    it("a volume that grows: an update naming the size, not the topology it carries", () => {
        const grow = step(
            "update",
            VOLUME,
            "data",
            volumeInputs("data", "10Gi", REPLICA_3),
            volumeInputs("data", "20Gi", REPLICA_3, { topology: "[secret]" }),
        );
        assert.equal(
            summarizePreview(digest([grow], 9)),
            [
                "## Pulumi preview of `dev` (project `gluster-lab`)",
                "",
                "**Plan:** 0 to create, 1 to update, 0 to replace, 0 to delete, 9 unchanged",
                "",
                "### Changes",
                "",
                "| Operation | Type | Name |",
                "| --- | --- | --- |",
                "| update | GlusterVolume | `data` |",
                "",
                "### Volumes",
                "",
                "**`data`** (volume `data`): update",
                "- size: `20Gi`",
                "- durability: replica 3",
                "- changed: `size` (`10Gi` → `20Gi`)",
                "",
            ].join("\n"),
        );
    });

    it("a new volume and a renamed one: the replacement is a data-loss caution at the top", () => {
        const steps = [
            step("create", VOLUME, "media", undefined, volumeInputs("media", "50Gi", { type: "disperse", data: 2, redundancy: 1 })),
            step("replace", VOLUME, "data", volumeInputs("data", "10Gi", REPLICA_3), volumeInputs("data_v2", "10Gi", REPLICA_3), ["volumeName"]),
            step("replace", HOST_MOUNT, "data-mount", { mountSource: "10.77.0.11:/data" }, { mountSource: "10.77.0.11:/data_v2" }, ["mountSource"]),
        ];
        assert.equal(
            summarizePreview(digest(steps, 7)),
            [
                "## Pulumi preview of `dev` (project `gluster-lab`)",
                "",
                "> [!CAUTION]",
                "> **Data at risk:** these changes destroy stored data.",
                "> - **replace** GlusterVolume `data`: volume `data` → `data_v2` (replace keys: `volumeName`)",
                "",
                "**Plan:** 1 to create, 0 to update, 2 to replace, 0 to delete, 7 unchanged",
                "",
                "### Changes",
                "",
                "| Operation | Type | Name |",
                "| --- | --- | --- |",
                "| replace (`volumeName`) | GlusterVolume | `data` |",
                "| replace (`mountSource`) | GlusterHostMount | `data-mount` |",
                "| create | GlusterVolume | `media` |",
                "",
                "### Volumes",
                "",
                "**`data`** (volume `data` → `data_v2`): replace",
                "- size: `10Gi`",
                "- durability: replica 3",
                "- changed: `volumeName` (`data` → `data_v2`)",
                "",
                "**`media`** (volume `media`): create",
                "- size: `50Gi`",
                "- durability: disperse 2+1",
                "",
            ].join("\n"),
        );
    });

    it("deletes of a volume and its snapshot, and a device moved to another disk", () => {
        const device = (path: string) => ({ __provider: SHIM, connection: "[secret]", manageHost: "10.77.0.11", nodeName: "n1", path });
        const steps = [
            step("replace", DEVICE, "n1-data", device("/dev/ubdb"), device("/dev/ubdc"), ["path"]),
            step("delete", SNAPSHOT, "scratch-nightly", { __provider: SHIM, snapshotName: "scratch_nightly", topology: "[secret]", volumeName: "scratch" }),
            step("delete", VOLUME, "scratch", volumeInputs("scratch", "1Gi", { type: "none" })),
        ];
        assert.equal(
            summarizePreview(digest(steps, 4)),
            [
                "## Pulumi preview of `dev` (project `gluster-lab`)",
                "",
                "> [!CAUTION]",
                "> **Data at risk:** these changes destroy stored data.",
                "> - **delete** GlusterVolume `scratch`: volume `scratch`",
                "> - **delete** GlusterSnapshot `scratch-nightly`: snapshot `scratch_nightly` of volume `scratch`",
                "> - **replace** GlusterDevice `n1-data`: device `/dev/ubdb` → `/dev/ubdc` on node `n1` (replace keys: `path`)",
                "",
                "**Plan:** 0 to create, 0 to update, 1 to replace, 2 to delete, 4 unchanged",
                "",
                "### Changes",
                "",
                "| Operation | Type | Name |",
                "| --- | --- | --- |",
                "| delete | GlusterVolume | `scratch` |",
                "| delete | GlusterSnapshot | `scratch-nightly` |",
                "| replace (`path`) | GlusterDevice | `n1-data` |",
                "",
            ].join("\n"),
        );
    });

    it("lists warnings once each, with the resource when there is one, and leaves info out", () => {
        const preview = digest([], 12, [
            { message: "warning: using pulumi-resource-pulumi-nodejs from $PATH at /opt/pulumi/pulumi-resource-pulumi-nodejs\n", severity: "warning" },
            { urn: `${PREFIX}gluster:kubernetes:PersistentVolume::data-pv`, message: 'warning: mode "glusterfs" mounts only on Kubernetes <= 1.25\n', severity: "warning" },
            { message: "warning: using pulumi-resource-pulumi-nodejs from $PATH at /opt/pulumi/pulumi-resource-pulumi-nodejs\n", severity: "warning" },
            // A dynamic provider's pulumi.log.warn and .info, relayed from its stderr and stdout.
            { message: "warning: [runtime] n2: volume group vg_x (/dev/ubdb) not found; it gets no bricks\n\n", severity: "info#err" },
            { message: "info: [runtime] volume 'data': started with 6 bricks in 2 set(s)\n\n", severity: "info" },
            { message: "    at processTicksAndRejections (node:internal/process/task_queues:103:5)\n\n", severity: "info#err" },
        ]);
        assert.equal(previewFailed(preview), false);
        assert.equal(
            summarizePreview(preview),
            [
                "## Pulumi preview of `dev` (project `gluster-lab`)",
                "",
                "**Plan:** 0 to create, 0 to update, 0 to replace, 0 to delete, 12 unchanged",
                "",
                "No resource changes.",
                "",
                "### Diagnostics",
                "",
                "- **warning**: n2: volume group vg_x (/dev/ubdb) not found; it gets no bricks",
                "- **warning**: using pulumi-resource-pulumi-nodejs from $PATH at /opt/pulumi/pulumi-resource-pulumi-nodejs",
                '- **warning** (`data-pv`): mode "glusterfs" mounts only on Kubernetes &lt;= 1.25',
                "",
            ].join("\n"),
        );
    });

    it("a failed preview says so first and lists its error", () => {
        // The provider's diff threw: the engine reports it on the resource, and the provider's
        // stderr (the stack trace) arrives as info lines.
        const preview = digest([step("create", VOLUME, "media", undefined, volumeInputs("media", "50Gi", { data: 2, redundancy: 1, type: "disperse" }))], 2, [
            { message: "Error: volume 'data': size: cannot shrink from 10Gi to 8Gi: Error: volume 'data': size: cannot shrink from 10Gi to 8Gi\n\n", severity: "info#err" },
            { message: "    at Object.__f2 [as diff] (<anonymous>:33:34)\n\n", severity: "info#err" },
            { urn: urnOf(VOLUME, "data"), message: "error: volume 'data': size: cannot shrink from 10Gi to 8Gi\n", severity: "error" },
        ]);
        assert.equal(previewFailed(preview), true);
        assert.equal(
            summarizePreview(preview),
            [
                "## Pulumi preview of `dev` (project `gluster-lab`)",
                "",
                "> [!WARNING]",
                "> **The preview failed** (see the errors under Diagnostics); the plan below is incomplete.",
                "",
                "**Plan:** 1 to create, 0 to update, 0 to replace, 0 to delete, 2 unchanged",
                "",
                "### Changes",
                "",
                "| Operation | Type | Name |",
                "| --- | --- | --- |",
                "| create | GlusterVolume | `media` |",
                "",
                "### Volumes",
                "",
                "**`media`** (volume `media`): create",
                "- size: `50Gi`",
                "- durability: disperse 2+1",
                "",
                "### Diagnostics",
                "",
                "- **error** (`data`): volume 'data': size: cannot shrink from 10Gi to 8Gi",
                "",
            ].join("\n"),
        );
    });

    it("shows a multi-line error as a block, without the terminal colours", () => {
        const preview = digest([], 2, [
            {
                message:
                    "error: Running program '/work/stacks/lab/index.js' failed with an unhandled exception:\nError: boom\n    at Object.<anonymous> \u001b[90m(/work/stacks/lab/\u001b[39mindex.js:50:32\u001b[90m)\u001b[39m\n\u001b[90m    at Module._compile (node:internal/modules/cjs/loader:1781:14)\u001b[39m\n",
                severity: "error",
            },
        ]);
        assert.equal(
            summarizePreview(preview),
            [
                "## Pulumi preview of `dev` (project `gluster-lab`)",
                "",
                "> [!WARNING]",
                "> **The preview failed** (see the errors under Diagnostics); the plan below is incomplete.",
                "",
                "**Plan:** 0 to create, 0 to update, 0 to replace, 0 to delete, 2 unchanged",
                "",
                "No resource changes.",
                "",
                "### Diagnostics",
                "",
                "- **error**:",
                "",
                "  ```",
                "  Running program '/work/stacks/lab/index.js' failed with an unhandled exception:",
                "  Error: boom",
                "      at Object.<anonymous> (/work/stacks/lab/index.js:50:32)",
                "      at Module._compile (node:internal/modules/cjs/loader:1781:14)",
                "  ```",
                "",
            ].join("\n"),
        );
    });

    it("lists brick moves under their volume; a topology change alone is 'cluster topology'", () => {
        // The topology is a secret: "[secret]" before and after, though the cluster lost a device.
        const evacuate = step("update", VOLUME, "evac", volumeInputs("evac", "2Gi", REPLICA_3), volumeInputs("evac", "2Gi", REPLICA_3));
        const preview = digest([evacuate], 6, [
            {
                message: "info: [runtime] volume 'evac': brick 10.77.0.12:/var/lib/heketi/mounts/vg_b/brick_2/brick moves to n3 /dev/ubdc (device /dev/ubdb of n2 is removed from the cluster)\n\n",
                severity: "info",
            },
            {
                message: "info: [runtime] volume 'evac': brick 10.77.0.11:/var/lib/heketi/mounts/vg_x/brick_y/brick moves to n1 /dev/ubdc (device /dev/ubdb of n1 is removed from the cluster)\n\n",
                severity: "info",
            },
            { message: "info: [runtime] volume 'gone': brick 10.77.0.13:/bricks/gone/brick moves to n2 /dev/ubdd (node n3 is removed from the cluster)\n\n", severity: "info" },
            { message: "info: [runtime] n1: brick brick_y (vg_x): removed\n\n", severity: "info" },
            { message: "info: [runtime] brick 10.77.0.14:/bricks/x/brick moves to n1 /dev/ubde (node n4 is removed from the cluster)\n\n", severity: "info" },
        ]);
        assert.equal(
            summarizePreview(preview),
            [
                "## Pulumi preview of `dev` (project `gluster-lab`)",
                "",
                "**Plan:** 0 to create, 1 to update, 0 to replace, 0 to delete, 6 unchanged",
                "",
                "### Changes",
                "",
                "| Operation | Type | Name |",
                "| --- | --- | --- |",
                "| update | GlusterVolume | `evac` |",
                "",
                "### Volumes",
                "",
                "Other volumes",
                "- brick moves:",
                "  - brick 10.77.0.14:/bricks/x/brick moves to n1 /dev/ubde (node n4 is removed from the cluster)",
                "",
                "Volume `gone`",
                "- brick moves:",
                "  - brick 10.77.0.13:/bricks/gone/brick moves to n2 /dev/ubdd (node n3 is removed from the cluster)",
                "",
                "**`evac`** (volume `evac`): update",
                "- size: `2Gi`",
                "- durability: replica 3",
                "- changed: cluster topology",
                "- brick moves:",
                "  - brick 10.77.0.11:/var/lib/heketi/mounts/vg_x/brick_y/brick moves to n1 /dev/ubdc (device /dev/ubdb of n1 is removed from the cluster)",
                "  - brick 10.77.0.12:/var/lib/heketi/mounts/vg_b/brick_2/brick moves to n3 /dev/ubdc (device /dev/ubdb of n2 is removed from the cluster)",
                "",
            ].join("\n"),
        );
    });

    it("never prints a secret, in either of the forms the JSON carries", () => {
        const encrypted = { [SECRET_SIGNATURE]: "1b47061264138c4ac30d75a1b4e47ee8d", ciphertext: "v1:Zm9vYmFy:hunter2-ciphertext" };
        const plaintext = { [SECRET_SIGNATURE]: "1b47061264138c4ac30d75a1b4e47ee8d", plaintext: '"hunter2"' };
        const before = volumeInputs("vault", "1Gi", REPLICA_3, { options: { "auth.allow": "[secret]" } });
        const after = volumeInputs("vault", "2Gi", REPLICA_3, { options: { "auth.allow": encrypted }, topology: plaintext });
        const output = summarizePreview(digest([step("update", VOLUME, "vault", before, after)], 0));
        assert.equal(
            output,
            [
                "## Pulumi preview of `dev` (project `gluster-lab`)",
                "",
                "**Plan:** 0 to create, 1 to update, 0 to replace, 0 to delete, 0 unchanged",
                "",
                "### Changes",
                "",
                "| Operation | Type | Name |",
                "| --- | --- | --- |",
                "| update | GlusterVolume | `vault` |",
                "",
                "### Volumes",
                "",
                "**`vault`** (volume `vault`): update",
                "- size: `2Gi`",
                "- durability: replica 3",
                "- changed: `size` (`1Gi` → `2Gi`)",
                "",
            ].join("\n"),
        );
        assert.doesNotMatch(output, /hunter2|ciphertext|plaintext/);
    });
});

describe("resourceChanges", () => {
    it("counts the steps of one replacement once, as a replace", () => {
        const before = volumeInputs("data", "10Gi", REPLICA_3);
        const after = volumeInputs("data", "10Gi", { type: "disperse", data: 2, redundancy: 1 });
        const changes = resourceChanges([
            step("delete-replaced", VOLUME, "data", before, undefined, ["durability"]),
            step("replace", VOLUME, "data", before, after, ["durability"]),
            step("create-replacement", VOLUME, "data", before, after, ["durability"]),
            step("same", NODE, "n1", { nodeName: "n1" }, { nodeName: "n1" }),
        ]);
        assert.deepEqual(
            changes.map(({ op, name, replaceKeys }) => ({ op, name, replaceKeys })),
            [{ op: "replace", name: "data", replaceKeys: ["durability"] }],
        );
    });
});

describe("changedInputs", () => {
    const unchanged = { reportedKeys: [], replaceKeys: [] };

    it("names bookkeeping inputs only when nothing else changed", () => {
        assert.equal(changedInputs({ ...unchanged, old: { topology: "[secret]", size: "1Gi" }, new: { topology: { [SECRET_SIGNATURE]: "x" }, size: "1Gi" } }), "no visible input (secrets are not compared)");
        assert.equal(changedInputs({ ...unchanged, old: { __provider: "a", stateVersion: 1 }, new: { __provider: "b", stateVersion: 2 } }), "provider code, state version");
        assert.equal(changedInputs({ ...unchanged, old: { __provider: "a", gid: 1000 }, new: { __provider: "b" } }), "`gid` (`1000` → (none))");
    });

    it("adds the keys the engine reports, whose values may be hidden", () => {
        assert.equal(changedInputs({ old: { options: "[secret]" }, new: { options: "[secret]" }, reportedKeys: ["options"], replaceKeys: ["status"] }), "`options`, `status`");
    });

    it("shows values the preview does not know yet", () => {
        assert.equal(changedInputs({ ...unchanged, old: { size: "1Gi" }, new: { size: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" } }), "`size` (`1Gi` → (known after apply))");
    });
});

describe("renderDurability", () => {
    it("renders each durability type", () => {
        assert.equal(renderDurability({ type: "replicate", replica: 2 }), "replica 2");
        assert.equal(renderDurability({ type: "replicate", replica: 3, arbiter: true }), "replica 3 arbiter 1");
        assert.equal(renderDurability({ type: "replicate", replica: 3, arbiter: false }), "replica 3");
        assert.equal(renderDurability({ type: "disperse", data: 4, redundancy: 2 }), "disperse 4+2");
        assert.equal(renderDurability({ type: "none" }), "none");
    });

    it("shows anything else as the value, unknowns included", () => {
        assert.equal(renderDurability("04da6b54-80e4-46f7-96ec-b56ff0331ba9"), "(known after apply)");
        assert.equal(renderDurability({ type: "mirror" }), '`{"type":"mirror"}`');
    });
});

describe("table cells", () => {
    it("escape '|' inside names", () => {
        const output = summarizePreview(digest([step("create", "kubernetes:core/v1:ConfigMap", "a|b")], 0));
        assert.match(output, /\| create \| `kubernetes:core\/v1:ConfigMap` \| `a\\\|b` \|/);
    });
});
