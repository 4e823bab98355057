import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { connect, type Socket } from "node:net";
import { closeAll, type SshTarget } from "./connection";
import { HostKeyMismatchError, RemoteCommandError, RemoteTimeoutError } from "./errors";
import { SshExecutor } from "./executor";
import { fingerprint, parseHostKey } from "./host-key";
import { sleep } from "./retry";
import { sshdAvailable, startTestSshd, type TestSshd } from "./testing/sshd";

function unique(prefix: string): string {
    return `${prefix}-${randomBytes(6).toString("hex")}`;
}

/** Whether a process whose command line contains text runs on this machine (the test sshd is local). */
function localProcessExists(text: string): boolean {
    try {
        execFileSync("pgrep", ["-f", text]);
        return true;
    } catch {
        return false;
    }
}

describe("parseHostKey", () => {
    it("reads ssh-keyscan and known_hosts lines and rejects garbage", () => {
        const line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFVhYHyVxHJW4rB7W2vY2l3b2l3b2l3b2l3b2l3b2l3b";
        assert.equal(parseHostKey(line).algorithm, "ssh-ed25519");
        assert.equal(parseHostKey(`10.77.0.12 ${line} root@n2`).algorithm, "ssh-ed25519");
        assert.throws(() => parseHostKey("AAAAC3NzaC1lZDI1NTE5"), /hostKey must look like/);
        assert.throws(() => parseHostKey(line.replace("ssh-ed25519", "ssh-rsa")), /key data is of type ssh-ed25519/);
    });
});

describe("SshExecutor against a local sshd", function () {
    this.timeout(60_000);
    let sshd: TestSshd;
    let target: SshTarget;
    const logs: string[] = [];

    before(async function () {
        assert.ok(sshdAvailable(), "these tests need OpenSSH's sshd: run 'bash test/setup.sh'");
        sshd = await startTestSshd();
        target = {
            host: sshd.host,
            port: sshd.port,
            user: sshd.user,
            privateKey: sshd.privateKey,
            hostKey: sshd.hostKey,
            name: "n1",
            onLog: (message) => logs.push(message),
        };
    });

    afterEach(async () => {
        await closeAll();
    });

    after(async () => {
        await closeAll();
        await sshd?.stop();
    });

    it("returns stdout, stderr and the exit code", async () => {
        const executor = new SshExecutor(target);
        assert.deepEqual(await executor.tryRun(["sh", "-c", "echo out; echo err >&2; exit 3"]), { stdout: "out\n", stderr: "err\n", exitCode: 3 });
        assert.deepEqual(await executor.run(["printf", "%s", "ok"]), { stdout: "ok", stderr: "", exitCode: 0 });
        assert.equal((await executor.run(["cat"], { stdin: "line 1\nline 2\n" })).stdout, "line 1\nline 2\n");
        assert.equal((await executor.run(["sh", "-c", "exit 5"], { okExitCodes: [0, 5] })).exitCode, 5);
    });

    it("rejects a failing command with RemoteCommandError naming host, command, code and stderr", async () => {
        const executor = new SshExecutor(target);
        const failure = executor.run(["sh", "-c", "echo '  Volume group \"vg0\" has insufficient free space' >&2; exit 5", "lvcreate"]);
        await assert.rejects(failure, (error: unknown) => {
            assert.ok(error instanceof RemoteCommandError);
            assert.equal(error.host, "n1 (127.0.0.1)");
            assert.equal(error.exitCode, 5);
            assert.match(error.command, /^sh -c /);
            assert.match(error.stderr, /insufficient free space/);
            assert.match(error.message, /^n1 \(127\.0\.0\.1\): sh -c .* exited 5: Volume group "vg0" has insufficient free space$/);
            return true;
        });
    });

    it("reports a command killed by a signal", async () => {
        const executor = new SshExecutor(target);
        const result = await executor.tryRun(["sh", "-c", "kill -TERM $$"]);
        assert.equal(result.exitCode, 143);
        assert.equal(result.signal, "SIGTERM");
        await assert.rejects(executor.run(["sh", "-c", "kill -KILL $$"]), /: sh -c 'kill -KILL \$\$' was killed by SIGKILL$/);
    });

    it("refuses a host whose key does not match, naming both fingerprints, and runs nothing", async () => {
        const marker = `/tmp/${unique("must-not-exist")}`;
        const executor = new SshExecutor({ ...target, hostKey: sshd.otherHostKey });
        await assert.rejects(executor.run(["touch", marker]), (error: unknown) => {
            assert.ok(error instanceof HostKeyMismatchError);
            assert.equal(error.expectedFingerprint, sshd.otherHostKeyFingerprint);
            assert.equal(error.actualFingerprint, sshd.hostKeyFingerprint);
            assert.match(error.message, /^n1 \(127\.0\.0\.1\): host key verification failed/);
            assert.ok(error.message.includes(sshd.hostKeyFingerprint) && error.message.includes(sshd.otherHostKeyFingerprint));
            assert.ok(!error.message.includes("PRIVATE KEY"));
            return true;
        });
        assert.equal(existsSync(marker), false);
    });

    it("computes fingerprints exactly as ssh-keygen does", () => {
        assert.equal(fingerprint(parseHostKey(sshd.hostKey).blob), sshd.hostKeyFingerprint);
    });

    it("requires a host key before connecting", () => {
        assert.throws(() => new SshExecutor({ ...target, hostKey: "" }), /hostKey is required/);
    });

    it("stops a command that outlives its timeout, with its children", async () => {
        const marker = unique("timeout-marker");
        const sleepArg = `29${Math.floor(Math.random() * 10)}.${randomBytes(3).readUIntBE(0, 3)}`;
        const executor = new SshExecutor(target);
        const running = executor.run(["sh", "-c", `sleep ${sleepArg} & wait`, marker], { timeoutMs: 1_500 });
        await sleep(700);
        assert.ok(localProcessExists(marker), "the command runs before the timeout");
        assert.ok(localProcessExists(`sleep ${sleepArg}`), "its child runs before the timeout");

        await assert.rejects(running, (error: unknown) => {
            assert.ok(error instanceof RemoteTimeoutError);
            assert.equal(error.processStopped, true);
            assert.equal(error.timeoutMs, 1_500);
            assert.match(error.message, /^n1 \(127\.0\.0\.1\): sh -c .* timed out after 1500 ms; the remote process group was stopped$/);
            return true;
        });
        // Observed through the same host connection, which must still work.
        assert.equal((await executor.tryRun(["pgrep", "-f", marker])).exitCode, 1, "the command is gone");
        assert.equal((await executor.tryRun(["pgrep", "-f", `sleep ${sleepArg}`])).exitCode, 1, "its child is gone");
    });

    it("escalates to SIGKILL when the command ignores SIGTERM", async () => {
        const marker = unique("ignores-term");
        const executor = new SshExecutor(target);
        await assert.rejects(executor.run(["sh", "-c", "trap '' TERM; while :; do sleep 1; done", marker], { timeoutMs: 1_000 }), RemoteTimeoutError);
        assert.equal((await executor.tryRun(["pgrep", "-f", marker])).exitCode, 1);
    });

    it("passes hostile arguments through verbatim and without side effects", async () => {
        const sideEffect = `/tmp/${unique("injected")}`;
        const args = [
            "; rm -rf /",
            `$(touch ${sideEffect})`,
            `\`touch ${sideEffect}\``,
            `it's "quoted" \\ back`,
            "two\nlines\n",
            "ünïcødé ✓ 日本",
            "",
            "$HOME *",
            "--help",
        ];
        const result = await new SshExecutor(target).run(["printf", "%s\\0", ...args]);
        assert.deepEqual(result.stdout.split("\0").slice(0, -1), args);
        assert.equal(existsSync(sideEffect), false);
    });

    /**
     * Runs `count` timed commands at once through separate executors of the host; their runs sorted
     * by start. Each first waits (up to 10 s) until `together` of them have started, so the ones
     * let run at once overlap however slowly a busy machine opens their channels.
     */
    async function overlapping(count: number, together: number, extra: Partial<SshTarget> = {}) {
        const arrivals = mkdtempSync(path.join(tmpdir(), "executor-arrivals-"));
        const script = 'touch "$1/$$"; i=0; while [ "$(ls "$1" | wc -l)" -lt "$2" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done; date +%s%N; echo "$SSH_CONNECTION"; sleep 0.6; date +%s%N';
        try {
            const results = await Promise.all(Array.from({ length: count }, () => new SshExecutor({ ...target, ...extra }).run(["sh", "-c", script, "overlap", arrivals, String(together)])));
            const runs = results.map((result) => {
                const [start, connection, end] = result.stdout.trim().split("\n");
                return { start: BigInt(start!), end: BigInt(end!), connection };
            });
            runs.sort((a, b) => (a.start < b.start ? -1 : 1));
            /** The most runs in progress at one moment. */
            const most = Math.max(...runs.map((run) => runs.filter((other) => other.start <= run.start && other.end > run.start).length));
            return { runs, most };
        } finally {
            rmSync(arrivals, { recursive: true, force: true });
        }
    }

    it("runs commands to a host one by one when asked to (commandsAtOnce 1), over one connection", async () => {
        const loginsBefore = sshd.acceptedLogins();
        // Separate executor objects for the same host share the connection and the queue.
        const { runs, most } = await overlapping(5, 1, { commandsAtOnce: 1 });
        assert.equal(most, 1, "commands overlapped");
        assert.equal(new Set(runs.map((run) => run.connection)).size, 1, "all commands used one SSH connection");
        await waitFor(() => sshd.acceptedLogins() === loginsBefore + 1);
        assert.equal(sshd.acceptedLogins(), loginsBefore + 1);
    });

    it("runs at most four commands to a host at once by default, over one connection", async () => {
        const loginsBefore = sshd.acceptedLogins();
        const { runs, most } = await overlapping(6, 4);
        assert.equal(most, 4);
        assert.equal(new Set(runs.map((run) => run.connection)).size, 1, "all commands used one SSH connection");
        await waitFor(() => sshd.acceptedLogins() === loginsBefore + 1);
        assert.equal(sshd.acceptedLogins(), loginsBefore + 1);
    });

    it("runs commands given the same oneAtATime key one after another, and they wait without holding a lane", async () => {
        const executor = new SshExecutor({ ...target, commandsAtOnce: 2 });
        const stamp = ["sh", "-c", "date +%s%N; sleep 1; date +%s%N"];
        const span = (stdout: string) => stdout.trim().split("\n").map(BigInt);
        const keyed = Array.from({ length: 3 }, () => executor.run(stamp, { oneAtATime: "lvm changes to vg_1" }));
        const other = executor.run(["date", "+%s%N"]);
        const runs = (await Promise.all(keyed)).map((result) => span(result.stdout));
        for (const [index, [start]] of runs.entries()) {
            assert.ok(index === 0 || start >= runs[index - 1][1], `keyed command ${index + 1} started before the one before it ended`);
        }
        const [otherStart] = span((await other).stdout);
        assert.ok(otherStart < runs[0][1], "the unkeyed command ran beside the first keyed one: the waiting ones held no lane");
    });

    it("runs a shareInFlight read once for the callers that ask while it runs, and again for a later caller", async () => {
        const executor = new SshExecutor(target);
        // Each run prints its own shell's PID: callers that shared a run see the same one.
        const read = ["sh", "-c", 'echo "$$"; sleep 0.5'];
        const shared = await Promise.all([executor.run(read, { shareInFlight: true }), executor.tryRun(read, { shareInFlight: true })]);
        assert.equal(shared[0].stdout, shared[1].stdout);
        const unshared = await Promise.all([executor.run(read), executor.run(read)]);
        assert.notEqual(unshared[0].stdout, unshared[1].stdout);
        const later = await executor.run(read, { shareInFlight: true });
        assert.notEqual(later.stdout, shared[0].stdout);
    });

    it("runs a sequence as one command: the finished count, and the failing command's error as run throws it", async () => {
        const executor = new SshExecutor(target);
        assert.deepEqual(await executor.runSequence([["true"], ["printf", "%s", "-n"]]), { completed: 2 });
        const { completed, error } = await executor.runSequence([["true"], ["sh", "-c", "echo 'disk full' >&2; exit 3", "mkfs"], ["true"]]);
        assert.equal(completed, 1);
        assert.ok(error instanceof RemoteCommandError);
        assert.equal(error.exitCode, 3);
        assert.equal(error.stderr, "disk full\n");
        assert.match(error.command, /^sh -c .* mkfs$/);
    });

    it("reconnects once when the connection died between commands", async () => {
        const executor = new SshExecutor(target);
        // The login shell's parent is sshd's per-connection process; killing it drops the connection.
        const first = await executor.run(["sh", "-c", 'echo "$PPID $SSH_CONNECTION"']);
        const [sessionPid, ...firstConnection] = first.stdout.trim().split(" ");
        process.kill(Number(sessionPid), "SIGKILL");
        await sleep(300);
        const second = await executor.run(["sh", "-c", 'echo "$SSH_CONNECTION"']);
        assert.notEqual(second.stdout.trim(), firstConnection.join(" "));
    });

    it("masks secrets and the private key in errors and logs", async () => {
        const secret = unique("s3cr3t");
        const perCommandSecret = unique("p4ss");
        logs.length = 0;
        const executor = new SshExecutor({ ...target, redact: [secret] });
        const failure = executor.run(["sh", "-c", `echo "token=${secret} pass=${perCommandSecret}" >&2; echo ${secret}; exit 4`], { redact: [perCommandSecret] });
        await assert.rejects(failure, (error: unknown) => {
            assert.ok(error instanceof RemoteCommandError);
            const everything = [error.message, error.command, error.stdout, error.stderr, error.stack ?? ""].join("\n");
            assert.ok(!everything.includes(secret), "configured secret leaked");
            assert.ok(!everything.includes(perCommandSecret), "per-command secret leaked");
            assert.match(error.stderr, /token=\*\*\* pass=\*\*\*/);
            return true;
        });
        const keyBody = sshd.privateKey.split("\n")[1]!;
        assert.ok(logs.length > 0);
        assert.ok(logs.every((line) => !line.includes(secret) && !line.includes(keyBody)));
        assert.ok(logs.some((line) => /^n1 \(127\.0\.0\.1\): sh: exit 4 in \d+ ms \(queued \d+ ms\)$/.test(line)), logs.join("\n"));
    });

    it("speaks SSH over a caller-provided stream (tunnelling)", async () => {
        const openTunnel = () =>
            new Promise<Socket>((resolve, reject) => {
                const socket = connect(sshd.port, sshd.host, () => resolve(socket));
                socket.once("error", reject);
            });
        const executor = new SshExecutor({ ...target, host: "n1.tunnelled", sock: openTunnel });
        assert.equal((await executor.run(["printf", "%s", "through the tunnel"])).stdout, "through the tunnel");
    });

    it("logs the command class only, with its exit and times", async () => {
        logs.length = 0;
        await new SshExecutor(target).run(["true", "--mode=script", "volume", "create", "gv0", "replica", "3"]);
        const lines = logs.filter((line) => !line.includes("connecting"));
        assert.equal(lines.length, 1, lines.join("\n"));
        assert.match(lines[0], /^n1 \(127\.0\.0\.1\): true volume create: exit 0 in \d+ ms \(queued \d+ ms\)$/);
    });
});

async function waitFor(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
    const started = Date.now();
    while (!condition() && Date.now() - started < timeoutMs) {
        await sleep(50);
    }
}
