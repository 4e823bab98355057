// The GlusterVolume dynamic provider's surface, loaded by the shim in volume.ts inside the provider
// process: check and diff here, each operation in its own module (create, refresh, update with
// its moves and expansion, delete). The hosts are the source of truth.

import * as pulumi from "@pulumi/pulumi";
import { ClusterAccess, type ClusterTopology } from "../access";
import { UNKNOWN } from "../checks";
import { createVolume } from "./create";
import { deleteVolume } from "./delete";
import { bricksToMove, formerNodes } from "./evacuation";
import { changedInputs, checkInputs, dataLossRefusal, missingVolumeRefusal, needsRemount, needsStart, requiresReplacement, VOLUME_MISSING, VOLUME_STATE_VERSION, type VolumeInputs, type VolumeOutputs } from "./inputs";
import { describeMove, planMoves } from "./move";
import { optionsWithPreset } from "./presets";
import { readVolume } from "./refresh";
import { updateVolume } from "./update";

export async function check(olds: Partial<VolumeInputs>, news: VolumeInputs): Promise<pulumi.dynamic.CheckResult<VolumeInputs>> {
    const previous = olds && olds.volumeName !== undefined ? olds : undefined;
    const failures = checkInputs(previous, news as unknown as Record<string, unknown>);
    // State, diff and update see the preset's options one by one, the volume's own on top.
    const expand = failures.length === 0 && news.preset !== undefined && (news.preset as unknown) !== UNKNOWN && (news.options as unknown) !== UNKNOWN;
    return { inputs: expand ? { ...news, options: optionsWithPreset(news.preset, news.options) } : news, failures };
}

export async function diff(_id: string, olds: VolumeOutputs, news: VolumeInputs): Promise<pulumi.dynamic.DiffResult> {
    const changed = changedInputs(olds, news);
    // A volume deleted by hand comes back as a new one (its old bricks removed first) only with allowDataLoss.
    const replaces = requiresReplacement(olds, news as unknown as Record<string, unknown>);
    const refusal = dataLossRefusal(olds, news, replaces);
    if (refusal !== undefined) {
        throw new Error(refusal);
    }
    if (olds.status === VOLUME_MISSING) {
        // Refresh diffs a missing volume too, so the refusal waits for the update (see update).
        if (news.allowDataLoss === true) {
            replaces.push("status");
        } else {
            void pulumi.log.warn(missingVolumeRefusal(olds));
        }
    }
    const moves = replaces.length === 0 && isKnownTopology(news.topology) ? bricksToMove(olds.bricks, news.topology) : [];
    if (moves.length > 0) {
        // Preview says where the bricks go, or why they cannot move, before anything changes.
        const cluster = new ClusterAccess(news.topology, formerNodes(olds.topology, news.topology));
        const targets = await planMoves(cluster, olds.topology, news, olds.bricks, moves);
        moves.forEach((move, index) => void pulumi.log.info(`volume '${news.volumeName}': ${describeMove(move, targets[index])}`));
    }
    return {
        changes: changed.length > 0 || moves.length > 0 || needsStart(olds) || needsRemount(olds) || olds.stateVersion !== VOLUME_STATE_VERSION,
        replaces,
        // The replacement takes the same gluster volume name and brick ids.
        deleteBeforeReplace: true,
    };
}

export async function create(inputs: VolumeInputs): Promise<pulumi.dynamic.CreateResult<VolumeOutputs>> {
    return createVolume(new ClusterAccess(inputs.topology), inputs);
}

export async function read(id: string, props: VolumeOutputs): Promise<pulumi.dynamic.ReadResult<VolumeOutputs>> {
    return readVolume(new ClusterAccess(props.topology), id, props);
}

export async function update(_id: string, olds: VolumeOutputs, news: VolumeInputs): Promise<pulumi.dynamic.UpdateResult<VolumeOutputs>> {
    if (olds.status === VOLUME_MISSING) {
        throw new Error(missingVolumeRefusal(olds));
    }
    return updateVolume(new ClusterAccess(news.topology, formerNodes(olds.topology, news.topology)), olds, news);
}

async function remove(_id: string, props: VolumeOutputs): Promise<void> {
    await deleteVolume(new ClusterAccess(props.topology), props);
}

// `delete` is a reserved word: export the function under the provider method's name.
export { remove as delete };

function isKnownTopology(topology: unknown): topology is ClusterTopology {
    return typeof topology === "object" && topology !== null && Array.isArray((topology as ClusterTopology).nodes) && !JSON.stringify(topology).includes(UNKNOWN);
}
