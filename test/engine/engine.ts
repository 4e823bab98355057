// How tests run Pulumi programs through the real engine: the CLI and its Node.js language host
// built into .toolchain/bin, a local file backend and passphrase-encrypted secrets. A user's run
// is a project directory (Pulumi.yaml + program) run by the language host, as `pulumi up` runs
// it; inline programs (hosted by the Automation API in this process) are for tests that generate
// their program.
import { constants as fsConstants } from "node:fs";
import { access, mkdir } from "node:fs/promises";
import * as path from "node:path";
import * as auto from "@pulumi/pulumi/automation";

export const repoRoot = path.resolve(__dirname, "../../..");
const toolchainDir = path.join(repoRoot, ".toolchain");
export const toolchainBin = path.join(toolchainDir, "bin");

export interface StackStateArgs {
    stackName: string;
    /** Holds the file backend, PULUMI_HOME and one workspace per inline project; created if missing. */
    stateDir: string;
    /** Encrypts the stack's secrets. */
    passphrase: string;
}

export interface InlineStackArgs extends StackStateArgs {
    projectName: string;
    program: auto.PulumiFn;
}

export interface ProjectStackArgs extends StackStateArgs {
    /** The project directory: Pulumi.yaml and the program, run by the language host. */
    projectDir: string;
}

export interface EngineWorkspace {
    stack: auto.Stack;
    /** The environment the CLI runs with, for direct CLI calls. */
    cliEnv: Record<string, string>;
    backendDir: string;
}

/** The environment of a CLI run: this toolchain first on PATH, state under `stateDir`, no downloads. */
export function cliEnvironment(stateDir: string, passphrase: string): Record<string, string> {
    return {
        PULUMI_HOME: path.join(stateDir, "home"),
        PULUMI_BACKEND_URL: `file://${path.join(stateDir, "backend")}`,
        PULUMI_CONFIG_PASSPHRASE: passphrase,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        // .toolchain/bin holds the CLI, its bundled plugins and the Node 22 the SDK needs.
        PATH: [toolchainBin, process.env.PATH].join(path.delimiter),
    };
}

export async function inlineStack(args: InlineStackArgs): Promise<EngineWorkspace> {
    const pulumiCommand = await toolchainCommand();
    // Projects sharing a backend each need a workspace: the CLI writes Pulumi.yaml there.
    const workspaceDir = path.join(args.stateDir, "workspaces", args.projectName);
    const cliEnv = await prepareState(args);
    await mkdir(workspaceDir, { recursive: true });
    const stack = await auto.LocalWorkspace.createOrSelectStack(
        { stackName: args.stackName, projectName: args.projectName, program: args.program },
        {
            workDir: workspaceDir,
            pulumiCommand,
            secretsProvider: "passphrase",
            envVars: cliEnv,
            // The engine starts plugins in the directory of `main`: from the repository, the
            // dynamic provider finds @pulumi/pulumi and pulumi-gluster.
            projectSettings: { name: args.projectName, runtime: "nodejs", main: repoRoot },
        },
    );
    return { stack, cliEnv, backendDir: path.join(args.stateDir, "backend") };
}

/** A stack of the project in `projectDir`, whose program the language host runs as `pulumi up` does. */
export async function projectStack(args: ProjectStackArgs): Promise<EngineWorkspace> {
    const pulumiCommand = await toolchainCommand();
    const cliEnv = await prepareState(args);
    const stack = await auto.LocalWorkspace.createOrSelectStack(
        { stackName: args.stackName, workDir: args.projectDir },
        { pulumiCommand, secretsProvider: "passphrase", envVars: cliEnv },
    );
    return { stack, cliEnv, backendDir: path.join(args.stateDir, "backend") };
}

async function prepareState(args: StackStateArgs): Promise<Record<string, string>> {
    const cliEnv = cliEnvironment(args.stateDir, args.passphrase);
    const dirs = [path.join(args.stateDir, "workspaces"), path.join(args.stateDir, "backend"), cliEnv.PULUMI_HOME];
    await Promise.all(dirs.map((dir) => mkdir(dir, { recursive: true })));
    return cliEnv;
}

/** The CLI in .toolchain/bin, after checking that the plugins it bundles are beside it. */
async function toolchainCommand(): Promise<auto.PulumiCommand> {
    for (const tool of ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs", "node"]) {
        try {
            await access(path.join(toolchainBin, tool), fsConstants.X_OK);
        } catch {
            throw new Error(`${path.join(toolchainBin, tool)} is missing: build the Pulumi toolchain with 'npm run toolchain'`);
        }
    }
    return auto.PulumiCommand.get({ root: toolchainDir });
}
