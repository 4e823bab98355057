// Runs argv commands on storage hosts over SSH: one verified connection per
// host, commands serialized per host, timeouts that really stop the remote
// process, and errors that never carry secrets.

import { createHash } from "node:crypto";
import { constants as osConstants } from "node:os";
import type { Duplex } from "node:stream";
import { Client, type ClientChannel, type ConnectConfig, type ServerHostKeyAlgorithm } from "ssh2";
import { commandLine } from "./quote";

export interface SshTarget {
    host: string;
    /** Default 22. */
    port?: number;
    /** Default "root". */
    user?: string;
    /** Private key in PEM or OpenSSH format. */
    privateKey: string;
    passphrase?: string;
    /** The host's public key as ssh-keyscan or known_hosts print it: "ssh-ed25519 AAAA…" (a leading host field is allowed). */
    hostKey: string;
    /** Short name used in messages, e.g. "n2"; messages then read "n2 (10.77.0.12)". */
    name?: string;
    /** Default 20 s. */
    connectTimeoutMs?: number;
    /** Default timeout for commands on this host; default 120 s. */
    commandTimeoutMs?: number;
    /** A pre-connected stream to speak SSH over (tunnelling). A factory allows reconnecting. */
    sock?: Duplex | (() => Promise<Duplex>);
    /** Strings masked in error messages and log lines. The private key is always masked. */
    redact?: readonly string[];
    /** Progress hook: "host: command class" lines, never arguments or secrets. */
    onLog?: (message: string) => void;
}

export interface RunOptions {
    timeoutMs?: number;
    stdin?: string;
    /** Exit codes that count as success; default [0]. */
    okExitCodes?: readonly number[];
    /** Extra strings to mask in errors for this command. */
    redact?: readonly string[];
}

export interface CommandResult {
    stdout: string;
    stderr: string;
    /** The exit code; 128 + signal number when the process was killed by a signal. */
    exitCode: number;
    /** Signal name ("SIGTERM", "SIGKILL", …) when the process was killed by one. */
    signal?: string;
}

const DEFAULT_PORT = 22;
const DEFAULT_USER = "root";
const DEFAULT_CONNECT_TIMEOUT_MS = 20_000;
const DEFAULT_COMMAND_TIMEOUT_MS = 120_000;
const KILL_TIMEOUT_MS = 20_000;
const CLOSE_TIMEOUT_MS = 5_000;
const ERROR_OUTPUT_LIMIT = 8_000;
const MESSAGE_COMMAND_LIMIT = 160;
const REDACTED = "***";

// The remote login shell prints its own PID before exec'ing the command. sshd
// runs every session in a new session (setsid), so that PID is also the
// process group of the command and all of its children.
const PGID_MARKER = "__gluster_remote_pgid=";

// TERM the process group, give it 5 s, then KILL; exit 1 if anything survives.
const KILL_SCRIPT = [
    'pg="$1"',
    'kill -TERM -"$pg" 2>/dev/null || kill -TERM "$pg" 2>/dev/null',
    "i=0",
    'while kill -0 -"$pg" 2>/dev/null || kill -0 "$pg" 2>/dev/null; do',
    "  i=$((i + 1))",
    '  if [ "$i" -eq 25 ]; then kill -KILL -"$pg" 2>/dev/null; kill -KILL "$pg" 2>/dev/null; fi',
    '  if [ "$i" -ge 50 ]; then exit 1; fi',
    "  sleep 0.2",
    "done",
].join("\n");

/** A command started by SshExecutor.hold that is ready and holds what it holds until released. */
export interface HeldCommand {
    /** Closes the command's stdin and waits (bounded) for it to end. */
    release(): Promise<void>;
}

/** A remote command exited with a code its caller did not accept. */
export class RemoteCommandError extends Error {
    constructor(
        message: string,
        readonly host: string,
        /** The command line as run (secrets masked). */
        readonly command: string,
        readonly exitCode: number,
        readonly stdout: string,
        readonly stderr: string,
        readonly signal?: string,
    ) {
        super(message);
        this.name = "RemoteCommandError";
    }
}

/** A remote command outlived its timeout and was stopped. */
export class RemoteTimeoutError extends Error {
    constructor(
        message: string,
        readonly host: string,
        readonly command: string,
        readonly timeoutMs: number,
        /** False when the kill could not be confirmed (the connection was then dropped). */
        readonly processStopped: boolean,
    ) {
        super(message);
        this.name = "RemoteTimeoutError";
    }
}

/** The host presented a key other than the configured one. */
export class HostKeyMismatchError extends Error {
    constructor(
        readonly host: string,
        readonly expectedFingerprint: string,
        readonly actualFingerprint: string,
    ) {
        super(
            `${host}: host key verification failed: expected ${expectedFingerprint}, but the server presented ${actualFingerprint}; refusing to connect`,
        );
        this.name = "HostKeyMismatchError";
    }
}

/** The SSH connection could not be established or was lost mid-command. */
export class SshConnectionError extends Error {
    constructor(
        message: string,
        readonly host: string,
    ) {
        super(message);
        this.name = "SshConnectionError";
    }
}

export interface ParsedHostKey {
    algorithm: string;
    blob: Buffer;
    /** "SHA256:…" as OpenSSH prints it. */
    fingerprint: string;
}

/** Parses "ssh-ed25519 AAAA… [comment]", optionally preceded by a host field as in known_hosts. */
export function parseHostKey(line: string): ParsedHostKey {
    const fields = line.trim().split(/\s+/);
    const typeIndex = fields.findIndex((field) => /^(ssh-|ecdsa-|sk-)/.test(field));
    const algorithm = fields[typeIndex];
    const base64 = fields[typeIndex + 1];
    if (typeIndex < 0 || algorithm === undefined || base64 === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) {
        throw new Error(`hostKey must look like "ssh-ed25519 AAAA…" (as ssh-keyscan prints it), got "${line.slice(0, 40)}…"`);
    }
    const blob = Buffer.from(base64, "base64");
    if (blobAlgorithm(blob) !== algorithm) {
        throw new Error(`hostKey says ${algorithm} but its key data is of type ${blobAlgorithm(blob) ?? "unknown"}`);
    }
    return { algorithm, blob, fingerprint: fingerprint(blob) };
}

/** OpenSSH-style SHA256 fingerprint of a public key blob. */
export function fingerprint(blob: Buffer): string {
    return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/** The algorithm name stored at the start of an SSH public key blob. */
function blobAlgorithm(blob: Buffer): string | undefined {
    if (blob.length < 4) {
        return undefined;
    }
    const length = blob.readUInt32BE(0);
    return length > 0 && 4 + length <= blob.length ? blob.toString("latin1", 4, 4 + length) : undefined;
}

// ssh-rsa keys are negotiated under the SHA-2 signature names.
function hostKeyAlgorithms(algorithm: string): ServerHostKeyAlgorithm[] {
    return (algorithm === "ssh-rsa" ? ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"] : [algorithm]) as ServerHostKeyAlgorithm[];
}

/** Masks secrets in text, longest first so overlapping secrets leave nothing behind. */
class Redactor {
    private readonly secrets: string[];

    constructor(secrets: readonly string[]) {
        this.secrets = [...new Set(secrets.filter((secret) => secret.length > 0))].sort((a, b) => b.length - a.length);
    }

    with(more: readonly string[] | undefined): Redactor {
        return more && more.length > 0 ? new Redactor([...this.secrets, ...more]) : this;
    }

    apply(text: string): string {
        return this.secrets.reduce((masked, secret) => masked.split(secret).join(REDACTED), text);
    }
}

function privateKeySecrets(privateKey: string): string[] {
    // The whole key, and each body line in case only part of it ends up in a message.
    return [privateKey, ...privateKey.split(/\r?\n/).filter((line) => line.trim().length >= 16 && !line.startsWith("-----"))];
}

/** "gluster volume create" for a gluster call: the program and its leading sub-command words only. */
function commandClass(argv: readonly string[]): string {
    const words = [argv[0] ?? ""];
    for (const arg of argv.slice(1)) {
        if (arg.startsWith("-")) {
            continue;
        }
        if (!/^[a-z][a-z-]*$/.test(arg) || words.length === 3) {
            break;
        }
        words.push(arg);
    }
    return words.join(" ");
}

function abbreviate(text: string, limit: number): string {
    return text.length <= limit ? text : `${text.slice(0, limit)}…`;
}

function trimOutput(text: string): string {
    return text.length <= ERROR_OUTPUT_LIMIT ? text : `${text.slice(0, ERROR_OUTPUT_LIMIT)}\n…[${text.length - ERROR_OUTPUT_LIMIT} more characters]`;
}

function firstLines(text: string, count: number): string {
    return text
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line.length > 0)
        .slice(0, count)
        .join(" | ");
}

interface RawOutcome {
    stdout: string;
    stderr: string;
    exitCode: number | null;
    signal?: string;
    timedOut: boolean;
    processStopped: boolean;
}

interface LiveClient {
    client: Client;
    alive: boolean;
}

/** One SSH connection to one host, shared by every executor for that host, with a command queue. */
class HostConnection {
    private current: LiveClient | null = null;
    private connecting: Promise<LiveClient> | null = null;
    private queue: Promise<unknown> = Promise.resolve();
    private usedSock = false;
    private closed = false;
    private readonly expectedKey: ParsedHostKey;

    constructor(
        private readonly target: SshTarget,
        readonly label: string,
        private readonly redactor: Redactor,
    ) {
        this.expectedKey = parseHostKey(target.hostKey);
    }

    /** Runs tasks one at a time, in arrival order, whatever the previous one's outcome. */
    enqueue<T>(task: () => Promise<T>): Promise<T> {
        const run = this.queue.then(task, task);
        this.queue = run.catch(() => undefined);
        return run;
    }

    /**
     * Opens an exec channel, reconnecting once if the connection died since the
     * last command. Only a connection known dead before the request is retried,
     * so a command never runs twice.
     */
    async openExec(line: string): Promise<{ live: LiveClient } & ExecChannel> {
        let live = await this.client();
        try {
            return { live, ...(await execChannel(live, line)) };
        } catch (error) {
            if (!(error instanceof NotConnectedError)) {
                throw error;
            }
            this.log("connection lost, reconnecting");
            live = await this.client();
            return { live, ...(await execChannel(live, line)) };
        }
    }

    async close(): Promise<void> {
        this.closed = true;
        const live = this.current ?? (await this.connecting?.catch(() => null)) ?? null;
        this.current = null;
        if (live?.alive) {
            await endClient(live);
        }
    }

    drop(live: LiveClient): void {
        live.alive = false;
        live.client.destroy();
        if (this.current === live) {
            this.current = null;
        }
    }

    log(message: string): void {
        this.target.onLog?.(this.redactor.apply(`${this.label}: ${message}`));
    }

    private async client(): Promise<LiveClient> {
        if (this.closed) {
            throw new SshConnectionError(`${this.label}: the connection was closed`, this.label);
        }
        if (this.current?.alive) {
            return this.current;
        }
        this.current = null;
        this.connecting ??= this.connect().finally(() => {
            this.connecting = null;
        });
        this.current = await this.connecting;
        return this.current;
    }

    private async connect(): Promise<LiveClient> {
        const { target, label } = this;
        const port = target.port ?? DEFAULT_PORT;
        const user = target.user ?? DEFAULT_USER;
        this.log(`connecting to ${user}@${target.host}:${port}`);
        const sock = await this.socket();
        let presentedKey: Buffer | undefined;
        const config: ConnectConfig = {
            host: target.host,
            port,
            username: user,
            privateKey: target.privateKey,
            passphrase: target.passphrase,
            readyTimeout: target.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
            keepaliveInterval: 10_000,
            keepaliveCountMax: 3,
            algorithms: { serverHostKey: hostKeyAlgorithms(this.expectedKey.algorithm) },
            hostVerifier: (key: Buffer) => {
                presentedKey = key;
                return blobAlgorithm(key) === this.expectedKey.algorithm && key.equals(this.expectedKey.blob);
            },
            ...(sock ? { sock } : {}),
        };
        const client = new Client();
        const live: LiveClient = { client, alive: false };
        // Attached for the client's whole life, so a late "error" never goes unhandled.
        const markDead = () => {
            live.alive = false;
        };
        client.on("error", markDead);
        client.on("end", markDead);
        client.on("close", markDead);
        await new Promise<void>((resolve, reject) => {
            const fail = (error: Error) => {
                client.off("error", fail);
                client.off("close", closedEarly);
                client.destroy();
                if (presentedKey && !presentedKey.equals(this.expectedKey.blob)) {
                    reject(new HostKeyMismatchError(label, this.expectedKey.fingerprint, fingerprint(presentedKey)));
                } else {
                    reject(new SshConnectionError(this.redactor.apply(`${label}: cannot connect to ${user}@${target.host}:${port}: ${error.message}`), label));
                }
            };
            const closedEarly = () => fail(new Error("connection closed during the SSH handshake"));
            client.once("ready", () => {
                client.off("error", fail);
                client.off("close", closedEarly);
                live.alive = true;
                resolve();
            });
            client.on("error", fail);
            client.on("close", closedEarly);
            try {
                client.connect(config);
            } catch (error) {
                fail(error as Error);
            }
        });
        return live;
    }

    private async socket(): Promise<Duplex | undefined> {
        const { sock } = this.target;
        if (sock === undefined) {
            return undefined;
        }
        if (typeof sock === "function") {
            return sock();
        }
        if (this.usedSock) {
            throw new SshConnectionError(`${this.label}: the connection was lost and the given sock stream cannot be reused; pass a sock factory to allow reconnecting`, this.label);
        }
        this.usedSock = true;
        return sock;
    }
}

/** The socket was already gone when a channel was requested, so nothing reached the host. */
class NotConnectedError extends Error {}

/** An exec channel and how its process ended, once known. */
interface ExecChannel {
    channel: ClientChannel;
    exit: { code: number | null; signal?: string };
}

function execChannel(live: LiveClient, line: string): Promise<ExecChannel> {
    return new Promise((resolve, reject) => {
        if (!live.alive) {
            reject(new NotConnectedError("not connected"));
            return;
        }
        try {
            live.client.exec(line, (error, channel) => {
                if (error) {
                    reject(error);
                    return;
                }
                // Listen right here: ssh2 may parse the exit status from the same network read
                // that completed the exec request, before an awaiting caller gets to run.
                const exit: ExecChannel["exit"] = { code: null };
                channel.on("exit", (code: number | null, signalName?: string) => {
                    if (code !== null) {
                        exit.code = code;
                    } else if (signalName) {
                        exit.signal = signalName;
                        exit.code = 128 + (osConstants.signals[signalName as keyof typeof osConstants.signals] ?? 0);
                    }
                });
                resolve({ channel, exit });
            });
        } catch (error) {
            // ssh2 throws synchronously when the socket is already gone.
            live.alive = false;
            reject(new NotConnectedError((error as Error).message));
        }
    });
}

function endClient(live: LiveClient): Promise<void> {
    return new Promise((resolve) => {
        const timer = setTimeout(() => {
            live.client.destroy();
            resolve();
        }, CLOSE_TIMEOUT_MS);
        live.client.once("close", () => {
            clearTimeout(timer);
            resolve();
        });
        live.alive = false;
        live.client.end();
    });
}

const registry = new Map<string, HostConnection>();
const sockIds = new WeakMap<object, number>();
let nextSockId = 1;

function registryKey(target: SshTarget, hostKey: ParsedHostKey): string {
    const user = target.user ?? DEFAULT_USER;
    const port = target.port ?? DEFAULT_PORT;
    // Different credentials or tunnels must not share a connection.
    const credential = createHash("sha256").update(target.privateKey).digest("hex").slice(0, 16);
    let sockId = 0;
    if (target.sock) {
        sockId = sockIds.get(target.sock) ?? nextSockId++;
        sockIds.set(target.sock, sockId);
    }
    return `${user}@${target.host}:${port} ${hostKey.algorithm} ${hostKey.blob.toString("base64")} ${credential} ${sockId}`;
}

/**
 * Runs commands on one host. Executors for the same user@host:port, host key
 * and credentials share one connection and one command queue.
 */
export class SshExecutor {
    readonly label: string;
    private readonly key: string;
    private readonly redactor: Redactor;

    constructor(private readonly target: SshTarget) {
        if (!target.hostKey || target.hostKey.trim() === "") {
            throw new Error(`${target.host}: hostKey is required; host key verification cannot be turned off`);
        }
        this.label = target.name && target.name !== target.host ? `${target.name} (${target.host})` : target.host;
        this.redactor = new Redactor([...privateKeySecrets(target.privateKey), ...(target.passphrase ? [target.passphrase] : []), ...(target.redact ?? [])]);
        this.key = registryKey(target, parseHostKey(target.hostKey));
    }

    /** Runs argv; rejects with RemoteCommandError unless the exit code is accepted. */
    async run(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
        const result = await this.tryRun(argv, options);
        const okExitCodes = options.okExitCodes ?? [0];
        if (!okExitCodes.includes(result.exitCode)) {
            throw this.commandError(argv, result, this.redactor.with(options.redact));
        }
        return result;
    }

    /** Runs argv and resolves with its result whatever the exit code; still rejects on timeout or connection failure. */
    async tryRun(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
        const line = commandLine(argv);
        const redactor = this.redactor.with(options.redact);
        const connection = this.connection();
        return connection.enqueue(async () => {
            this.target.onLog?.(redactor.apply(`${this.label}: ${commandClass(argv)}`));
            const timeoutMs = options.timeoutMs ?? this.target.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
            const outcome = await this.execute(connection, line, options.stdin, timeoutMs);
            if (outcome.timedOut) {
                const command = redactor.apply(line);
                const fate = outcome.processStopped
                    ? "the remote process group was stopped"
                    : "stopping the remote process could not be confirmed, so the connection was dropped";
                throw new RemoteTimeoutError(
                    `${this.label}: ${abbreviate(command, MESSAGE_COMMAND_LIMIT)} timed out after ${timeoutMs} ms; ${fate}`,
                    this.label,
                    command,
                    timeoutMs,
                    outcome.processStopped,
                );
            }
            if (outcome.exitCode === null) {
                const command = abbreviate(redactor.apply(line), MESSAGE_COMMAND_LIMIT);
                throw new SshConnectionError(`${this.label}: connection lost while running ${command}; its outcome is unknown`, this.label);
            }
            return {
                stdout: outcome.stdout,
                stderr: outcome.stderr,
                exitCode: outcome.exitCode,
                ...(outcome.signal ? { signal: outcome.signal } : {}),
            };
        });
    }

    /**
     * Starts argv outside the host's command queue (other commands keep running) and resolves
     * once it prints `readyLine`: for a process that holds something (a lock) while its stdin
     * stays open. `release()` closes its stdin and waits for its end. Rejects with the
     * RemoteCommandError of its exit if it ends before it is ready, or times out after `timeoutMs`.
     */
    async hold(argv: readonly string[], readyLine: string, timeoutMs: number): Promise<HeldCommand> {
        const line = commandLine(argv);
        this.target.onLog?.(this.redactor.apply(`${this.label}: ${commandClass(argv)} (held)`));
        const { channel, exit } = await this.connection().openExec(line);
        const stdout: Buffer[] = [];
        const stderr: Buffer[] = [];
        const closed = new Promise<void>((resolve) => channel.once("close", () => resolve()));
        const ended = async (): Promise<CommandResult> => {
            await closed;
            const result = { stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8"), exitCode: exit.code ?? -1 };
            if (exit.code === null) {
                throw new SshConnectionError(`${this.label}: connection lost while running ${abbreviate(this.redactor.apply(line), MESSAGE_COMMAND_LIMIT)}`, this.label);
            }
            return result;
        };
        channel.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
        const ready = new Promise<"ready">((resolve) => {
            channel.on("data", (chunk: Buffer) => {
                stdout.push(chunk);
                if (Buffer.concat(stdout).toString("utf8").split("\n").includes(readyLine)) {
                    resolve("ready");
                }
            });
        });
        let timer: NodeJS.Timeout | undefined;
        const expired = new Promise<"expired">((resolve) => {
            timer = setTimeout(() => resolve("expired"), timeoutMs);
        });
        const first = await Promise.race([ready, closed.then(() => "closed" as const), expired]);
        clearTimeout(timer);
        if (first === "ready") {
            return {
                release: async () => {
                    channel.end();
                    const released = await Promise.race([closed.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), CLOSE_TIMEOUT_MS))]);
                    if (!released) {
                        channel.close();
                    }
                },
            };
        }
        if (first === "expired") {
            channel.close();
            throw new RemoteTimeoutError(`${this.label}: ${abbreviate(this.redactor.apply(line), MESSAGE_COMMAND_LIMIT)} was not ready within ${timeoutMs} ms; it was closed`, this.label, this.redactor.apply(line), timeoutMs, false);
        }
        throw this.commandError(argv, await ended(), this.redactor);
    }

    /** Closes this host's shared connection; a later command reconnects. */
    async close(): Promise<void> {
        const connection = registry.get(this.key);
        registry.delete(this.key);
        await connection?.close();
    }

    private connection(): HostConnection {
        let connection = registry.get(this.key);
        if (!connection) {
            connection = new HostConnection(this.target, this.label, this.redactor);
            registry.set(this.key, connection);
        }
        return connection;
    }

    private commandError(argv: readonly string[], result: CommandResult, redactor: Redactor): RemoteCommandError {
        const command = redactor.apply(commandLine(argv));
        // Mask before trimming, so a trim can never leave part of a secret behind.
        const stdout = trimOutput(redactor.apply(result.stdout));
        const stderr = trimOutput(redactor.apply(result.stderr));
        const how = result.signal ? `was killed by ${result.signal}` : `exited ${result.exitCode}`;
        const detail = firstLines(stderr, 3) || firstLines(stdout, 3);
        return new RemoteCommandError(
            `${this.label}: ${abbreviate(command, MESSAGE_COMMAND_LIMIT)} ${how}${detail ? `: ${detail}` : ""}`,
            this.label,
            command,
            result.exitCode,
            stdout,
            stderr,
            result.signal,
        );
    }

    private async execute(connection: HostConnection, line: string, stdin: string | undefined, timeoutMs: number): Promise<RawOutcome> {
        const wrapped = `printf '%s%s\\n' ${PGID_MARKER} "$$"; exec ${line}`;
        const { live, channel, exit } = await connection.openExec(wrapped);
        const stdout: Buffer[] = [];
        const stderr: Buffer[] = [];
        channel.on("data", (chunk: Buffer) => stdout.push(chunk));
        channel.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
        channel.end(stdin);

        const closed = new Promise<"closed">((resolve) => channel.once("close", () => resolve("closed")));
        let timer: NodeJS.Timeout | undefined;
        const expired = new Promise<"expired">((resolve) => {
            timer = setTimeout(() => resolve("expired"), timeoutMs);
        });
        const first = await Promise.race([closed, expired]);
        clearTimeout(timer);

        const { output: stdoutText, pgid } = splitMarker(Buffer.concat(stdout).toString("utf8"));
        const stderrText = Buffer.concat(stderr).toString("utf8");
        if (first === "closed") {
            return { stdout: stdoutText, stderr: stderrText, exitCode: exit.code, signal: exit.signal, timedOut: false, processStopped: true };
        }

        const processStopped = pgid !== null && (await this.killProcessGroup(live, pgid));
        channel.close();
        if (!processStopped) {
            // Without a confirmed kill, closing the whole connection is the last lever left.
            connection.drop(live);
        }
        return { stdout: stdoutText, stderr: stderrText, exitCode: null, timedOut: true, processStopped };
    }

    /** Runs the TERM-then-KILL script on a second channel; true when the group is gone. */
    private async killProcessGroup(live: LiveClient, pgid: number): Promise<boolean> {
        if (!live.alive) {
            return false;
        }
        let opened: ExecChannel;
        try {
            opened = await execChannel(live, commandLine(["sh", "-c", KILL_SCRIPT, "sh", String(pgid)]));
        } catch {
            return false;
        }
        const { channel, exit } = opened;
        channel.resume();
        channel.stderr.resume();
        channel.end();
        return new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => {
                channel.close();
                resolve(false);
            }, KILL_TIMEOUT_MS);
            channel.once("close", () => {
                clearTimeout(timer);
                resolve(exit.code === 0);
            });
        });
    }
}

/** Removes the PGID line (and anything a login script printed before it) from stdout. */
function splitMarker(stdout: string): { output: string; pgid: number | null } {
    const match = new RegExp(`(?:^|\\n)${PGID_MARKER}(\\d+)\\n`).exec(stdout);
    if (!match) {
        return { output: stdout, pgid: null };
    }
    return { output: stdout.slice(match.index + match[0].length), pgid: Number(match[1]) };
}

/** Closes every pooled connection so the process can exit. */
export async function closeAll(): Promise<void> {
    const connections = [...registry.values()];
    registry.clear();
    await Promise.all(connections.map((connection) => connection.close()));
}
