import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { closeAll, type SshTarget } from "./connection";
import { SshExecutor } from "./executor";
import { HostLockTimeoutError, hostLockArgs, takeHostLock } from "./host-lock";
import { sshdAvailable, startTestSshd, type TestSshd } from "./testing/sshd";

describe("hostLockArgs", () => {
    it("passes the lock path, wait and owner as positional arguments, the owner on one line", () => {
        const args = hostLockArgs(300, "ci-1 pid 7: creating volume 'a'\nsince now", "/run/lock/x.lock");
        assert.deepEqual([args[0], args[1], args[3], args[4], args[5], args[6]], ["sh", "-c", "sh", "/run/lock/x.lock", "300", "ci-1 pid 7: creating volume 'a' since now"]);
        assert.match(args[2], /^exec 9>>"\$1"\nif ! flock -w "\$2" 9; then/);
    });
});

describe("host lock against a local sshd", function () {
    this.timeout(60_000);
    let sshd: TestSshd;
    let target: SshTarget;
    let lockPath: string;

    before(async function () {
        assert.ok(sshdAvailable(), "these tests need OpenSSH's sshd: run 'bash test/setup.sh'");
        sshd = await startTestSshd();
        target = { host: sshd.host, port: sshd.port, user: sshd.user, privateKey: sshd.privateKey, hostKey: sshd.hostKey, name: "n1" };
        lockPath = path.join(mkdtempSync(path.join(tmpdir(), "host-lock-")), "pulumi-gluster.lock");
    });
    after(async function () {
        await closeAll();
        await sshd?.stop();
    });

    it("lets one holder in at a time, names the holder to whoever waits in vain, and passes on at release", async function () {
        const host = new SshExecutor(target);
        const first = await takeHostLock(host, "ci-1 pid 7: creating volume 'a'", 5, lockPath);
        await assert.rejects(takeHostLock(host, "ci-2 pid 9: creating volume 'b'", 1, lockPath), (error: unknown) => {
            assert.ok(error instanceof HostLockTimeoutError);
            assert.equal(error.holder, "ci-1 pid 7: creating volume 'a'");
            assert.match(error.message, /^n1 \(127\.0\.0\.1\): the pulumi-gluster lock \(.*\) is held by ci-1 pid 7: creating volume 'a' and was not released within 1 s; wait for that operation/);
            return true;
        });
        // Other commands to the host are not queued behind the held lock.
        assert.equal((await host.run(["echo", "free"])).stdout, "free\n");
        const waiting = takeHostLock(host, "ci-2 pid 9: creating volume 'b'", 10, lockPath);
        await first.release();
        const second = await waiting;
        await second.release();
    });

    it("is released when the holder's connection dies", async function () {
        const host = new SshExecutor(target);
        await takeHostLock(host, "ci-1 pid 7: killed", 5, lockPath);
        await closeAll(); // what a SIGKILLed client's closed socket does to the session
        const again = await takeHostLock(new SshExecutor(target), "ci-2 pid 9: after", 10, lockPath);
        await again.release();
    });
});
