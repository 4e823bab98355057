import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { FSTAB_SYNC_ARGS, fstabAddLineArgs, fstabEntryLine, fstabField, fstabLinesForMountArgs, fstabRemoveMountArgs, fstabReplaceMountArgs } from "./fstab";
import { HOSTILE_VALUES } from "./testing/hostile";

const LINE = "10.0.0.1:/web /mnt/glusterfs/web glusterfs defaults,_netdev 0 0";

/** A scratch copy of fstab, and argv made to edit it: /etc/fstab in the script becomes that file. */
function scratchFstab(fstab: string): { file: string; onScratch: (argv: readonly string[]) => string[] } {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "fstab-")), "fstab");
    writeFileSync(file, fstab);
    return { file, onScratch: (argv) => argv.map((arg) => arg.replaceAll("/etc/fstab", file).replaceAll("/etc/.fstab", `${path.dirname(file)}/.fstab`)) };
}

/** Runs an argv against a scratch copy of fstab. */
function runOnScratch(argv: readonly string[], fstab: string): { output: string; fstab: string } {
    const { file, onScratch } = scratchFstab(fstab);
    const [command, ...args] = onScratch(argv);
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

    it("lose no line when adds and removes run at once (the executor runs a few commands per host)", async () => {
        const mounts = Array.from({ length: 12 }, (_, index) => `/mnt/b${index}`);
        const line = (mount: string) => `/dev/vg/${mount.slice(5)} ${mount} xfs defaults 1 2`;
        const { file, onScratch } = scratchFstab(mounts.slice(6).map((mount) => `${line(mount)}\n`).join(""));
        const run = (argv: string[]) => {
            const [command, ...args] = onScratch(argv);
            return promisify(execFile)(command, args);
        };
        // Six adds and six removes (of the lines already there), interleaved, all at once.
        await Promise.all(mounts.slice(0, 6).flatMap((mount, index) => [run(fstabAddLineArgs(line(mount))), run(fstabRemoveMountArgs(mounts[6 + index]))]));
        assert.deepEqual(readFileSync(file, "utf8").split("\n").filter(Boolean).sort(), mounts.slice(0, 6).map(line).sort());
    });

    it("treat hostile values as data", () => {
        const hostile = "x $(touch /tmp/pwned) `id` ; rm -rf / 0 0";
        const added = runOnScratch(fstabAddLineArgs(hostile), "").fstab;
        assert.equal(added, `${hostile}\n`);
    });
});

describe("fstab fields", () => {
    const entry = { spec: "10.0.0.1:/web", file: "/mnt/glusterfs/web", vfstype: "glusterfs", mntops: "defaults,_netdev", freq: 0, passno: 0 };

    it("join six checked fields into one line", () => {
        assert.equal(fstabEntryLine(entry), LINE);
    });

    it("refuse a field fstab or awk would read as more than one value, naming it", () => {
        const cases: Array<[string, string]> = [
            ["/mnt/my web", 'fstab mount point "/mnt/my web": contains a blank, line break, backslash or NUL; use a value without them'],
            ["/mnt/web\n/x", 'fstab mount point "/mnt/web\\n/x": contains a blank, line break, backslash or NUL; use a value without them'],
            ["/mnt/\\040web", 'fstab mount point "/mnt/\\\\040web": contains a blank, line break, backslash or NUL; use a value without them'],
            ["/mnt/\tweb", 'fstab mount point "/mnt/\\tweb": contains a blank, line break, backslash or NUL; use a value without them'],
            ["", "fstab mount point: is empty; give a value"],
        ];
        for (const [file, message] of cases) {
            assert.throws(() => fstabEntryLine({ ...entry, file }), (error: Error) => error.message === message, JSON.stringify(file));
        }
        assert.throws(() => fstabEntryLine({ ...entry, mntops: "defaults, exec" }), /^Error: fstab options "defaults, exec": contains a blank/);
        assert.throws(() => fstabEntryLine({ ...entry, spec: "h:/web\n/dev/sda1" }), /^Error: fstab spec /);
    });

    it("run every hostile value through a field: only blanks, line breaks and the empty string are refused", () => {
        for (const [label, value] of HOSTILE_VALUES) {
            const refused = value === "" || /[\s\\]/.test(value);
            if (refused) {
                assert.throws(() => fstabField("mount point", value), /^Error: fstab mount point[ :]/, label);
            } else {
                // Allowed here: fstab keeps it as one field; validators refuse it before it reaches a host.
                assert.equal(fstabField("mount point", value), value, label);
            }
        }
    });

    it("refuse before building a command: a mount path that is no single field, a line that is no single line", () => {
        for (const build of [fstabRemoveMountArgs, fstabLinesForMountArgs, (path: string) => fstabReplaceMountArgs(path, LINE)]) {
            assert.throws(() => build("/mnt/a b"), /^Error: fstab mount point "\/mnt\/a b": contains a blank/);
            assert.throws(() => build("/mnt/a\nb"), /^Error: fstab mount point /);
        }
        assert.throws(() => fstabAddLineArgs(`${LINE}\n/dev/sdz / ext4 defaults 0 0`), /^Error: fstab line ".*": contains a line break or NUL; build it with fstabEntryLine$/);
        assert.throws(() => fstabReplaceMountArgs("/mnt/glusterfs/web", `${LINE}\r`), /^Error: fstab line /);
        assert.throws(() => fstabAddLineArgs("  "), /^Error: fstab line: is empty; build it with fstabEntryLine$/);
    });
});
