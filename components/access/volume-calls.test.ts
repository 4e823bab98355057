import assert from "node:assert/strict";
import { commandLine, type CommandResult, type RunOptions } from "../remote";
import { readFixture } from "../remote/testing/fixtures";
import { ScriptedHost } from "../remote/testing/scripted-host";
import { findVolumeAmongAll, volumeDeleteArgs, volumeStartArgs, volumeStopArgs } from "./volume-calls";

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
