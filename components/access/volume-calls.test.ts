import assert from "node:assert/strict";
import { commandLine, GlusterError, type CommandResult, type RunOptions } from "../remote";
import { readFixture } from "../remote/testing/fixtures";
import { ScriptedHost } from "../remote/testing/scripted-host";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { findVolumeAmongAll, isTakenVolumeName, volumeDeleteArgs, volumeInStore, volumeInStoreArgs, volumeStartArgs, volumeStopArgs } from "./volume-calls";

/** A scripted host that also records the options each command ran with. */
class OptionsRecordingHost extends ScriptedHost {
    readonly options: RunOptions[] = [];
    override async tryRun(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
        this.options.push(options);
        return super.tryRun(argv);
    }
}

describe("finding a volume among all", () => {
    it("asks for every volume as a read callers share, and picks the named one", async () => {
        const host = new OptionsRecordingHost("n1").on("gluster", { stdout: readFixture("volume-info-all.xml") });
        assert.equal((await findVolumeAmongAll(host, "gv_disperse"))?.name, "gv_disperse");
        assert.equal(await findVolumeAmongAll(host, "absent"), undefined);
        assert.deepEqual(host.commands, ["gluster --mode=script --xml -- volume info", "gluster --mode=script --xml -- volume info"]);
        assert.deepEqual(host.options.map((options) => options.shareInFlight), [true, true]);
    });
});

describe("gluster volume start, stop and delete", () => {
    it("puts every word after '--', the stop forced", () => {
        assert.equal(commandLine(volumeStopArgs("web")), "gluster --mode=script --xml -- volume stop web force");
        const cases: Array<[string[], string[]]> = [
            [volumeStartArgs("web"), ["volume", "start", "web"]],
            [volumeStopArgs("web"), ["volume", "stop", "web", "force"]],
            [volumeDeleteArgs("web"), ["volume", "delete", "web"]],
        ];
        for (const [argv, words] of cases) {
            assert.deepEqual(argv, ["gluster", "--mode=script", "--xml", "--", ...words]);
        }
    });
});

describe("glusterd's store as a quick hint of a volume name", () => {
    it("passes the store and the name as positional arguments to a fixed script", () => {
        assert.deepEqual(volumeInStoreArgs("web"), ["sh", "-c", 'cd -- "$1" 2>/dev/null || exit 2; test -e "./$2"', "sh", "/var/lib/glusterd/vols", "web"]);
    });

    it("exits 0 for a name the store has, 1 for one it has not, 2 without a store (run by a local sh)", () => {
        const store = mkdtempSync(path.join(tmpdir(), "glusterd-vols-"));
        mkdirSync(path.join(store, "web"));
        const exitOf = (argv: string[]) => {
            try {
                execFileSync(argv[0], argv.slice(1), { stdio: "ignore" });
                return 0;
            } catch (error) {
                return (error as { status: number }).status;
            }
        };
        assert.deepEqual(
            [exitOf(volumeInStoreArgs("web", store)), exitOf(volumeInStoreArgs("db", store)), exitOf(volumeInStoreArgs("web", path.join(store, "absent")))],
            [0, 1, 2],
        );
    });

    it("reads exit 0 as taken, 1 as free, and anything else, a lost connection too, as unknown", async () => {
        const answers: Array<[exitCode: number | Error, expected: string]> = [[0, "taken"], [1, "free"], [2, "unknown"], [126, "unknown"], [new Error("connection lost"), "unknown"]];
        for (const [answer, expected] of answers) {
            const host = new ScriptedHost("n1").on("sh -c", answer instanceof Error ? answer : { exitCode: answer });
            assert.equal(await volumeInStore(host, "web"), expected, `answer ${answer}`);
        }
    });
});

describe("a name volume create refuses", () => {
    it("is gluster's 'Volume <name> already exists', and nothing else", () => {
        const refusal = (opErrstr: string) => new GlusterError(`n1: volume create failed: ${opErrstr}`, -1, 0, opErrstr);
        assert.equal(isTakenVolumeName(refusal("Volume web already exists")), true);
        assert.equal(isTakenVolumeName(refusal("Brick: n1:/b/brick not available. Brick may be containing or be contained by an existing brick.")), false);
        assert.equal(isTakenVolumeName(refusal("/b/brick is already part of a volume")), false);
        assert.equal(isTakenVolumeName(new Error("Volume web already exists")), false, "only gluster's own answer");
    });
});
