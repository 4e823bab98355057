// One verified SSH connection per host (user, address, port, host key, credential and tunnel),
// shared by every executor of that host, with its command queue (a few commands at once as
// channels); reconnects only when the connection was known dead before a command was sent, so a
// command never runs twice.

import { createHash } from "node:crypto";
import { constants as osConstants } from "node:os";
import type { Duplex } from "node:stream";
import { Client, type ClientChannel, type ConnectConfig } from "ssh2";
import { HostKeyMismatchError, SshConnectionError } from "./errors";
import { blobAlgorithm, fingerprint, hostKeyAlgorithms, parseHostKey, type ParsedHostKey } from "./host-key";
import type { Redactor } from "./redactor";

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
    /**
     * Commands run on the host at once, as channels of the one connection; default 4 (sshd's
     * MaxSessions, 10 by default, also counts held locks). 1 runs them strictly one by one.
     */
    commandsAtOnce?: number;
    /** Progress hook: "host: command class" lines, never arguments or secrets. */
    onLog?: (message: string) => void;
}

const DEFAULT_PORT = 22;
const DEFAULT_COMMANDS_AT_ONCE = 4;
const DEFAULT_USER = "root";
const DEFAULT_CONNECT_TIMEOUT_MS = 20_000;
export const CLOSE_TIMEOUT_MS = 5_000;

export interface LiveClient {
    client: Client;
    alive: boolean;
}

/** One SSH connection to one host, shared by every executor for that host, with a command queue of a few lanes. */
export class HostConnection {
    private current: LiveClient | null = null;
    private connecting: Promise<LiveClient> | null = null;
    private running = 0;
    private readonly waiting: Array<() => void> = [];
    /** Per RunOptions.oneAtATime key: the end of the last task given that key. */
    private readonly inTurn = new Map<string, Promise<void>>();
    /** Per command line: the RunOptions.shareInFlight read running now. */
    private readonly inFlight = new Map<string, Promise<unknown>>();
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

    /**
     * Runs at most `commandsAtOnce` tasks at a time (each an SSH channel of this one connection),
     * starting them in arrival order whatever the earlier ones' outcomes. Tasks given the same
     * `oneAtATime` key also wait for each other, before they queue for a lane.
     */
    enqueue<T>(oneAtATime: string | undefined, task: () => Promise<T>): Promise<T> {
        if (oneAtATime === undefined) {
            return this.enqueueForLane(task);
        }
        const previous = this.inTurn.get(oneAtATime) ?? Promise.resolve();
        const result = previous.then(() => this.enqueueForLane(task));
        const ended = result.then(
            () => undefined,
            () => undefined,
        );
        this.inTurn.set(oneAtATime, ended);
        void ended.then(() => {
            if (this.inTurn.get(oneAtATime) === ended) {
                this.inTurn.delete(oneAtATime);
            }
        });
        return result;
    }

    /** The running task of the same `line` if there is one, else `task` started and shared until it ends. */
    shareInFlight<T>(line: string, task: () => Promise<T>): Promise<T> {
        const running = this.inFlight.get(line) as Promise<T> | undefined;
        if (running !== undefined) {
            return running;
        }
        const started = task();
        this.inFlight.set(line, started);
        const forget = () => {
            if (this.inFlight.get(line) === started) {
                this.inFlight.delete(line);
            }
        };
        started.then(forget, forget);
        return started;
    }

    private enqueueForLane<T>(task: () => Promise<T>): Promise<T> {
        return new Promise<T>((resolve, reject) => {
            const start = () => {
                this.running += 1;
                task()
                    .then(resolve, reject)
                    .finally(() => {
                        this.running -= 1;
                        this.waiting.shift()?.();
                    });
            };
            if (this.running < (this.target.commandsAtOnce ?? DEFAULT_COMMANDS_AT_ONCE)) {
                start();
            } else {
                this.waiting.push(start);
            }
        });
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
export interface ExecChannel {
    channel: ClientChannel;
    exit: { code: number | null; signal?: string };
}

export function execChannel(live: LiveClient, line: string): Promise<ExecChannel> {
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

/** Which shared connection a target uses; throws when its host key is malformed. */
export function connectionKey(target: SshTarget): string {
    return registryKey(target, parseHostKey(target.hostKey));
}

/** The shared connection under `key`, made on first use. */
export function sharedConnection(key: string, target: SshTarget, label: string, redactor: Redactor): HostConnection {
    let connection = registry.get(key);
    if (!connection) {
        connection = new HostConnection(target, label, redactor);
        registry.set(key, connection);
    }
    return connection;
}

/** Closes the shared connection under `key`, if any; a later command reconnects. */
export async function closeConnection(key: string): Promise<void> {
    const connection = registry.get(key);
    registry.delete(key);
    await connection?.close();
}

export async function closeAll(): Promise<void> {
    const connections = [...registry.values()];
    registry.clear();
    await Promise.all(connections.map((connection) => connection.close()));
}
