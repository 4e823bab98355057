// A throwaway OpenSSH server on 127.0.0.1 for tests: its own host key, client
// key and config in a temp directory, stopped by its PID.

import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";

export const SSHD_PATH = "/usr/sbin/sshd";
const STARTUP_TIMEOUT_MS = 10_000;

export interface TestSshd {
    host: string;
    port: number;
    user: string;
    /** OpenSSH private key the server accepts. */
    privateKey: string;
    /** The server's host key line, "ssh-ed25519 AAAA… comment". */
    hostKey: string;
    /** A valid ed25519 key the server does not have, for mismatch tests. */
    otherHostKey: string;
    /** Fingerprints as `ssh-keygen -l` prints them. */
    hostKeyFingerprint: string;
    otherHostKeyFingerprint: string;
    pid: number;
    /** Everything sshd logged so far (it runs with -e, LogLevel VERBOSE). */
    log(): string;
    /** Number of publickey logins sshd accepted so far, i.e. SSH connections made. */
    acceptedLogins(): number;
    stop(): Promise<void>;
}

export function sshdAvailable(): boolean {
    return existsSync(SSHD_PATH);
}

export async function startTestSshd(): Promise<TestSshd> {
    const dir = mkdtempSync(path.join(tmpdir(), "remote-sshd-"));
    const hostKeyPath = path.join(dir, "host_ed25519");
    const otherKeyPath = path.join(dir, "other_ed25519");
    const clientKeyPath = path.join(dir, "client_ed25519");
    for (const keyPath of [hostKeyPath, otherKeyPath, clientKeyPath]) {
        execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", path.basename(keyPath), "-f", keyPath]);
    }
    const authorizedKeys = path.join(dir, "authorized_keys");
    writeFileSync(authorizedKeys, readFileSync(`${clientKeyPath}.pub`), { mode: 0o600 });

    const user = userInfo().username;
    if (user === "root") {
        // sshd started as root insists on its privilege separation directory.
        mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
    }
    const port = await freePort();
    const configPath = path.join(dir, "sshd_config");
    writeFileSync(
        configPath,
        [
            "ListenAddress 127.0.0.1",
            `HostKey ${hostKeyPath}`,
            `AuthorizedKeysFile ${authorizedKeys}`,
            "PermitRootLogin prohibit-password",
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            "StrictModes no",
            "PidFile none",
            "LogLevel VERBOSE",
            "MaxSessions 20",
            "",
        ].join("\n"),
    );

    const child = spawn(SSHD_PATH, ["-D", "-e", "-f", configPath, "-p", String(port), "-h", hostKeyPath], { stdio: ["ignore", "ignore", "pipe"] });
    let log = "";
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => {
        log += chunk;
    });
    try {
        await waitForListening(child, () => log, port);
    } catch (error) {
        child.kill("SIGTERM");
        rmSync(dir, { recursive: true, force: true });
        throw error;
    }

    const pid = child.pid!;
    return {
        host: "127.0.0.1",
        port,
        user,
        privateKey: readFileSync(clientKeyPath, "utf8"),
        hostKey: readFileSync(`${hostKeyPath}.pub`, "utf8").trim(),
        otherHostKey: readFileSync(`${otherKeyPath}.pub`, "utf8").trim(),
        hostKeyFingerprint: keygenFingerprint(`${hostKeyPath}.pub`),
        otherHostKeyFingerprint: keygenFingerprint(`${otherKeyPath}.pub`),
        pid,
        log: () => log,
        acceptedLogins: () => log.split("\n").filter((line) => line.includes("Accepted publickey for")).length,
        stop: async () => {
            if (child.exitCode === null && child.signalCode === null) {
                const exited = new Promise((resolve) => child.once("exit", resolve));
                process.kill(pid, "SIGTERM");
                await exited;
            }
            rmSync(dir, { recursive: true, force: true });
        },
    };
}

function keygenFingerprint(publicKeyPath: string): string {
    // "256 SHA256:abc… comment (ED25519)"
    return execFileSync("ssh-keygen", ["-l", "-f", publicKeyPath], { encoding: "utf8" }).split(" ")[1]!;
}

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const address = server.address();
            server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
        });
    });
}

function waitForListening(child: ChildProcess, log: () => string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
        const started = Date.now();
        const poll = setInterval(() => {
            if (log().includes(`Server listening on 127.0.0.1 port ${port}`)) {
                clearInterval(poll);
                resolve();
            } else if (child.exitCode !== null || Date.now() - started > STARTUP_TIMEOUT_MS) {
                clearInterval(poll);
                reject(new Error(`test sshd did not start:\n${log()}`));
            }
        }, 50);
    });
}
