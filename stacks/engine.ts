// The one way this project runs a Pulumi program: inline, through the Automation API, with the CLI
// built into .toolchain/bin (there is no Node.js language host here: see test/toolchain/build.sh),
// a local file backend and passphrase-encrypted secrets. Tests use it with temporary directories,
// the lab stack with directories under .lab/.
import { constants as fsConstants } from "node:fs";
import { access, mkdir } from "node:fs/promises";
import * as path from "node:path";
import * as auto from "@pulumi/pulumi/automation";

export const repoRoot = path.resolve(__dirname, "../..");
const toolchainDir = path.join(repoRoot, ".toolchain");
const toolchainBin = path.join(toolchainDir, "bin");

export interface InlineStackArgs {
    stackName: string;
    projectName: string;
    program: auto.PulumiFn;
    /** Holds the file backend, PULUMI_HOME and one workspace per project; created if missing. */
    stateDir: string;
    /** Encrypts the stack's secrets. */
    passphrase: string;
}

export interface InlineStack {
    stack: auto.Stack;
    /** The environment the CLI runs with, for direct CLI calls. */
    cliEnv: Record<string, string>;
    backendDir: string;
}

export async function inlineStack(args: InlineStackArgs): Promise<InlineStack> {
    const pulumiCommand = await toolchainCommand();
    // Projects sharing a backend each need a workspace: the CLI writes Pulumi.yaml there.
    const workspaceDir = path.join(args.stateDir, "workspaces", args.projectName);
    const backendDir = path.join(args.stateDir, "backend");
    const pulumiHome = path.join(args.stateDir, "home");
    await Promise.all([workspaceDir, backendDir, pulumiHome].map((dir) => mkdir(dir, { recursive: true })));
    const cliEnv = {
        PULUMI_HOME: pulumiHome,
        PULUMI_BACKEND_URL: `file://${backendDir}`,
        PULUMI_CONFIG_PASSPHRASE: args.passphrase,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        // The CLI finds the dynamic provider plugin on PATH; it runs `node`, which must be the
        // Node 22 the SDK needs.
        PATH: [toolchainBin, path.join(repoRoot, "node_modules/.bin"), process.env.PATH].join(path.delimiter),
    };
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
    return { stack, cliEnv, backendDir };
}

/** The CLI in .toolchain/bin, after checking that the dynamic provider host is beside it. */
async function toolchainCommand(): Promise<auto.PulumiCommand> {
    for (const tool of ["pulumi", "pulumi-resource-pulumi-nodejs"]) {
        try {
            await access(path.join(toolchainBin, tool), fsConstants.X_OK);
        } catch {
            throw new Error(`${path.join(toolchainBin, tool)} is missing: build the Pulumi toolchain with 'npm run toolchain'`);
        }
    }
    return auto.PulumiCommand.get({ root: toolchainDir });
}
