import assert from "node:assert/strict";
import { SshConnectionError } from "./errors";
import { GlusterError, GlusterNoAnswerError, parseVolumeInfo, volumeInfoArgs } from "./gluster";
import { runGluster } from "./gluster-run";
import { readFixture } from "./testing/fixtures";
import { ScriptedHost } from "./testing/scripted-host";

const OK_XML = "<cliOutput><opRet>0</opRet><opErrno>0</opErrno><opErrstr></opErrstr></cliOutput>";
const START = ["gluster", "--mode=script", "--xml", "--", "volume", "start", "web"];

describe("runGluster", () => {
    it("resolves with the XML once opRet is 0, or with what parse reads from it", async () => {
        const host = new ScriptedHost("n1").on("gluster", { stdout: OK_XML }).on("gluster --mode=script --xml -- volume info", { stdout: readFixture("volume-info-single.xml") });
        assert.equal(await runGluster(host, START), OK_XML);
        const volumes = await runGluster(host, volumeInfoArgs(), { parse: parseVolumeInfo });
        assert.equal(volumes.length, 1);
        assert.deepEqual(host.commands, ["gluster --mode=script --xml -- volume start web", "gluster --mode=script --xml -- volume info"]);
    });

    it("reads gluster's failure from the XML whatever the exit code, the host unnamed unless asked", async () => {
        const host = new ScriptedHost("n1 (10.0.0.11)").on("gluster", { stdout: readFixture("volume-info-missing.xml"), exitCode: 1 });
        await assert.rejects(runGluster(host, START), (error: unknown) => {
            assert.ok(error instanceof GlusterError && !(error instanceof GlusterNoAnswerError));
            assert.equal(error.message, "gluster failed (opRet -1, opErrno 30806): Volume does not exist");
            assert.equal(error.opErrstr, "Volume does not exist");
            return true;
        });
        await assert.rejects(runGluster(host, START, { nameHost: true }), (error: unknown) => {
            assert.ok(error instanceof GlusterError);
            assert.equal(error.message, "n1 (10.0.0.11): volume start web: gluster failed (opRet -1, opErrno 30806): Volume does not exist");
            assert.equal(error.opErrno, 30806);
            return true;
        });
    });

    it("reports output without XML as GlusterNoAnswerError with its first line", async () => {
        const host = new ScriptedHost("n2").on("gluster", { stdout: "Connection failed. Please check if gluster daemon is operational.\nmore\n", exitCode: 1 });
        await assert.rejects(runGluster(host, START), (error: unknown) => {
            assert.ok(error instanceof GlusterNoAnswerError && error instanceof GlusterError);
            assert.equal(error.name, "GlusterError");
            assert.equal(error.message, "gluster printed no XML: Connection failed. Please check if gluster daemon is operational.");
            assert.equal(error.opErrstr, "Connection failed. Please check if gluster daemon is operational.");
            return true;
        });
        await assert.rejects(runGluster(new ScriptedHost("n2").on("gluster", { exitCode: 127 }), START, { nameHost: true }), (error: unknown) => {
            assert.ok(error instanceof GlusterNoAnswerError);
            assert.equal(error.message, "n2: volume start web: gluster printed no XML: exit code 127");
            return true;
        });
    });

    it("passes a lost connection through as the executor reported it", async () => {
        const lost = new SshConnectionError("n3: connection lost", "n3");
        await assert.rejects(runGluster(new ScriptedHost("n3").on("gluster", lost), START, { nameHost: true }), lost);
    });

    it("retries while another transaction holds the cluster lock", async () => {
        const host = new ScriptedHost("n1").on("gluster", { stdout: OK_XML }).on("gluster", { stdout: readFixture("volume-create-locked.xml") }, 1);
        assert.equal(await runGluster(host, START), OK_XML);
        assert.equal(host.commands.length, 2);
    });
});
