import assert from "node:assert/strict";
import { commandLine } from "../remote";
import { volumeDeleteArgs, volumeStartArgs, volumeStopArgs } from "./volume-calls";

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
