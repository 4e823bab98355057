// The package as someone else's IaC project meets it: the tarball `npm pack` makes, installed with
// npm into a fresh project directory outside this repository, whose program imports it.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rename, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "../engine/engine";

const run = promisify(execFile);

/** `npm pack` of this repository (compiled already) into `dir`; resolves with the tarball's path. */
export async function packTarball(dir: string, packageDir = repoRoot): Promise<string> {
    const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", dir], { cwd: packageDir, maxBuffer: 16 * 1024 * 1024 });
    return path.join(dir, (JSON.parse(stdout) as Array<{ filename: string }>)[0].filename);
}

/** The files `npm pack` would put in the tarball. */
export async function packedFiles(): Promise<string[]> {
    const { stdout } = await run("npm", ["pack", "--dry-run", "--json"], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
    return (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0].files.map((file) => file.path).sort();
}

/**
 * The package as commit `commit` of this repository built it: its tree compiled with this
 * checkout's node_modules, then packed into `dir`.
 */
export async function packCommit(commit: string, dir: string): Promise<string> {
    const tree = await mkdtemp(path.join(tmpdir(), "pulumi-gluster-release-"));
    try {
        await run("bash", ["-c", 'git -C "$1" archive "$2" | tar -x -C "$3"', "bash", repoRoot, commit, tree]);
        await symlink(path.join(repoRoot, "node_modules"), path.join(tree, "node_modules"));
        await run(path.join(repoRoot, "node_modules/.bin/tsc"), ["-p", "tsconfig.json"], { cwd: tree, maxBuffer: 16 * 1024 * 1024 });
        return await packTarball(dir, tree);
    } finally {
        await rm(tree, { recursive: true, force: true });
    }
}

export type ProgramLanguage = "typescript" | "javascript";

/**
 * A cluster of the lab's nodes and devices and one replica 3 volume, as a user writes it. Config:
 * `nodes` ({ name, host, zone, hostKey, devices }[]) and `privateKeyPath`.
 */
const PROGRAMS: Record<ProgramLanguage, { file: string; text: string }> = {
    typescript: {
        file: "index.ts",
        text: `import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { GlusterCluster, GlusterVolume, type GlusterClusterNodeArgs } from "pulumi-gluster";

interface NodeConfig { name: string; host: string; zone: number; hostKey: string; devices: string[] }
const config = new pulumi.Config();
const privateKey = pulumi.secret(readFileSync(config.require("privateKeyPath"), "utf8"));
const nodes: GlusterClusterNodeArgs[] = config.requireObject<NodeConfig[]>("nodes").map((node) => ({
    name: node.name,
    manageHost: node.host,
    storageHost: node.host,
    zone: node.zone,
    connection: { user: "root", privateKey, hostKey: node.hostKey },
    devices: node.devices.map((path) => ({ path })),
    bootstrap: true,
}));
const cluster = new GlusterCluster("store", { nodes });
const volume = new GlusterVolume("shared", { cluster, size: "1Gi", durability: { type: "replicate", replica: 3 } });
export const mountSource = volume.mountSource;
export const backupVolfileServers = volume.backupVolfileServers;
`,
    },
    javascript: {
        file: "index.js",
        text: `"use strict";
const { readFileSync } = require("node:fs");
const pulumi = require("@pulumi/pulumi");
const { GlusterCluster, GlusterVolume } = require("pulumi-gluster");

const config = new pulumi.Config();
const privateKey = pulumi.secret(readFileSync(config.require("privateKeyPath"), "utf8"));
const nodes = config.requireObject("nodes").map((node) => ({
    name: node.name,
    manageHost: node.host,
    storageHost: node.host,
    zone: node.zone,
    connection: { user: "root", privateKey, hostKey: node.hostKey },
    devices: node.devices.map((path) => ({ path })),
    bootstrap: true,
}));
const cluster = new GlusterCluster("store", { nodes });
const volume = new GlusterVolume("shared", { cluster, size: "1Gi", durability: { type: "replicate", replica: 3 } });
exports.mountSource = volume.mountSource;
exports.backupVolfileServers = volume.backupVolfileServers;
`,
    },
};

/** Versions this repository pins, so that npm finds them in its cache. */
async function pinnedVersion(name: string): Promise<string> {
    const lock = JSON.parse(await readFile(path.join(repoRoot, "package-lock.json"), "utf8")) as { packages: Record<string, { version: string }> };
    return lock.packages[`node_modules/${name}`].version;
}

/** A new project directory outside this repository: Pulumi.yaml, package.json and the program. */
export async function consumerProject(language: ProgramLanguage): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), `gluster-consumer-${language}-`));
    const program = PROGRAMS[language];
    const devDependencies = language === "typescript" ? { typescript: await pinnedVersion("typescript"), "@types/node": await pinnedVersion("@types/node") } : {};
    await writeFile(path.join(dir, "Pulumi.yaml"), `name: gluster-consumer\nruntime: nodejs\nmain: ${program.file}\n`);
    await writeFile(
        path.join(dir, "package.json"),
        JSON.stringify({ name: "gluster-consumer", private: true, dependencies: { "@pulumi/pulumi": await pinnedVersion("@pulumi/pulumi") }, devDependencies }, null, 2),
    );
    await writeFile(path.join(dir, program.file), program.text);
    return dir;
}

/**
 * `npm install <tarball>` in the project, as a user adds the package (npm's cache first). Tests
 * run inside the lab's network namespace, which has no way out: npm runs in the namespace that
 * test/run.sh was started in (PULUMI_GLUSTER_OUTER_NETNS), where the registry is.
 */
export async function npmInstall(projectDir: string, tarball: string): Promise<void> {
    // Without pulumi on PATH, @pulumi/kubernetes's install script only prints how to get its plugin.
    const env = { ...process.env, PATH: (process.env.PATH ?? "").split(path.delimiter).filter((dir) => !dir.startsWith(repoRoot)).join(path.delimiter) };
    const outerNetns = process.env.PULUMI_GLUSTER_OUTER_NETNS;
    if (outerNetns === undefined) {
        throw new Error("PULUMI_GLUSTER_OUTER_NETNS is not set: run the tests with 'npm test' (test/run.sh sets it)");
    }
    await run("nsenter", [`--net=${outerNetns}`, "--", "npm", "install", "--no-audit", "--no-fund", "--prefer-offline", tarball], {
        cwd: projectDir,
        env,
        timeout: 600_000,
        maxBuffer: 16 * 1024 * 1024,
    });
}

/**
 * Rewrites the installed package as a build whose compiled files sit elsewhere (bin/ -> lib/),
 * with package.json pointing at the new places: what a reorganised release looks like to state.
 */
export async function moveInstalledBuild(projectDir: string): Promise<void> {
    const packageDir = path.join(projectDir, "node_modules/pulumi-gluster");
    await rename(path.join(packageDir, "bin"), path.join(packageDir, "lib"));
    const manifest = path.join(packageDir, "package.json");
    await writeFile(manifest, (await readFile(manifest, "utf8")).replaceAll("./bin/", "./lib/").replaceAll('"bin/', '"lib/'));
}
