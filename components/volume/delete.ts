// Deleting a volume as heketi does: stop, delete, then every brick; refused while a brick host is
// unreachable, so clients keep the volume until the delete can finish.

import { ClusterAccess, describeCause } from "../access";
import { destroyBrick } from "./bricks";
import type { VolumeOutputs } from "./inputs";
import { stopAndDelete } from "./rollback";
import { settle } from "./settle";

export async function deleteVolume(cluster: ClusterAccess, props: VolumeOutputs): Promise<void> {
    const name = props.volumeName;
    const brickNodes = props.bricks.map((brick) => brick.node);
    // Stopping first would take the volume away from its clients for a delete that cannot finish.
    await cluster.requireReachable(brickNodes, `deleting volume '${name}': a host holding its bricks is not reachable`);
    // Those hosts just answered: the first is the peer, without asking it again.
    const peer = brickNodes.length > 0 ? cluster.host(brickNodes[0]) : await cluster.anyPeer();
    await stopAndDelete(peer, name);
    const failures = await settle(props.bricks.map((brick) => destroyBrick(cluster.host(brick.node), brick)));
    if (failures.length > 0) {
        throw new Error(`deleting volume '${name}': the volume is gone but some bricks could not be removed: ${failures.map((e) => describeCause(e)).join("; ")}; fix that and run again (the delete picks up where it stopped)`);
    }
}
