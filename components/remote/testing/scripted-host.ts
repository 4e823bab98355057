// A HostExecutor whose answers a test scripts, the way heketi's CommandFaker does: a rule matches
// a command line and answers with a result or an error, and every command is recorded so a test
// checks exactly which ran, in order. No sshd, no root: failure paths are cheap to cover.

import { commandLine } from "../quote";
import { RemoteCommandError } from "../errors";
import type { CommandResult, HeldCommand, HostExecutor, RunOptions, SequenceResult } from "../executor";

/** What a scripted command answers: a (partial) result, or an error to throw (a lost connection, say); a function may answer later (a command held until the test lets it end). */
export type ScriptedAnswer = Partial<CommandResult> | Error | ((line: string) => Partial<CommandResult> | Error | Promise<Partial<CommandResult> | Error>);

interface Rule {
    match: RegExp;
    answer: ScriptedAnswer;
    /** Answers left before the rule stops matching; undefined: always. */
    left?: number;
}

export class ScriptedHost implements HostExecutor {
    /** Every command line run, in order; held commands as "hold: <line>" and "release: <line>". */
    readonly commands: string[] = [];
    private readonly rules: Rule[] = [];

    constructor(readonly label: string) {}

    /**
     * Answers commands whose line matches (a string matches the line's start). The rule added last
     * wins, so a test overrides a default. Unscripted commands succeed with no output.
     */
    on(match: string | RegExp, answer: ScriptedAnswer, times?: number): this {
        const pattern = typeof match === "string" ? new RegExp(`^${match.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`) : match;
        this.rules.unshift({ match: pattern, answer, left: times });
        return this;
    }

    /** The recorded lines matching `pattern`. */
    ran(pattern: RegExp): string[] {
        return this.commands.filter((line) => pattern.test(line));
    }

    async tryRun(argv: readonly string[]): Promise<CommandResult> {
        const line = commandLine(argv);
        this.commands.push(line);
        return this.answer(line);
    }

    async run(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
        const result = await this.tryRun(argv);
        if (!(options.okExitCodes ?? [0]).includes(result.exitCode)) {
            throw this.commandError(argv, result);
        }
        return result;
    }

    /** Each command is recorded and answered on its own, as the real sequence runs them. */
    async runSequence(commands: ReadonlyArray<readonly string[]>): Promise<SequenceResult> {
        for (const [index, argv] of commands.entries()) {
            const result = await this.tryRun(argv);
            if (result.exitCode !== 0) {
                return { completed: index, error: this.commandError(argv, result) };
            }
        }
        return { completed: commands.length };
    }

    private commandError(argv: readonly string[], result: CommandResult): RemoteCommandError {
        const line = commandLine(argv);
        const detail = result.stderr.trim().split("\n")[0] ?? "";
        return new RemoteCommandError(`${this.label}: ${line} exited ${result.exitCode}${detail ? `: ${detail}` : ""}`, this.label, line, result.exitCode, result.stdout, result.stderr);
    }

    /** Held commands answer like others: an Error answer fails the hold (a lock not granted, say). */
    async hold(argv: readonly string[]): Promise<HeldCommand> {
        const line = commandLine(argv);
        this.commands.push(`hold: ${line}`);
        await this.answer(line);
        return {
            release: async () => {
                this.commands.push(`release: ${line}`);
            },
        };
    }

    private async answer(line: string): Promise<CommandResult> {
        const rule = this.rules.find((candidate) => candidate.match.test(line) && (candidate.left === undefined || candidate.left > 0));
        if (rule?.left !== undefined) {
            rule.left -= 1;
        }
        const answer = typeof rule?.answer === "function" ? await rule.answer(line) : (rule?.answer ?? {});
        if (answer instanceof Error) {
            throw answer;
        }
        return { stdout: "", stderr: "", exitCode: 0, ...answer };
    }
}
