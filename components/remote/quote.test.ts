import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { commandLine, shellQuote } from "./quote";

describe("shellQuote", () => {
    it("leaves safe words bare", () => {
        assert.equal(shellQuote("vg_gluster/brick-1.data"), "vg_gluster/brick-1.data");
        assert.equal(shellQuote("--mode=script"), "--mode=script");
        assert.equal(shellQuote("n2:/bricks/b1,user@host+50%"), "n2:/bricks/b1,user@host+50%");
    });

    it("quotes the empty string", () => {
        assert.equal(shellQuote(""), "''");
    });

    it("single-quotes anything else and escapes embedded single quotes", () => {
        assert.equal(shellQuote("a b"), "'a b'");
        assert.equal(shellQuote("it's"), `'it'\\''s'`);
        assert.equal(shellQuote("'"), `''\\'''`);
        assert.equal(shellQuote("$HOME"), "'$HOME'");
        assert.equal(shellQuote("~root"), "'~root'");
        assert.equal(shellQuote("a\nb"), "'a\nb'");
        assert.equal(shellQuote("*"), "'*'");
    });

    it("rejects NUL bytes", () => {
        assert.throws(() => shellQuote("a\0b"), /NUL byte/);
    });
});

describe("commandLine", () => {
    it("quotes shell metacharacters so they stay data", () => {
        assert.equal(commandLine(["echo", "; rm -rf /", "$(id)"]), "echo '; rm -rf /' '$(id)'");
        assert.equal(commandLine(["printf", "%s", "`id` \"x\""]), "printf %s '`id` \"x\"'");
    });

    it("builds gluster and lvm lines exactly", () => {
        assert.equal(
            commandLine(["gluster", "--mode=script", "--xml", "volume", "info", "vol one"]),
            "gluster --mode=script --xml volume info 'vol one'",
        );
        assert.equal(commandLine(["lvcreate", "-L", "10737418240b", "-n", "brick_1", "vg0"]), "lvcreate -L 10737418240b -n brick_1 vg0");
    });

    it("quotes a first word containing '=' so it is not an assignment", () => {
        assert.equal(commandLine(["FOO=bar", "x=y"]), "'FOO=bar' x=y");
    });

    it("rejects an empty argv and NUL bytes", () => {
        assert.throws(() => commandLine([]), /empty argv/);
        assert.throws(() => commandLine(["echo", "\0"]), /NUL byte/);
    });

    it("round-trips hostile arguments through a real POSIX shell", () => {
        const args = ["; rm -rf /", "$(touch /tmp/never)", "`id`", `'"\\`, "line1\nline2", "ünïcødé ✓", "", " ", "-n", "a\tb", "!x", "#c"];
        const line = commandLine(["printf", "%s\\0", ...args]);
        const output = execFileSync("/bin/sh", ["-c", line], { encoding: "utf8" });
        assert.deepEqual(output.split("\0").slice(0, -1), args);
    });
});
