// heketi's brick size generator: one set of full-size bricks first, then halve the brick
// and double the sets until a layout fits, within the brick size and count limits.

import { roundUpToExtent } from "../sizes";
import type { PlacementLimits } from "./types";

export interface BrickSizeCandidate {
    setCount: number;
    brickSizeBytes: number;
}

/** What ends the list: the next halving would go below the minimum brick or above the brick count. */
export type SizingLimit = "min-brick-size" | "max-brick-count";

export interface BrickSizeCandidates {
    candidates: BrickSizeCandidate[];
    endedBy: SizingLimit;
}

/**
 * Layouts to try, largest bricks first. Each brick holds volumeBytes / (sets × dataBricksPerSet),
 * rounded up to whole extents so the volume is never smaller than asked. Layouts whose bricks
 * exceed the maximum are skipped (more sets are needed).
 */
export function brickSizeCandidates(
    volumeBytes: number,
    bricksPerSet: number,
    dataBricksPerSet: number,
    existingBrickCount: number,
    limits: PlacementLimits,
): BrickSizeCandidates {
    const candidates: BrickSizeCandidate[] = [];
    for (let setCount = 1; ; setCount *= 2) {
        const brickSizeBytes = roundUpToExtent(Math.ceil(volumeBytes / (setCount * dataBricksPerSet)));
        if (brickSizeBytes < limits.minBrickBytes) {
            return { candidates, endedBy: "min-brick-size" };
        }
        if (existingBrickCount + setCount * bricksPerSet > limits.maxBricksPerVolume) {
            return { candidates, endedBy: "max-brick-count" };
        }
        if (brickSizeBytes <= limits.maxBrickBytes) {
            candidates.push({ setCount, brickSizeBytes });
        }
    }
}
