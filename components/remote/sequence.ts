// Several argv commands in ONE remote command, so a brick's steps cost one round trip instead of
// one each: a constant script runs them in order from its positional arguments (no value ever
// becomes script text), stops at the first failure, and reports which finished so an undo stays
// exact. Each command's own output goes to stderr, after a marker line naming its step.

import type { CommandResult } from "./executor";

const STEP_MARKER = "@@pulumi-gluster-step";

// Positional arguments: for each command, its word count, then its words. `eval` reads only the
// text `"${k}"` built here from numbers, so it expands parameters and never parses a value.
const SEQUENCE_SCRIPT = String.raw`i=0
while [ "$#" -gt 0 ]; do
  n=$1; shift; i=$((i + 1)); words=; k=1
  while [ "$k" -le "$n" ]; do words="$words \"\${$k}\""; k=$((k + 1)); done
  echo "${STEP_MARKER} $i" >&2
  eval "$words" </dev/null >&2 || exit $?
  shift "$n"
  echo "$i"
done`;

/** The argv that runs `commands` in order as one remote command. */
export function sequenceArgs(commands: ReadonlyArray<readonly string[]>): string[] {
    if (commands.length === 0) {
        throw new Error("sequence: no commands; give at least one");
    }
    const words = commands.flatMap((argv) => {
        if (argv.length === 0) {
            throw new Error("sequence: an empty command; every command needs a program");
        }
        return [String(argv.length), ...argv];
    });
    return ["sh", "-c", SEQUENCE_SCRIPT, "sh", ...words];
}

/** How a sequence ended: how many commands finished, and the failing one's result if one failed. */
export interface SequenceOutcome {
    /** Commands that finished with exit 0, counted from the first. */
    completed: number;
    /** The failing command's exit code and its own stderr (and stdout, which the script sends there). */
    failure?: CommandResult;
}

/**
 * Reads the result of a sequence of `count` commands: finished steps from stdout, the failing
 * step's output from stderr. A shell that ends badly after every command finished (a signal from
 * elsewhere) failed no command, so there is no failure to name.
 */
export function parseSequence(result: CommandResult, count: number): SequenceOutcome {
    const completed = result.stdout
        .split("\n")
        .map((line) => Number.parseInt(line, 10))
        .filter((step) => Number.isInteger(step))
        .reduce((last, step) => Math.max(last, step), 0);
    if (result.exitCode === 0 || completed >= count) {
        return { completed };
    }
    // The marker may follow output without a line end, so it is not anchored at a line start.
    const sections = result.stderr.split(new RegExp(`${STEP_MARKER} \\d+\\n`));
    const stderr = sections.length > 1 ? sections[sections.length - 1] : result.stderr;
    return { completed, failure: { stdout: "", stderr, exitCode: result.exitCode, ...(result.signal ? { signal: result.signal } : {}) } };
}
