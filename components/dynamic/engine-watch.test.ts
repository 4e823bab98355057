import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn, type StdioOptions } from "node:child_process";
import { once } from "node:events";
import { closeSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { isDynamicProviderHost } from "./engine-watch";

// A stand-in for the provider host: the SDK's uncaught-error handler (which reports on stderr),
// the watch, and work that never ends by itself (the host's gRPC server).
const HOST = `
process.on("uncaughtException", (error) => console.error(error.stack));
require(${JSON.stringify(path.join(__dirname, "engine-watch"))}).endWithEngine();
setInterval(() => console.log("working"), 20);
`;

function startHost(stdio: StdioOptions): ChildProcess {
    return spawn(process.execPath, ["-e", HOST], { stdio });
}

/**
 * A pipe like the one the engine (Go's os/exec) gives a plugin as stdin; node's own "pipe" is a
 * socket. The test holds `engineEnd`, the only end that writes, as the engine does.
 */
function enginePipe(): { hostEnd: number; engineEnd: number } {
    const dir = mkdtempSync(path.join(tmpdir(), "engine-watch-"));
    try {
        const fifo = path.join(dir, "stdin");
        execFileSync("mkfifo", [fifo]);
        // Read-write first: an open for reading alone would wait for a writer.
        const engineEnd = openSync(fifo, "r+");
        return { hostEnd: openSync(fifo, "r"), engineEnd };
    } finally {
        rmSync(dir, { recursive: true });
    }
}

/** The provider host stand-in with `engineEnd`'s pipe as its stdin. */
function startHostOnEnginePipe(): { host: ChildProcess; engineEnd: number } {
    const { hostEnd, engineEnd } = enginePipe();
    try {
        return { host: startHost([hostEnd, "pipe", "pipe"]), engineEnd };
    } finally {
        closeSync(hostEnd);
    }
}

/** The child's exit code, or a rejection if it is still running after `limitMs`. */
async function exitCode(child: ChildProcess, limitMs: number): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`still running after ${limitMs} ms`)), limitMs);
    });
    try {
        const [code] = (await Promise.race([once(child, "exit"), limit])) as [number | null];
        return code;
    } finally {
        clearTimeout(timer);
        child.kill("SIGKILL");
    }
}

/** Resolves once the child printed `count` lines; its stdout stays open and read (leaving a loop over it would close it). */
function linesPrinted(child: ChildProcess, count: number): Promise<void> {
    return new Promise((resolve, reject) => {
        let seen = 0;
        child.stdout!.on("data", (chunk) => {
            seen += String(chunk).split("\n").length - 1;
            if (seen >= count) {
                resolve();
            }
        });
        child.on("exit", () => reject(new Error(`the host ended after ${seen} lines`)));
    });
}

describe("isDynamicProviderHost", () => {
    it("knows the SDK's dynamic provider host by its main module, on POSIX and Windows paths", () => {
        assert.equal(isDynamicProviderHost("/p/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js"), true);
        assert.equal(isDynamicProviderHost("C:\\p\\node_modules\\@pulumi\\pulumi\\cmd\\dynamic-provider\\index.js"), true);
        assert.equal(isDynamicProviderHost("/p/node_modules/mocha/bin/mocha.js"), false);
        assert.equal(isDynamicProviderHost("/p/node_modules/@pulumi/pulumi/cmd/run/index.js"), false);
        assert.equal(isDynamicProviderHost(undefined), false);
    });
});

describe("endWithEngine in a process like the provider host", function () {
    this.timeout(60_000);

    it("ends the process once its stdin, the engine's pipe, reaches its end", async () => {
        const { host, engineEnd } = startHostOnEnginePipe();
        await linesPrinted(host, 3);
        closeSync(engineEnd);
        assert.equal(await exitCode(host, 20_000), 1);
    });

    it("ends the process once writing to the engine's pipes fails, instead of spinning on the failures", async () => {
        const { host, engineEnd } = startHostOnEnginePipe();
        try {
            await linesPrinted(host, 3);
            // The engine's ends of stdout and stderr go, its end of stdin stays.
            host.stdout!.destroy();
            host.stderr!.destroy();
            assert.equal(await exitCode(host, 20_000), 1);
        } finally {
            closeSync(engineEnd);
        }
    });

    it("does not end a process whose stdin is no pipe (a provider started by hand)", async () => {
        const host = startHost(["ignore", "pipe", "pipe"]);
        await linesPrinted(host, 25);
        assert.equal(host.exitCode, null, "still running");
        assert.equal(host.signalCode, null);
        host.kill("SIGKILL");
        await once(host, "exit");
    });
});
