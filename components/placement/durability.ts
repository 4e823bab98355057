import type { Durability } from "./types";

/** Bricks in one set: the replica count (an arbiter is the 3rd), data + redundancy, or 1. */
export function bricksPerSet(durability: Durability): number {
    switch (durability.type) {
        case "replicate":
            return durability.replica;
        case "disperse":
            return durability.data + durability.redundancy;
        case "none":
            return 1;
    }
}

/** How many bricks of a set share the set's data: a replica holds it all, a disperse set splits it. */
export function dataBricksPerSet(durability: Durability): number {
    return durability.type === "disperse" ? durability.data : 1;
}

export function hasArbiter(durability: Durability): boolean {
    return durability.type === "replicate" && durability.arbiter === true;
}

/** For messages: "replicate 2", "replicate 3 with arbiter", "disperse 4+2", "no redundancy". */
export function describeDurability(durability: Durability): string {
    switch (durability.type) {
        case "replicate":
            return `replicate ${durability.replica}${durability.arbiter ? " with arbiter" : ""}`;
        case "disperse":
            return `disperse ${durability.data}+${durability.redundancy}`;
        case "none":
            return "no redundancy";
    }
}
