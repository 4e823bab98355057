// The GlusterVolumeClone dynamic provider: a new volume from a snapshot (gluster makes its bricks
// as LVM snapshots of the snapshot's), started; delete stops and deletes it. Loaded by name
// through the shim in snapshot.ts.
import * as pulumi from "@pulumi/pulumi";
import { ClusterAccess, findVolume, isMissingVolume, volumeDeleteArgs, volumeStartArgs, volumeStopArgs, type ClusterTopology } from "../access";
import { runGluster } from "../remote";
import { inputDiff } from "../dynamic/diff";
import { cloneBricksRemoveArgs, snapshotCloneArgs } from "./commands";
import { validateCloneInputs } from "./validation";

// 2: the provider in state names a registry key (1 named a compiled file), rewritten by the update.
export const CLONE_STATE_VERSION = 2;

export interface CloneInputs {
    topology: ClusterTopology;
    snapshotName: string;
    volumeName: string;
}

export interface CloneOutputs extends CloneInputs {
    /** gluster's id of the clone volume: its brick LVs and mount directories are named after it. */
    volumeId: string;
    /** Nodes holding the clone's bricks. */
    brickNodes: string[];
    mountSource: string;
    backupVolfileServers: string[];
    stateVersion: number;
}

export async function check(_olds: CloneInputs, news: CloneInputs): Promise<pulumi.dynamic.CheckResult<CloneInputs>> {
    return { inputs: news, failures: validateCloneInputs(news as unknown as Record<string, unknown>) };
}

export async function diff(_id: string, olds: CloneOutputs, news: CloneInputs): Promise<pulumi.dynamic.DiffResult> {
    return inputDiff<CloneInputs>(olds, news, { replacing: ["snapshotName", "volumeName"], updatable: ["topology"], stateVersion: CLONE_STATE_VERSION });
}

export async function create(inputs: CloneInputs): Promise<pulumi.dynamic.CreateResult<CloneOutputs>> {
    const cluster = new ClusterAccess(inputs.topology);
    const peer = await cluster.anyPeer();
    if (await findVolume(peer, inputs.volumeName)) {
        throw new Error(`clone '${inputs.volumeName}': the cluster already has a volume of that name; choose another name`);
    }
    await runGluster(peer, snapshotCloneArgs(inputs.volumeName, inputs.snapshotName), { nameHost: true });
    try {
        await runGluster(peer, volumeStartArgs(inputs.volumeName), { nameHost: true });
    } catch (error) {
        await runGluster(peer, volumeDeleteArgs(inputs.volumeName)).catch(() => undefined);
        throw error;
    }
    void pulumi.log.info(`volume '${inputs.volumeName}': cloned from snapshot '${inputs.snapshotName}' and started`);
    return { id: inputs.volumeName, outs: await outputsFor(cluster, inputs) };
}

export async function read(id: string, props: CloneOutputs): Promise<pulumi.dynamic.ReadResult<CloneOutputs>> {
    const cluster = new ClusterAccess(props.topology);
    return (await findVolume(await cluster.anyPeer(), props.volumeName)) ? { id, props: await outputsFor(cluster, props) } : {};
}

export async function update(_id: string, _olds: CloneOutputs, news: CloneInputs): Promise<pulumi.dynamic.UpdateResult<CloneOutputs>> {
    return { outs: await outputsFor(new ClusterAccess(news.topology), news) };
}

async function remove(_id: string, props: CloneOutputs): Promise<void> {
    const cluster = new ClusterAccess(props.topology);
    await cluster.requireReachable(props.brickNodes, `deleting clone '${props.volumeName}': a host holding its bricks is not reachable`);
    const peer = await cluster.anyPeer(props.brickNodes);
    for (const argv of [volumeStopArgs(props.volumeName), volumeDeleteArgs(props.volumeName)]) {
        try {
            await runGluster(peer, argv, { nameHost: true });
        } catch (error) {
            if (isMissingVolume(error)) {
                break;
            }
            if (!/not in the started state|already stopped/i.test((error as Error).message)) {
                throw error;
            }
        }
    }
    // gluster deletes the clone but leaves its bricks' LVs mounted in the origin's thin pools.
    await Promise.all(props.brickNodes.map((node) => cluster.host(node).run(cloneBricksRemoveArgs(props.volumeId))));
}

// `delete` is a reserved word: export the function under the provider method's name.
export { remove as delete };

/** Mount source from the clone's own bricks, as gluster lists them. */
async function outputsFor(cluster: ClusterAccess, inputs: CloneInputs): Promise<CloneOutputs> {
    const info = await findVolume(await cluster.anyPeer(), inputs.volumeName);
    if (!info) {
        throw new Error(`clone '${inputs.volumeName}' vanished right after it was made; check 'gluster volume info ${inputs.volumeName}' on the cluster and run again`);
    }
    const hosts = [...new Set(info.bricks.map((brick) => brick.host))];
    const brickNodes = hosts.map((host) => {
        const node = inputs.topology.nodes.find((candidate) => candidate.storageHost === host);
        if (!node) {
            throw new Error(`clone '${inputs.volumeName}' has a brick on ${host}, which is not a node of this cluster; add that node to the cluster of the snapshot's volume and run again`);
        }
        return node.name;
    });
    return {
        ...inputs,
        volumeId: info.id,
        brickNodes,
        mountSource: `${hosts[0]}:/${inputs.volumeName}`,
        backupVolfileServers: hosts.slice(1),
        stateVersion: CLONE_STATE_VERSION,
    };
}
