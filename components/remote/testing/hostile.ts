// Values an attacker or a typo might put in any input that reaches a command line, a file on a
// host or a Kubernetes object. Every validator's tests run all of them through it.

export const HOSTILE_VALUES: ReadonlyArray<readonly [label: string, value: string]> = [
    ["semicolon", ";"],
    ["command substitution", "$(id)"],
    ["backticks", "`id`"],
    ["newline", "a\nb"],
    ["leading dash", "-x"],
    ["long option", "--opt=x"],
    ["comma", ","],
    ["equals sign", "="],
    ["parent directory", ".."],
    ["accented letter", "vol\u00e9"],
    ["right-to-left override", "\u202e"],
    ["300 characters", "x".repeat(300)],
    ["empty string", ""],
];
