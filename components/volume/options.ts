// Setting a volume's options: one gluster call for all of them, so a preset's dozen options cost
// one glusterd transaction instead of a dozen.

import { glusterStep } from "../access";
import type { HostExecutor } from "../remote";
import { volumeSetCommands } from "./commands";

export async function setVolumeOptions(peer: HostExecutor, volumeName: string, options: ReadonlyArray<readonly [string, string]>): Promise<void> {
    for (const { options: names, argv } of volumeSetCommands(volumeName, options)) {
        await glusterStep(peer, `gluster volume set ${names.join(" ")}`, argv);
    }
}
