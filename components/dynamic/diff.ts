// The diff of a dynamic resource whose inputs split into those that replace it and those its
// update applies in place; an older stateVersion in state is an update too.
import type * as pulumi from "@pulumi/pulumi";

export interface InputDiffRules<Inputs> {
    replacing: ReadonlyArray<keyof Inputs>;
    updatable: ReadonlyArray<keyof Inputs>;
    stateVersion: number;
}

export function inputDiff<Inputs extends object>(
    olds: Inputs & { stateVersion?: number },
    news: Inputs,
    rules: InputDiffRules<Inputs>,
): pulumi.dynamic.DiffResult {
    const changed = (key: keyof Inputs) => JSON.stringify(olds[key]) !== JSON.stringify(news[key]);
    const replaces = rules.replacing.filter(changed).map(String);
    return {
        changes: replaces.length > 0 || rules.updatable.some(changed) || olds.stateVersion !== rules.stateVersion,
        replaces,
        deleteBeforeReplace: true,
    };
}
