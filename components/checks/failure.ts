// The failure every input check returns, in the shape Pulumi's CheckFailure uses.

export interface ValidationFailure {
    /** Input path, e.g. "durability.replica". */
    property: string;
    reason: string;
}

/** "durability.replica: 4 is not supported; use 1, 2 or 3" */
export function describeFailure(failure: ValidationFailure): string {
    return `${failure.property}: ${failure.reason}`;
}
