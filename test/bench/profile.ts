// Where an operation's time goes on the hosts: the executor's debug lines ("n1 (10.77.0.11):
// lvcreate: exit 0 in 812 ms (queued 40 ms)", in the profile file after the time the command
// ended), summed per command class. Pure, for the bench.

/** One command class's total over an operation. */
export interface CommandCost {
    command: string;
    count: number;
    /** Seconds the commands ran, summed over hosts (they overlap in time). */
    runSeconds: number;
    /** Seconds they waited for a lane of their host's queue. */
    queuedSeconds: number;
}

const LINE = /^(?:\d{4}-\d\d-\d\dT[\d:.]+Z )?[^:]+: (.+): (?:exit -?\d+|lost|timed out) in (\d+) ms \(queued (\d+) ms\)$/;

/** The executor's lines summed per command class, costliest first. Other lines are skipped. */
export function commandCosts(lines: readonly string[]): CommandCost[] {
    const costs = new Map<string, CommandCost>();
    for (const line of lines) {
        const match = LINE.exec(line.trim());
        if (match === null) {
            continue;
        }
        const [, command, run, queued] = match;
        const cost = costs.get(command) ?? { command, count: 0, runSeconds: 0, queuedSeconds: 0 };
        cost.count += 1;
        cost.runSeconds += Number(run) / 1000;
        cost.queuedSeconds += Number(queued) / 1000;
        costs.set(command, cost);
    }
    const round = (value: number) => Math.round(value * 10) / 10;
    return [...costs.values()]
        .map((cost) => ({ ...cost, runSeconds: round(cost.runSeconds), queuedSeconds: round(cost.queuedSeconds) }))
        .sort((a, b) => b.runSeconds - a.runSeconds || a.command.localeCompare(b.command));
}
