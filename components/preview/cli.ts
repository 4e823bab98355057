#!/usr/bin/env node
// pulumi-gluster-preview: runs `pulumi preview --json` in a project directory and writes the Markdown summary
// for a pull-request comment. Exits 1 when the preview failed, after writing the summary.
//
//   node bin/components/preview/cli.js <project-dir> [--stack NAME] [--out FILE]
import { execFile } from "node:child_process";
import { statSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { previewFailed, summarizePreview, type PreviewDigest } from "./summary";

const USAGE = "usage: node bin/components/preview/cli.js <project-dir> [--stack NAME] [--out FILE]";

class PrPreviewError extends Error {}

interface Options {
    projectDir: string;
    stack?: string;
    out?: string;
}

interface PulumiRun {
    exitCode: number;
    stdout: string;
    stderr: string;
}

function parseOptions(argv: string[]): Options {
    let parsed;
    try {
        parsed = parseArgs({ args: argv, allowPositionals: true, options: { stack: { type: "string" }, out: { type: "string" } } });
    } catch (error) {
        throw new PrPreviewError(`${(error as Error).message}; ${USAGE}`);
    }
    if (parsed.positionals.length !== 1) {
        throw new PrPreviewError(`expected one project directory, got ${parsed.positionals.length}; ${USAGE}`);
    }
    return { projectDir: parsed.positionals[0], stack: parsed.values.stack, out: parsed.values.out };
}

function runPreview(options: Options): Promise<PulumiRun> {
    const args = ["preview", "--json", "--non-interactive", ...(options.stack === undefined ? [] : ["--stack", options.stack])];
    // With this set the CLI streams events instead of printing the one document parsed here.
    const env = { ...process.env };
    delete env.PULUMI_ENABLE_STREAMING_JSON_PREVIEW;
    return new Promise((resolve, reject) => {
        execFile("pulumi", args, { cwd: options.projectDir, env, maxBuffer: 1024 ** 3 }, (error, stdout, stderr) => {
            // A number is pulumi's exit code; a string means it did not run (or its output overflowed).
            const code: unknown = (error as NodeJS.ErrnoException | null)?.code;
            if (code === "ENOENT") {
                reject(new PrPreviewError("pulumi not found on PATH; install the Pulumi CLI or add its directory to PATH"));
            } else if (typeof code === "string") {
                reject(new PrPreviewError(`cannot run pulumi preview: ${error?.message}; check the pulumi binary on PATH`));
            } else if (error?.signal) {
                reject(new PrPreviewError(`pulumi preview was ended by ${error.signal}; run it again`));
            } else {
                resolve({ exitCode: typeof code === "number" ? code : 0, stdout, stderr });
            }
        });
    });
}

/** A failed preview still prints its JSON document; no document means pulumi stopped before previewing. */
function parseDigest(run: PulumiRun): PreviewDigest {
    try {
        return JSON.parse(run.stdout) as PreviewDigest;
    } catch {
        throw new PrPreviewError(`pulumi preview printed no JSON (exit code ${run.exitCode}); fix the error it reported above and run again`);
    }
}

async function main(argv: string[]): Promise<number> {
    const options = parseOptions(argv);
    if (!statSync(options.projectDir, { throwIfNoEntry: false })?.isDirectory()) {
        throw new PrPreviewError(`project directory '${options.projectDir}' not found; pass the directory that holds Pulumi.yaml`);
    }
    const run = await runPreview(options);
    // Pulumi's own messages (errors included) stay visible in the CI log.
    process.stderr.write(run.stderr);
    const digest = parseDigest(run);
    const markdown = summarizePreview(digest);
    if (options.out === undefined) {
        process.stdout.write(markdown);
    } else {
        try {
            writeFileSync(options.out, markdown);
        } catch (error) {
            throw new PrPreviewError(`cannot write '${options.out}': ${(error as Error).message}; choose a writable --out path`);
        }
    }
    return previewFailed(digest) || run.exitCode !== 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
    (exitCode) => {
        process.exitCode = exitCode;
    },
    (error: unknown) => {
        process.stderr.write(`pulumi-gluster-preview: ${error instanceof PrPreviewError ? error.message : String((error as Error)?.stack ?? error)}\n`);
        process.exitCode = 2;
    },
);
