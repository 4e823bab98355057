import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import type { CommandResult } from "./executor";
import { parseSequence, sequenceArgs } from "./sequence";

/** Runs a sequence's argv here, as the remote host would. */
function runHere(argv: readonly string[]): CommandResult {
    const [program, ...args] = argv;
    const result = spawnSync(program, args, { encoding: "utf8" });
    return { stdout: result.stdout, stderr: result.stderr, exitCode: result.status ?? -1 };
}

describe("command sequences", () => {
    it("runs every command in order and counts them", () => {
        const outcome = parseSequence(runHere(sequenceArgs([["printf", "%s", "one"], ["sh", "-c", 'test "$1" = "a b"', "sh", "a b"], ["true"]])), 3);
        assert.deepEqual(outcome, { completed: 3 });
    });

    it("stops at the first failure and gives that command's own output and exit code", () => {
        const outcome = parseSequence(runHere(sequenceArgs([["printf", "no line end"], ["sh", "-c", "echo partial; echo 'no space left' >&2; exit 5"], ["touch", "/nonexistent/never-run"]])), 3);
        assert.deepEqual(outcome, { completed: 1, failure: { stdout: "", stderr: "partial\nno space left\n", exitCode: 5 } });
    });

    it("passes values as words, never as script: quotes, $(…), globs, leading dashes and ten-plus words", () => {
        rmSync("/tmp/sequence-pwned", { force: true });
        const hostile = ["$(touch /tmp/sequence-pwned)", "'; exit 9; '", "*", "-n", "a\nb", "x".repeat(3), "", "`id`", "${HOME}", "\\"];
        const printed = runHere(sequenceArgs([["printf", "[%s]", ...hostile], ["true"]]));
        assert.equal(parseSequence(printed, 2).completed, 2);
        assert.equal(printed.stderr, `@@pulumi-gluster-step 1\n${hostile.map((word) => `[${word}]`).join("")}@@pulumi-gluster-step 2\n`);
        assert.ok(!existsSync("/tmp/sequence-pwned"));
    });

    it("does not give the commands the remote session's stdin", () => {
        const outcome = parseSequence(runHere(sequenceArgs([["sh", "-c", "! read -r line"]])), 1);
        assert.deepEqual(outcome, { completed: 1 });
    });

    it("names no failing command when every command finished and the shell still ended badly", () => {
        assert.deepEqual(parseSequence({ stdout: "1\n2\n", stderr: "@@pulumi-gluster-step 1\n@@pulumi-gluster-step 2\n", exitCode: 137, signal: "SIGKILL" }, 2), { completed: 2 });
        assert.deepEqual(parseSequence({ stdout: "1\n", stderr: "@@pulumi-gluster-step 1\n@@pulumi-gluster-step 2\nkilled\n", exitCode: 137 }, 2), {
            completed: 1,
            failure: { stdout: "", stderr: "killed\n", exitCode: 137 },
        });
    });

    it("refuses an empty sequence or command", () => {
        assert.throws(() => sequenceArgs([]), /no commands/);
        assert.throws(() => sequenceArgs([["true"], []]), /an empty command/);
    });
});
