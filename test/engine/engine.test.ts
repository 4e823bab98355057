// The Marker dynamic resource through the real Pulumi engine: lifecycle, drift, secrets in state,
// and a program directory run the way `pulumi up` runs one.
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { EngineStack, repoRoot } from "./automation";
import { MARKER_REGISTRY, MARKER_TYPE, markerProgram } from "./fixtures/marker";

// How `pulumi stack export` writes an encrypted secret: {"4dabf…": "1b47…", "ciphertext": "…"}.
const SECRET_SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIGNATURE_VALUE = "1b47061264138c4ac30d75fd1eb44270";
const SECRET = "swordfish-7f3c9a";

interface StateResource {
    urn: string;
    type: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
}

async function markerState(engine: EngineStack): Promise<StateResource> {
    const { deployment } = await engine.exportState();
    const resources = (deployment as { resources?: StateResource[] }).resources ?? [];
    const markers = resources.filter(({ type }) => type === MARKER_TYPE);
    assert.equal(markers.length, 1, `expected one ${MARKER_TYPE} in state, found ${markers.length}`);
    return markers[0];
}

async function filesUnder(directory: string): Promise<string[]> {
    const entries = await readdir(directory, { recursive: true, withFileTypes: true });
    return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

async function assertMissing(file: string): Promise<void> {
    await assert.rejects(readFile(file), { code: "ENOENT" });
}

describe("engine: the Marker dynamic resource", function () {
    let markerDir: string;
    let engine: EngineStack | undefined;

    beforeEach(async function () {
        markerDir = await mkdtemp(path.join(tmpdir(), "marker-"));
    });

    afterEach(async function () {
        await engine?.dispose();
        engine = undefined;
        await rm(markerDir, { recursive: true, force: true });
    });

    function inlineStack(content: string): Promise<EngineStack> {
        return EngineStack.create(
            { projectName: "marker", program: async () => markerProgram() },
            { config: { directory: markerDir, fileName: "marker.txt", content }, secretConfig: { secret: SECRET } },
        );
    }

    it("creates, updates, plans a replacement, sees drift on refresh and deletes the file", async function () {
        const markerFile = path.join(markerDir, "marker.txt");
        engine = await inlineStack("first");

        const created = await engine.up();
        assert.deepEqual(created.events.changes(MARKER_TYPE).map(({ op }) => op), ["create"]);
        assert.equal(await readFile(markerFile, "utf8"), "first");
        assert.equal(created.outputs.path.value, markerFile);
        assert.equal(created.outputs.stateVersion.value, 1);
        const markerUrn = created.events.changes(MARKER_TYPE)[0].urn;

        await engine.setConfig({ content: "second" });
        const preview = await engine.preview();
        // The engine hands the stack's config to the default pulumi-nodejs provider, so a config
        // change updates that provider too; it is machinery, not one of the program's resources.
        const planned = preview.events.changes().filter(({ type }) => !type.startsWith("pulumi:providers:"));
        assert.deepEqual(
            planned.map(({ op, urn }) => ({ op, urn })),
            [{ op: "update", urn: markerUrn }],
        );
        assert.deepEqual(planned[0].changedInputs, ["content"]);
        assert.equal(await readFile(markerFile, "utf8"), "first", "a preview must not touch the file");

        const updated = await engine.up();
        assert.deepEqual(updated.events.changes(MARKER_TYPE).map(({ op }) => op), ["update"]);
        assert.equal(await readFile(markerFile, "utf8"), "second");
        assert.equal(updated.outputs.content.value, "second");

        // A new file name is a new file: the provider's diff asks for a replacement.
        await engine.setConfig({ fileName: "renamed.txt" });
        const replacing = await engine.preview();
        const replace = replacing.events.changes(MARKER_TYPE).find(({ op }) => op === "replace");
        assert.deepEqual(replace?.replaceKeys, ["fileName"]);
        assert.deepEqual(replace?.changedInputs, ["fileName"]);
        await engine.setConfig({ fileName: "marker.txt" });

        const clean = await engine.refresh();
        assert.deepEqual(clean.events.resourceChanges(), { same: 2 }, "stack and marker unchanged");

        await writeFile(markerFile, "edited by hand");
        const drifted = await engine.refresh();
        assert.deepEqual(drifted.events.resourceChanges(), { same: 1, update: 1 });
        assert.equal((await markerState(engine)).outputs?.content, "edited by hand");

        const destroyed = await engine.destroy();
        assert.deepEqual(destroyed.events.changes(MARKER_TYPE).map(({ op }) => op), ["delete"]);
        await assertMissing(markerFile);
    });

    it("keeps the secret input encrypted in state and in the backend's files", async function () {
        engine = await inlineStack("visible");
        await engine.up();

        const marker = await markerState(engine);
        for (const [side, properties] of [["inputs", marker.inputs], ["outputs", marker.outputs]] as const) {
            const secret = properties?.secret as Record<string, unknown> | undefined;
            assert.equal(secret?.[SECRET_SIGNATURE_KEY], SECRET_SIGNATURE_VALUE, `${side}.secret is not a secret`);
            assert.equal(typeof secret?.ciphertext, "string", `${side}.secret has no ciphertext`);
        }
        assert.equal(marker.outputs?.content, "visible", "plain values stay readable");
        assert.ok(!JSON.stringify(await engine.exportState()).includes(SECRET), "plaintext secret in exported state");

        // After a refresh the provider's read() returned the secret again: it must still be encrypted.
        await engine.refresh();
        const backendFiles = await filesUnder(engine.backendDir);
        assert.ok(backendFiles.length > 0, "the backend holds no files");
        for (const file of backendFiles) {
            assert.ok(!(await readFile(file)).includes(SECRET), `plaintext secret in ${file}`);
        }
        assert.ok(!JSON.stringify(await engine.exportState()).includes(SECRET), "plaintext secret in state after refresh");
    });

    it("stores a provider shim that captures no paths or implementation", async function () {
        engine = await inlineStack("shim");
        await engine.up();

        const provider = (await markerState(engine)).outputs?.__provider;
        assert.equal(typeof provider, "string");
        assert.ok((provider as string).includes(JSON.stringify(MARKER_REGISTRY)), "the shim names the fixtures' registry");
        assert.match(provider as string, /"marker"/, "and the key in it");
        assert.ok(!(provider as string).includes(repoRoot), "the serialized provider holds a path of this checkout");
        assert.ok(!(provider as string).includes("writeFile"), "the serialized provider holds implementation code");
    });
});
