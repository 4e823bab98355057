// Preview-time checks of the snapshot and clone providers. Names go to gluster as argv words, so
// they are held to volume names' rules; a value the engine does not know yet is checked later.
import { isUnknownInput, type ValidationFailure } from "../checks";
import { validateSnapshotName, validateVolumeName } from "../placement/validation";

export function validateSnapshotInputs(inputs: Record<string, unknown>): ValidationFailure[] {
    return [...known(inputs.snapshotName, validateSnapshotName, "snapshotName"), ...known(inputs.volumeName, validateVolumeName, "volumeName")];
}

/** A clone's `volumeName` is the new volume; `snapshotName` the snapshot it is made from. */
export function validateCloneInputs(inputs: Record<string, unknown>): ValidationFailure[] {
    return [...known(inputs.volumeName, validateVolumeName, "volumeName"), ...known(inputs.snapshotName, validateSnapshotName, "snapshotName")];
}

function known(value: unknown, validate: (value: unknown, property: string) => ValidationFailure[], property: string): ValidationFailure[] {
    return isUnknownInput(value) ? [] : validate(value, property);
}
