/** Why a placement failed, for callers that react differently (e.g. retry after adding disks). */
export type PlacementFailureReason =
    | "invalid-request"
    | "invalid-topology"
    | "no-matching-devices"
    | "not-enough-nodes"
    | "not-enough-zones"
    | "below-minimum-size"
    | "too-many-bricks"
    | "no-space";

/** A volume's bricks cannot be placed; the message names the volume and what to change. */
export class PlacementError extends Error {
    constructor(
        readonly volumeName: string,
        readonly reason: PlacementFailureReason,
        detail: string,
    ) {
        super(`volume '${volumeName}': ${detail}`);
        this.name = "PlacementError";
    }
}
