// Runs stacks through the real Pulumi engine for tests: the CLI built into .toolchain/bin, a local
// file backend and PULUMI_HOME in a temporary directory (no user state is read or written), and
// passphrase-encrypted secrets. Every operation returns the engine events it produced.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import * as auto from "@pulumi/pulumi/automation";
import { inlineStack, projectStack, type EngineWorkspace, type StackStateArgs } from "./engine";

export { repoRoot } from "./engine";

/** A program run inline by the Automation API, which hosts it in this process (for generated programs). */
export interface EngineProgram {
    program: auto.PulumiFn;
    projectName: string;
}

export interface EngineStackOptions {
    /** Default "test". */
    stackName?: string;
    /** Plain config; bare keys belong to the project. */
    config?: Record<string, string>;
    /** Config stored encrypted. */
    secretConfig?: Record<string, string>;
    /**
     * Keep state in that stack's backend, with its passphrase, so each can read the other with a
     * StackReference; the backend goes when that stack is disposed.
     */
    sameBackendAs?: EngineStack;
}

/** One step the engine took (or, in a preview, would take) on one resource. */
export interface ResourceOperation {
    urn: string;
    type: string;
    op: auto.OpType;
    /**
     * Inputs whose value differs between the old and the new state of the step. Computed here:
     * dynamic providers cannot report per-property diffs, so the engine's `diffs` stay empty.
     */
    changedInputs: string[];
    /** Inputs that force a replacement (from the provider's diff). */
    replaceKeys: string[];
}

function changedInputs(metadata: auto.StepEventMetadata): string[] {
    const before = metadata.old?.inputs ?? {};
    const after = metadata.new?.inputs ?? {};
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
}

/** The events of one operation and queries over them. */
export class EngineEvents {
    constructor(readonly all: readonly auto.EngineEvent[]) {}

    /** Steps in the order the engine started them, optionally only those on resources of one type. */
    operations(type?: string): ResourceOperation[] {
        return this.all.flatMap(({ resourcePreEvent }) => {
            const metadata = resourcePreEvent?.metadata;
            if (!metadata || (type !== undefined && metadata.type !== type)) {
                return [];
            }
            const { urn, type: resourceType, op, keys } = metadata;
            return [{ urn, type: resourceType, op, changedInputs: changedInputs(metadata), replaceKeys: keys ?? [] }];
        });
    }

    /** Steps that change something: everything but "same", "read" and "refresh". */
    changes(type?: string): ResourceOperation[] {
        return this.operations(type).filter(({ op }) => !["same", "read", "refresh"].includes(op));
    }

    /** Resource counts per operation, from the engine's closing summary (a refresh counts drift as "update"). */
    resourceChanges(): auto.OpMap {
        const summary = this.all.find((event) => event.summaryEvent)?.summaryEvent;
        if (!summary) {
            throw new Error("the engine sent no summary event");
        }
        return summary.resourceChanges;
    }

    diagnostics(severity?: auto.DiagnosticEvent["severity"]): auto.DiagnosticEvent[] {
        return this.all.flatMap(({ diagnosticEvent }) =>
            diagnosticEvent && (severity === undefined || diagnosticEvent.severity === severity) ? [diagnosticEvent] : [],
        );
    }
}

export interface OperationResult {
    events: EngineEvents;
    /** What the CLI printed. */
    stdout: string;
    durationMs: number;
    /**
     * Until the CLI printed its last line (its summary, once the operation ended): `pulumi
     * <operation>` as a user times it, without the reads the Automation API adds after it
     * (`stack output` twice and `stack history` after an up, about 0.8 s here).
     */
    cliMs: number;
}
export type PreviewResult = OperationResult & { changeSummary: auto.OpMap };
export type UpResult = OperationResult & { summary: auto.UpdateSummary; outputs: auto.OutputMap };
export type RefreshResult = OperationResult & { summary: auto.UpdateSummary };
export type DestroyResult = OperationResult & { summary: auto.UpdateSummary };

/** An engine operation failed; the message carries the engine's error diagnostics and the CLI's output. */
export class EngineOperationError extends Error {
    constructor(
        readonly operation: string,
        readonly events: EngineEvents,
        readonly stdout: string,
        cause: unknown,
    ) {
        const errors = events.diagnostics("error").map(({ urn, message }) => `  ${urn ?? "(no resource)"}: ${message.trim()}`);
        // The CLI's own error repeats its whole output: its first line (the command) is enough.
        const command = (cause instanceof Error ? cause.message : String(cause)).split("\n")[0];
        super(
            [
                `pulumi ${operation} failed (${command})`,
                `error diagnostics:\n${errors.join("\n") || "  (none)"}`,
                `engine output:\n${stdout.trim()}`,
            ].join("\n"),
            { cause },
        );
        this.name = "EngineOperationError";
    }
}

export class EngineStack {
    private constructor(
        readonly stack: auto.Stack,
        /** Holds the backend, PULUMI_HOME and the workspaces; removed by the dispose() of the stack that made it. */
        readonly tempDir: string,
        private readonly passphrase: string,
        /** What the CLI needs beyond this process's environment. */
        readonly cliEnv: Record<string, string>,
        private readonly ownsTempDir: boolean,
    ) {}

    /** The file backend's directory, to inspect what the engine stored. */
    get backendDir(): string {
        return path.join(this.tempDir, "backend");
    }

    /** A stack of an inline program (a test that generates its program). */
    static async create(program: EngineProgram, options: EngineStackOptions = {}): Promise<EngineStack> {
        return EngineStack.open(options, (state) => inlineStack({ ...state, projectName: program.projectName, program: program.program }));
    }

    /** A stack of the project in `projectDir`, run by the language host as `pulumi up` runs it. */
    static async project(projectDir: string, options: EngineStackOptions = {}): Promise<EngineStack> {
        return EngineStack.open(options, (state) => projectStack({ ...state, projectDir }));
    }

    private static async open(
        options: EngineStackOptions,
        workspace: (state: StackStateArgs) => Promise<EngineWorkspace>,
    ): Promise<EngineStack> {
        const shared = options.sameBackendAs;
        const tempDir = shared?.tempDir ?? (await mkdtemp(path.join(tmpdir(), "pulumi-gluster-engine-")));
        const passphrase = shared?.passphrase ?? randomBytes(16).toString("hex");
        try {
            const { stack, cliEnv } = await workspace({ stackName: options.stackName ?? "test", stateDir: tempDir, passphrase });
            const engineStack = new EngineStack(stack, tempDir, passphrase, cliEnv, !shared);
            await engineStack.setConfig(options.config ?? {}, options.secretConfig ?? {});
            return engineStack;
        } catch (error) {
            if (!shared) {
                await rm(tempDir, { recursive: true, force: true });
            }
            throw error;
        }
    }

    async setConfig(config: Record<string, string>, secretConfig: Record<string, string> = {}): Promise<void> {
        const values: auto.ConfigMap = {};
        for (const [key, value] of Object.entries(config)) {
            values[key] = { value, secret: false };
        }
        for (const [key, value] of Object.entries(secretConfig)) {
            values[key] = { value, secret: true };
        }
        await this.stack.setAllConfig(values);
    }

    async preview(): Promise<PreviewResult> {
        return this.run("preview", async (hooks) => {
            const { changeSummary } = await this.stack.preview(hooks);
            return { changeSummary };
        });
    }

    /** `parallel`: the engine's resource operations at once (the CLI's default is 4 per CPU). */
    async up(options: { parallel?: number } = {}): Promise<UpResult> {
        return this.run("up", async (hooks) => {
            const { summary, outputs } = await this.stack.up({ ...hooks, ...options });
            return { summary, outputs };
        });
    }

    async refresh(): Promise<RefreshResult> {
        return this.run("refresh", async (hooks) => ({ summary: (await this.stack.refresh(hooks)).summary }));
    }

    async destroy(): Promise<DestroyResult> {
        return this.run("destroy", async (hooks) => ({ summary: (await this.stack.destroy(hooks)).summary }));
    }

    /** The stack's state as `pulumi stack export` writes it, secrets encrypted (Stack.exportStack decrypts them). */
    async exportState(): Promise<auto.Deployment> {
        return JSON.parse(await this.cli("stack", "export")) as auto.Deployment;
    }

    /** Puts back a state `exportState` gave (`pulumi stack import`), as if later operations had never reported. */
    async importState(state: auto.Deployment): Promise<void> {
        const file = path.join(this.tempDir, `import-${randomBytes(4).toString("hex")}.json`);
        await writeFile(file, JSON.stringify(state));
        try {
            await this.cli("stack", "import", "--file", file);
        } finally {
            await rm(file, { force: true });
        }
    }

    /** Drops one resource from the state (`pulumi state delete`), as a user mending state by hand does; the hosts keep it. */
    async forget(urn: string): Promise<void> {
        await this.cli("state", "delete", urn, "--yes");
    }

    private async cli(...args: string[]): Promise<string> {
        const { stdout } = await promisify(execFile)(
            this.stack.workspace.pulumiCommand.command,
            [...args, "--stack", this.stack.name, "--non-interactive"],
            { cwd: this.stack.workspace.workDir, env: { ...process.env, ...this.cliEnv }, maxBuffer: 64 * 1024 * 1024 },
        );
        return stdout;
    }

    async outputs(): Promise<auto.OutputMap> {
        return this.stack.outputs();
    }

    /** Removes the stack (with whatever resources its state still holds) and the temporary directory it made. */
    async dispose(): Promise<void> {
        try {
            await this.stack.workspace.removeStack(this.stack.name, { force: true });
        } finally {
            if (this.ownsTempDir) {
                await rm(this.tempDir, { recursive: true, force: true });
            }
        }
    }

    private async run<T>(
        operation: string,
        body: (hooks: { onEvent: (event: auto.EngineEvent) => void; onOutput: (out: string) => void }) => Promise<T>,
    ): Promise<T & OperationResult> {
        const collected: auto.EngineEvent[] = [];
        let stdout = "";
        const started = performance.now();
        let lastOutput = started;
        const onOutput = (out: string) => {
            stdout += out;
            lastOutput = performance.now();
        };
        try {
            const result = await body({ onEvent: (event) => collected.push(event), onOutput });
            return { ...result, events: new EngineEvents(collected), stdout, durationMs: performance.now() - started, cliMs: lastOutput - started };
        } catch (error) {
            throw new EngineOperationError(operation, new EngineEvents(collected), stdout, error);
        }
    }
}
