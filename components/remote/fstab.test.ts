import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { FSTAB_SYNC_ARGS, fstabAddLineArgs, fstabLinesForMountArgs, fstabRemoveMountArgs, fstabReplaceMountArgs } from "./fstab";

const LINE = "10.0.0.1:/web /mnt/glusterfs/web glusterfs defaults,_netdev 0 0";

/** Runs an argv against a scratch copy of fstab: /etc/fstab in the script becomes that file. */
function runOnScratch(argv: readonly string[], fstab: string): { output: string; fstab: string } {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "fstab-")), "fstab");
    writeFileSync(file, fstab);
    const [command, ...args] = argv.map((arg) => arg.replaceAll("/etc/fstab", file).replaceAll("/etc/.fstab", `${path.dirname(file)}/.fstab`));
    const output = execFileSync(command, args, { encoding: "utf8" });
    return { output, fstab: readFileSync(file, "utf8") };
}

describe("fstab commands", () => {
    it("pass the line and the mount path as positional arguments, never inside the script", () => {
        const add = fstabAddLineArgs(LINE);
        assert.deepEqual([add[0], add[1], add[3], add[4]], ["sh", "-c", "sh", LINE]);
        assert.ok(!add[2].includes("glusterfs"));
        const remove = fstabRemoveMountArgs("/mnt/glusterfs/web");
        assert.deepEqual([remove[0], remove[1], remove[3], remove[4]], ["sh", "-c", "sh", "/mnt/glusterfs/web"]);
        assert.deepEqual(FSTAB_SYNC_ARGS, ["sync", "/etc/fstab"]);
    });

    it("add a line once, find it by mount path, and remove only that mount's lines", () => {
        const before = "/dev/sda1 / ext4 defaults 0 1\n";
        const added = runOnScratch(fstabAddLineArgs(LINE), before).fstab;
        assert.equal(added, `${before}${LINE}\n`);
        assert.equal(runOnScratch(fstabAddLineArgs(LINE), added).fstab, added, "a second add changes nothing");
        assert.equal(runOnScratch(fstabLinesForMountArgs("/mnt/glusterfs/web"), added).output, `${LINE}\n`);
        assert.equal(runOnScratch(fstabLinesForMountArgs("/mnt/glusterfs/other"), added).output, "");
        assert.equal(runOnScratch(fstabRemoveMountArgs("/mnt/glusterfs/web"), added).fstab, before);
    });

    it("replace a mount's lines by one new line", () => {
        const before = "/dev/sda1 / ext4 defaults 0 1\n";
        const moved = LINE.replace(/^\S+/, "10.0.0.9:/web");
        assert.equal(runOnScratch(fstabReplaceMountArgs("/mnt/glusterfs/web", moved), `${before}${LINE}\n`).fstab, `${before}${moved}\n`);
        assert.equal(runOnScratch(fstabReplaceMountArgs("/mnt/glusterfs/web", moved), before).fstab, `${before}${moved}\n`, "a missing line is added");
        const replace = fstabReplaceMountArgs("/mnt/glusterfs/web", moved);
        assert.deepEqual(replace.slice(3), ["sh", "/mnt/glusterfs/web", moved]);
    });

    it("treat hostile values as data", () => {
        const hostile = "x $(touch /tmp/pwned) `id` ; rm -rf / 0 0";
        const added = runOnScratch(fstabAddLineArgs(hostile), "").fstab;
        assert.equal(added, `${hostile}\n`);
    });
});
