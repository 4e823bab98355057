// POSIX shell quoting. Every remote command is an argv turned into one shell
// line here, so no caller string is ever interpreted by the remote shell.

const SAFE_BARE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one argument so a POSIX shell reads it back verbatim. */
export function shellQuote(arg: string): string {
    return quoteWord(arg, false);
}

/** Joins argv into a single shell command line, quoting every word. */
export function commandLine(argv: readonly string[]): string {
    if (argv.length === 0) {
        throw new Error("cannot build a command line from an empty argv");
    }
    // A bare first word like FOO=bar would be read as a variable assignment, not a program.
    return argv.map((arg, index) => quoteWord(arg, index === 0 && arg.includes("="))).join(" ");
}

function quoteWord(arg: string, alwaysQuote: boolean): string {
    if (arg.includes("\0")) {
        throw new Error("shell argument contains a NUL byte, which no command line can carry");
    }
    if (arg === "") {
        return "''";
    }
    if (!alwaysQuote && SAFE_BARE_WORD.test(arg)) {
        return arg;
    }
    return `'${arg.replace(/'/g, `'\\''`)}'`;
}
