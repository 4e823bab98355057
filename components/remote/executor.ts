// Runs argv commands on storage hosts over SSH: a few commands at once per host, as channels of
// its one verified connection, timeouts that really stop the remote process, and errors that never
// carry secrets. HostExecutor is what the resources need; SshExecutor is the real one.

import { CLOSE_TIMEOUT_MS, closeConnection, connectionKey, execChannel, sharedConnection, type ExecChannel, type HostConnection, type LiveClient, type SshTarget } from "./connection";
import { RemoteCommandError, RemoteTimeoutError, SshConnectionError } from "./errors";
import { commandLine } from "./quote";
import { privateKeySecrets, Redactor } from "./redactor";
import { sleep } from "./retry";
import { parseSequence, sequenceArgs } from "./sequence";

export interface RunOptions {
    timeoutMs?: number;
    stdin?: string;
    /** Exit codes that count as success; default [0]. */
    okExitCodes?: readonly number[];
    /** Extra strings to mask in errors for this command. */
    redact?: readonly string[];
    /**
     * Commands of one host given the same key run one after another, and wait without taking
     * one of the host's lanes: LVM changes one VG's metadata at a time anyway, so its queue
     * would otherwise hold every lane and stall the host's quick commands.
     */
    oneAtATime?: string;
    /**
     * A read whose answer callers may share: while the same command runs on this host, another
     * caller joins it instead of starting its own (ten creates at once ask each host the same
     * question; on a busy host each answer costs seconds). Never for commands that change anything.
     */
    shareInFlight?: boolean;
}

export interface CommandResult {
    stdout: string;
    stderr: string;
    /** The exit code; 128 + signal number when the process was killed by a signal. */
    exitCode: number;
    /** Signal name ("SIGTERM", "SIGKILL", …) when the process was killed by one. */
    signal?: string;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 120_000;
const KILL_TIMEOUT_MS = 20_000;
const ERROR_OUTPUT_LIMIT = 8_000;
const MESSAGE_COMMAND_LIMIT = 160;

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


/** What the resources need of a host: argv in, results out. SshExecutor is the real one; tests script a fake. */
export interface HostExecutor {
    /** "n2 (10.77.0.12)": how messages name the host. */
    readonly label: string;
    run(argv: readonly string[], options?: RunOptions): Promise<CommandResult>;
    tryRun(argv: readonly string[], options?: RunOptions): Promise<CommandResult>;
    hold(argv: readonly string[], readyLine: string, timeoutMs: number): Promise<HeldCommand>;
    /**
     * Runs the commands in order as ONE remote command, stopping at the first that fails: how many
     * finished, and the failing one's error as `run` would have thrown it. Still rejects on
     * timeout or connection failure (then which commands finished is unknown).
     */
    runSequence(commands: ReadonlyArray<readonly string[]>, options?: RunOptions): Promise<SequenceResult>;
}

export interface SequenceResult {
    /** Commands that finished, counted from the first. */
    completed: number;
    /** The failing command's error; undefined when all finished. */
    error?: RemoteCommandError;
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

export class SshExecutor implements HostExecutor {
    readonly label: string;
    private readonly key: string;
    private readonly redactor: Redactor;

    constructor(private readonly target: SshTarget) {
        if (!target.hostKey || target.hostKey.trim() === "") {
            throw new Error(`${target.host}: hostKey is required; host key verification cannot be turned off`);
        }
        this.label = target.name && target.name !== target.host ? `${target.name} (${target.host})` : target.host;
        this.redactor = new Redactor([...privateKeySecrets(target.privateKey), ...(target.passphrase ? [target.passphrase] : []), ...(target.redact ?? [])]);
        this.key = connectionKey(target);
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
        if (options.shareInFlight === true && options.stdin === undefined) {
            return this.connection().shareInFlight(commandLine(argv), () => this.execLogged(argv, commandClass(argv), options));
        }
        return this.execLogged(argv, commandClass(argv), options);
    }

    async runSequence(commands: ReadonlyArray<readonly string[]>, options: RunOptions = {}): Promise<SequenceResult> {
        const logClass = `sequence [${commands.map(commandClass).join(", ")}]`;
        const { completed, failure } = parseSequence(await this.execLogged(sequenceArgs(commands), logClass, options), commands.length);
        return failure === undefined ? { completed } : { completed, error: this.commandError(commands[completed], failure, this.redactor.with(options.redact)) };
    }

    private async execLogged(argv: readonly string[], logClass: string, options: RunOptions): Promise<CommandResult> {
        const line = commandLine(argv);
        const redactor = this.redactor.with(options.redact);
        const connection = this.connection();
        const queued = performance.now();
        return connection.enqueue(options.oneAtATime, async () => {
            const started = performance.now();
            const timeoutMs = options.timeoutMs ?? this.target.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
            const outcome = await this.execute(connection, line, options.stdin, timeoutMs);
            // For profiles (debug log, PULUMI_GLUSTER_PROFILE): what ran, how it ended, how long it ran and waited for a lane.
            const ended = outcome.timedOut ? "timed out" : outcome.exitCode === null ? "lost" : `exit ${outcome.exitCode}`;
            this.target.onLog?.(redactor.apply(`${this.label}: ${logClass}: ${ended} in ${Math.round(performance.now() - started)} ms (queued ${Math.round(started - queued)} ms)`));
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
                    const released = await Promise.race([closed.then(() => true), sleep(CLOSE_TIMEOUT_MS).then(() => false)]);
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
        await closeConnection(this.key);
    }

    private connection(): HostConnection {
        return sharedConnection(this.key, this.target, this.label, this.redactor);
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

