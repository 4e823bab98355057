// A pull-request summary of `pulumi preview --json`: what the preview plans, with whatever destroys
// stored data first. Pure: the JSON in, Markdown out, so every rendering has an exact-value test.

// The marker's own file, not the checks' index: the CLI stays clear of @pulumi/pulumi.
import { UNKNOWN } from "../checks/unknown";

/**
 * What `pulumi preview --json` prints (Pulumi CLI v3.259: display.PreviewDigest, written by
 * ShowPreviewDigest in pkg/backend/display/json.go). Secrets arrive as "[secret]".
 */
export interface PreviewDigest {
    config?: Record<string, string>;
    steps?: PreviewStep[];
    diagnostics?: PreviewDiagnostic[];
    /** Nanoseconds. */
    duration?: number;
    /** Logical steps per operation, e.g. { create: 2, same: 5 }; a replacement counts once. */
    changeSummary?: Record<string, number>;
    maybeCorrupt?: boolean;
}

export interface PreviewStep {
    /** "create", "update", "replace", "create-replacement", "delete-replaced", "delete", "same", "read", ... */
    op: string;
    urn: string;
    provider?: string;
    /** Absent for a create. */
    oldState?: ResourceState;
    /** Absent for a delete. */
    newState?: ResourceState;
    /** Empty for dynamic resources: their providers do not report which keys differ. */
    diffReasons?: string[];
    replaceReasons?: string[];
    detailedDiff: Record<string, { kind: string; inputDiff: boolean }> | null;
}

/** The fields of apitype.ResourceV3 this summary reads. */
export interface ResourceState {
    urn: string;
    type: string;
    custom: boolean;
    id?: string;
    parent?: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
}

export interface PreviewDiagnostic {
    urn?: string;
    /**
     * The CLI's prefix ("warning: ", "error: ") followed by the text and a newline. A dynamic
     * provider logs to its console, which arrives as "info" (stdout) or "info#err" (stderr) with
     * no URN: "info: [runtime] volume 'evac': brick ... moves to ...\n\n".
     */
    message?: string;
    severity?: "debug" | "info" | "info#err" | "warning" | "error";
}

const VOLUME_TYPE = "pulumi-nodejs:dynamic/gluster/volume:Volume";
const DEVICE_TYPE = "pulumi-nodejs:dynamic/gluster/device:Device";
const SNAPSHOT_TYPE = "pulumi-nodejs:dynamic/gluster/snapshot:Snapshot";
const CLONE_TYPE = "pulumi-nodejs:dynamic/gluster/snapshot:VolumeClone";

/** This package's type tokens under their class names; dynamic resources live in pulumi-nodejs. */
const CLASS_NAMES: Readonly<Record<string, string>> = {
    [VOLUME_TYPE]: "GlusterVolume",
    [DEVICE_TYPE]: "GlusterDevice",
    [SNAPSHOT_TYPE]: "GlusterSnapshot",
    [CLONE_TYPE]: "GlusterVolumeClone",
    "pulumi-nodejs:dynamic/gluster/node:Node": "GlusterNode",
    "pulumi-nodejs:dynamic/gluster/node:Bootstrap": "GlusterBootstrap",
    "pulumi-nodejs:dynamic/gluster/kubernetes:HostMount": "GlusterHostMount",
    "gluster:cluster:Cluster": "GlusterCluster",
    "gluster:kubernetes:PersistentVolume": "GlusterPersistentVolume",
};

/** Replacing or deleting these destroys the data they hold. */
const DATA_TYPES: ReadonlySet<string> = new Set([VOLUME_TYPE, DEVICE_TYPE, SNAPSHOT_TYPE, CLONE_TYPE]);

/** The steps of one replacement; with --show-replacement-steps there are several per URN. */
const REPLACEMENT_OPS: ReadonlySet<string> = new Set(["replace", "create-replacement", "delete-replaced"]);

/** Most destructive first, in the table and the counts. */
const MAIN_OPS = ["delete", "replace", "update", "create"] as const;

/** Marks a serialized secret (or asset, archive, resource reference): never printed. */
const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
const SECRET = "[secret]";

/** Inputs every update carries along; "changed" only when nothing else is. */
const BOOKKEEPING_INPUTS: Readonly<Record<string, string>> = {
    __provider: "provider code",
    stateVersion: "state version",
    topology: "cluster topology",
};

const FAILURE_NOTICE = "> [!WARNING]\n> **The preview failed** (see the errors under Diagnostics); the plan below is incomplete.";

const MOVE = /brick .* moves to/;
/** Node colours its stack traces; the CLI strips only its own colour directives. */
const ANSI_ESCAPE = /\u001b\[[0-9;]*m/g;
/** The level and marker @pulumi/pulumi's log writes to the console where it has no engine. */
const LOG_PREFIX = /^(debug|info|warning|error): (\[runtime\] )?/;

/** One resource's planned change: its steps merged, a replacement counted once. */
export interface ResourceChange {
    urn: string;
    name: string;
    type: string;
    op: string;
    old?: Record<string, unknown>;
    new?: Record<string, unknown>;
    /** Keys the engine reports as differing; changed inputs are computed as well. */
    reportedKeys: string[];
    replaceKeys: string[];
}

/** A diagnostic as listed: severity from a relayed provider log, text without prefixes. */
interface Note {
    severity: string;
    /** The resource's name, "" without a URN. */
    name: string;
    text: string;
}

/** A volume's section: its change (none when only a move diagnostic names it) and its brick moves. */
interface VolumeEntry {
    change?: ResourceChange;
    /** "" for a move whose message names no volume. */
    volumeName: string;
    moves: string[];
}

export function previewFailed(digest: PreviewDigest): boolean {
    return (digest.diagnostics ?? []).some((diagnostic) => diagnostic.severity === "error");
}

export function summarizePreview(digest: PreviewDigest): string {
    const changes = resourceChanges(digest.steps ?? []);
    const diagnostics = digest.diagnostics ?? [];
    const sections = [
        title(digest.steps ?? []),
        previewFailed(digest) ? FAILURE_NOTICE : "",
        dataAtRisk(changes),
        headline(changes, digest.changeSummary?.["same"] ?? 0),
        changeTable(changes),
        volumeDetails(changes, diagnostics),
        diagnosticList(diagnostics),
    ];
    return `${sections.filter((section) => section !== "").join("\n\n")}\n`;
}

export function resourceChanges(steps: readonly PreviewStep[]): ResourceChange[] {
    const byUrn = new Map<string, PreviewStep[]>();
    for (const step of steps) {
        byUrn.set(step.urn, [...(byUrn.get(step.urn) ?? []), step]);
    }
    const changes: ResourceChange[] = [];
    for (const [urn, group] of byUrn) {
        const op = group.some((step) => REPLACEMENT_OPS.has(step.op)) ? "replace" : group[0].op;
        if (op === "same") {
            continue;
        }
        const oldState = group.find((step) => step.oldState)?.oldState;
        const newState = group.find((step) => step.newState)?.newState;
        changes.push({
            urn,
            name: urnName(urn),
            type: newState?.type ?? oldState?.type ?? urnType(urn),
            op,
            old: oldState?.inputs,
            new: newState?.inputs,
            reportedKeys: sortedUnion(group.map((step) => step.diffReasons ?? [])),
            replaceKeys: sortedUnion(group.map((step) => step.replaceReasons ?? [])),
        });
    }
    return changes.sort(byOpThenName);
}

function byOpThenName(a: ResourceChange, b: ResourceChange): number {
    return opRank(a.op) - opRank(b.op) || compare(a.op, b.op) || compare(a.name, b.name) || compare(a.type, b.type) || compare(a.urn, b.urn);
}

function opRank(op: string): number {
    const rank = (MAIN_OPS as readonly string[]).indexOf(op);
    return rank === -1 ? MAIN_OPS.length : rank;
}

function title(steps: readonly PreviewStep[]): string {
    // urn:pulumi:<stack>::<project>::<type>::<name>
    const [stack, project] = steps.length > 0 ? urnParts(steps[0].urn) : [];
    return stack && project ? `## Pulumi preview of ${code(stack)} (project ${code(project)})` : "## Pulumi preview";
}

function dataAtRisk(changes: readonly ResourceChange[]): string {
    const risky = changes.filter((change) => DATA_TYPES.has(change.type) && (change.op === "replace" || change.op === "delete"));
    if (risky.length === 0) {
        return "";
    }
    const lines = risky.map((change) => {
        const why = change.replaceKeys.length > 0 ? ` (replace keys: ${change.replaceKeys.map(code).join(", ")})` : "";
        return `> - **${change.op}** ${typeName(change.type)} ${code(change.name)}: ${whatIsLost(change)}${why}`;
    });
    return ["> [!CAUTION]", "> **Data at risk:** these changes destroy stored data.", ...lines].join("\n");
}

/** The storage behind a resource, old → new where a replacement renames it. */
function whatIsLost(change: ResourceChange): string {
    switch (change.type) {
        case DEVICE_TYPE:
            return `device ${inputLabel(change, "path")} on node ${inputLabel(change, "nodeName")}`;
        case SNAPSHOT_TYPE:
            return `snapshot ${inputLabel(change, "snapshotName")} of volume ${inputLabel(change, "volumeName")}`;
        default:
            return `volume ${inputLabel(change, "volumeName")}`;
    }
}

function inputLabel(change: ResourceChange, key: string): string {
    const before = change.old?.[key];
    const after = change.new?.[key];
    if (change.old && change.new && !sameValue(before, after)) {
        return `${renderValue(before)} → ${renderValue(after)}`;
    }
    return renderValue(change.new ? after : before);
}

function headline(changes: readonly ResourceChange[], unchanged: number): string {
    const counts = new Map<string, number>();
    for (const change of changes) {
        counts.set(change.op, (counts.get(change.op) ?? 0) + 1);
    }
    const others = [...counts.keys()].filter((op) => opRank(op) === MAIN_OPS.length).sort(compare);
    const ops = [...[...MAIN_OPS].reverse(), ...others];
    return `**Plan:** ${ops.map((op) => `${counts.get(op) ?? 0} to ${op}`).join(", ")}, ${unchanged} unchanged`;
}

function changeTable(changes: readonly ResourceChange[]): string {
    if (changes.length === 0) {
        return "No resource changes.";
    }
    const rows = changes.map((change) => {
        const op = change.replaceKeys.length > 0 ? `${change.op} (${change.replaceKeys.map(code).join(", ")})` : change.op;
        return `| ${cell(op)} | ${cell(typeName(change.type))} | ${cell(code(change.name))} |`;
    });
    return ["### Changes", "", "| Operation | Type | Name |", "| --- | --- | --- |", ...rows].join("\n");
}

function volumeDetails(changes: readonly ResourceChange[], diagnostics: readonly PreviewDiagnostic[]): string {
    const entries: VolumeEntry[] = changes
        .filter((change) => change.type === VOLUME_TYPE && (change.op === "create" || change.op === "update" || change.op === "replace"))
        .map((change) => ({ change, volumeName: String(masked(change.new?.["volumeName"] ?? change.old?.["volumeName"] ?? "")), moves: [] }));
    // The provider's diff logs moves with no URN, so the volume name in the text places them.
    for (const { text } of diagnostics.map(readDiagnostic).filter((note) => MOVE.test(note.text))) {
        const [, volumeName, move] = /^volume '([^']*)': ([\s\S]*)$/.exec(text) ?? [undefined, "", text];
        let entry = entries.find((candidate) => volumeName !== "" && candidate.volumeName === volumeName);
        if (!entry) {
            entry = { volumeName, moves: [] };
            entries.push(entry);
        }
        entry.moves.push(move);
    }
    if (entries.length === 0) {
        return "";
    }
    const blocks = entries.sort((a, b) => compare(a.change?.name ?? "", b.change?.name ?? "") || compare(a.volumeName, b.volumeName)).map(volumeBlock);
    return ["### Volumes", ...blocks].join("\n\n");
}

function volumeBlock(entry: VolumeEntry): string {
    const { change } = entry;
    const lines = change
        ? [`**${code(change.name)}** (volume ${inputLabel(change, "volumeName")}): ${change.op}`, `- size: ${renderValue(change.new?.["size"])}`, `- durability: ${renderDurability(change.new?.["durability"])}`]
        : [entry.volumeName === "" ? "Other volumes" : `Volume ${code(entry.volumeName)}`];
    if (change && change.op !== "create") {
        // The topology is secret, so it never differs in the JSON; a brick move shows that it did.
        const reportedKeys = entry.moves.length > 0 ? [...change.reportedKeys, "topology"] : change.reportedKeys;
        lines.push(`- changed: ${changedInputs({ ...change, reportedKeys })}`);
    }
    if (entry.moves.length > 0) {
        lines.push("- brick moves:", ...entry.moves.sort(compare).map((move) => `  - ${inlineText(move)}`));
    }
    return lines.join("\n");
}

/** The inputs that differ, values shown (secrets masked); bookkeeping inputs only when alone. */
export function changedInputs(change: Pick<ResourceChange, "old" | "new" | "reportedKeys" | "replaceKeys">): string {
    const before = change.old ?? {};
    const after = change.new ?? {};
    const keys = sortedUnion([Object.keys(before), Object.keys(after), change.reportedKeys, change.replaceKeys]);
    const changed = keys.filter((key) => !sameValue(before[key], after[key]) || change.reportedKeys.includes(key) || change.replaceKeys.includes(key));
    const substantive = changed.filter((key) => !(key in BOOKKEEPING_INPUTS));
    if (substantive.length > 0) {
        return substantive.map((key) => (sameValue(before[key], after[key]) ? code(key) : `${code(key)} (${renderValue(before[key])} → ${renderValue(after[key])})`)).join(", ");
    }
    return changed.length > 0 ? changed.map((key) => BOOKKEEPING_INPUTS[key]).join(", ") : "no visible input (secrets are not compared)";
}

/** "replica 3", "replica 3 arbiter 1", "disperse 2+1", "none". */
export function renderDurability(durability: unknown): string {
    const value = masked(durability);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
        const { type, replica, arbiter, data, redundancy } = value as Record<string, unknown>;
        if (type === "replicate" && typeof replica === "number") {
            return `replica ${replica}${arbiter === true ? " arbiter 1" : ""}`;
        }
        if (type === "disperse" && typeof data === "number" && typeof redundancy === "number") {
            return `disperse ${data}+${redundancy}`;
        }
        if (type === "none") {
            return "none";
        }
    }
    return renderValue(durability);
}

function diagnosticList(diagnostics: readonly PreviewDiagnostic[]): string {
    // Each plugin repeats its own warnings (e.g. "using ... from $PATH"): listed once.
    const unique = new Map<string, Note>();
    for (const note of diagnostics.map(readDiagnostic).filter((candidate) => candidate.severity === "error" || candidate.severity === "warning")) {
        unique.set(JSON.stringify(note), note);
    }
    const listed = [...unique.values()].sort((a, b) => compare(a.severity, b.severity) || compare(a.name, b.name) || compare(a.text, b.text));
    if (listed.length === 0) {
        return "";
    }
    const items = listed.map(({ severity, name, text }) => {
        const head = `- **${severity}**${name === "" ? "" : ` (${code(name)})`}:`;
        return text.includes("\n") ? `${head}\n\n${fenced(text, "  ")}` : `${head} ${inlineText(text)}`;
    });
    return ["### Diagnostics", "", ...items].join("\n");
}

/** A provider's relayed "warning: [runtime] ..." is a warning, though the CLI says "info#err". */
function readDiagnostic(diagnostic: PreviewDiagnostic): Note {
    const message = (diagnostic.message ?? "").replace(ANSI_ESCAPE, "").trimEnd();
    const prefix = LOG_PREFIX.exec(message);
    const relayed = prefix?.[2] !== undefined;
    return {
        severity: relayed ? prefix![1] : (diagnostic.severity ?? "info"),
        name: diagnostic.urn ? urnName(diagnostic.urn) : "",
        text: prefix && (relayed || prefix[1] === diagnostic.severity) ? message.slice(prefix[0].length) : message,
    };
}

/** Secrets become "[secret]", unknowns "(known after apply)", everywhere in the value. */
function masked(value: unknown): unknown {
    if (value === UNKNOWN) {
        return "(known after apply)";
    }
    if (Array.isArray(value)) {
        return value.map(masked);
    }
    if (typeof value === "object" && value !== null) {
        if (SIGNATURE_KEY in value) {
            return SECRET;
        }
        return Object.fromEntries(Object.entries(value).map(([key, element]) => [key, masked(element)]));
    }
    return value;
}

function sameValue(a: unknown, b: unknown): boolean {
    return JSON.stringify(masked(a)) === JSON.stringify(masked(b));
}

function renderValue(value: unknown): string {
    const shown = masked(value);
    if (shown === undefined || shown === null) {
        return "(none)";
    }
    if (shown === "(known after apply)") {
        return shown;
    }
    return code(typeof shown === "string" ? shown : JSON.stringify(shown));
}

function typeName(type: string): string {
    return CLASS_NAMES[type] ?? code(type);
}

function urnParts(urn: string): string[] {
    return urn.replace(/^urn:pulumi:/, "").split("::");
}

/** The name is everything after the type, and may itself contain "::". */
function urnName(urn: string): string {
    return urnParts(urn).slice(3).join("::");
}

/** The last segment of the qualified type "parent$child". */
function urnType(urn: string): string {
    return (urnParts(urn)[2] ?? "").split("$").pop() ?? "";
}

/** A code span that survives backticks in its text. */
function code(text: string): string {
    const fence = text.includes("`") ? "``" : "`";
    const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
    return `${fence}${pad}${text}${pad}${fence}`;
}

/** GFM ends a cell at any unescaped '|', code spans included. */
function cell(text: string): string {
    return text.replace(/\|/g, "\\|");
}

/** Message text as Markdown prose: no raw HTML. */
function inlineText(text: string): string {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;");
}

function fenced(text: string, indent: string): string {
    const fence = "`".repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((run) => run[0].length + 1)));
    return [fence, ...text.split("\n"), fence].map((line) => `${indent}${line}`.trimEnd()).join("\n");
}

function sortedUnion(lists: ReadonlyArray<readonly string[]>): string[] {
    return [...new Set(lists.flat())].sort(compare);
}

/** Code-point order: the same on every machine, unlike localeCompare. */
function compare(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}
