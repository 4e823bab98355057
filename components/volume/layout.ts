// The volume's bricks as placed (ids, paths, set numbers) and the outputs derived from them. Pure.

import type { Placement } from "../placement";
import { brickId, brickPath, glusterBrickName } from "./commands";
import { VOLUME_STATE_VERSION, type VolumeBrick, type VolumeInputs, type VolumeOutputs } from "./inputs";

/** Bricks of a placement; set numbers (and so brick ids) continue from `firstSetIndex` on expansion. */
export function volumeBricks(volumeName: string, placement: Placement, firstSetIndex: number): VolumeBrick[] {
    return placement.sets.flatMap((set, offset) =>
        set.bricks.map((placed, brickIndex) => {
            const setIndex = firstSetIndex + offset;
            const location = { id: brickId(volumeName, setIndex, brickIndex), vgName: placed.deviceId };
            return {
                node: placed.node,
                host: placed.storageHost,
                path: brickPath(location),
                device: placed.devicePath,
                sizeBytes: placed.sizeBytes,
                ...location,
                poolBytes: placed.poolBytes,
                poolMetadataBytes: placed.poolMetadataBytes,
                setIndex,
                isArbiter: placed.isArbiter,
            };
        }),
    );
}

/** Brick names per set, in order (set order matters to gluster's distribution). */
export function brickSets(bricks: readonly VolumeBrick[]): string[][] {
    const sets = new Map<number, string[]>();
    for (const brick of bricks) {
        sets.set(brick.setIndex, [...(sets.get(brick.setIndex) ?? []), glusterBrickName(brick.host, brick.path)]);
    }
    return [...sets.keys()].sort((a, b) => a - b).map((index) => sets.get(index)!);
}

/** Outputs after a create or update: the first brick host serves the volfile, the others back it up. */
export function volumeOutputs(inputs: VolumeInputs, sizeBytes: number, bricks: VolumeBrick[], missingBricks: string[]): VolumeOutputs {
    const hosts = [...new Set(bricks.map((brick) => brick.host))];
    return {
        ...inputs,
        sizeBytes,
        mountSource: `${hosts[0]}:/${inputs.volumeName}`,
        backupVolfileServers: hosts.slice(1),
        bricks,
        status: "Started",
        missingBricks,
        stateVersion: VOLUME_STATE_VERSION,
    };
}
