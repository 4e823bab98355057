// The GlusterSnapshot dynamic provider: checks the thin pools have room, then snapshot create and
// activate; delete is idempotent. Loaded by name through the shim in snapshot.ts.
import * as pulumi from "@pulumi/pulumi";
import { ClusterAccess, type ClusterTopology } from "../access";
import { inputDiff } from "../dynamic/diff";
import { GlusterError, runGluster } from "../remote";
import { snapshotActivateArgs, snapshotCreateArgs, snapshotDeleteArgs, snapshotInfoArgs, snapshotRoomProblems, type SnapshotBrick } from "./commands";
import { validateSnapshotInputs } from "./validation";

// 2: the provider in state names a registry key (1 named a compiled file), rewritten by the update.
export const SNAPSHOT_STATE_VERSION = 2;

export interface SnapshotInputs {
    topology: ClusterTopology;
    volumeName: string;
    bricks: SnapshotBrick[];
    snapshotName: string;
}

export interface SnapshotOutputs extends SnapshotInputs {
    stateVersion: number;
}

export async function check(_olds: SnapshotInputs, news: SnapshotInputs): Promise<pulumi.dynamic.CheckResult<SnapshotInputs>> {
    return { inputs: news, failures: validateSnapshotInputs(news as unknown as Record<string, unknown>) };
}

export async function diff(_id: string, olds: SnapshotOutputs, news: SnapshotInputs): Promise<pulumi.dynamic.DiffResult> {
    // A snapshot is what the volume held when it was taken: anything else is another snapshot.
    return inputDiff<SnapshotInputs>(olds, news, { replacing: ["volumeName", "snapshotName"], updatable: ["topology", "bricks"], stateVersion: SNAPSHOT_STATE_VERSION });
}

export async function create(inputs: SnapshotInputs): Promise<pulumi.dynamic.CreateResult<SnapshotOutputs>> {
    const cluster = new ClusterAccess(inputs.topology);
    const problems = snapshotRoomProblems(inputs.bricks, await cluster.logicalVolumesOf(inputs.bricks));
    if (problems.length > 0) {
        throw new Error(`snapshot '${inputs.snapshotName}' of volume '${inputs.volumeName}' refused, nothing was changed:\n${problems.map((line) => `  ${line}`).join("\n")}`);
    }
    const peer = await cluster.anyPeer(inputs.bricks.map((brick) => brick.node));
    await runGluster(peer, snapshotCreateArgs(inputs.snapshotName, inputs.volumeName), { nameHost: true });
    try {
        await runGluster(peer, snapshotActivateArgs(inputs.snapshotName), { nameHost: true });
    } catch (error) {
        await runGluster(peer, snapshotDeleteArgs(inputs.snapshotName)).catch(() => undefined);
        throw error;
    }
    void pulumi.log.info(`volume '${inputs.volumeName}': snapshot '${inputs.snapshotName}' taken and activated`);
    return { id: inputs.snapshotName, outs: { ...inputs, stateVersion: SNAPSHOT_STATE_VERSION } };
}

export async function read(id: string, props: SnapshotOutputs): Promise<pulumi.dynamic.ReadResult<SnapshotOutputs>> {
    const cluster = new ClusterAccess(props.topology);
    const peer = await cluster.anyPeer(props.bricks.map((brick) => brick.node));
    try {
        await runGluster(peer, snapshotInfoArgs(props.snapshotName), { nameHost: true });
    } catch (error) {
        if (isMissingSnapshot(error)) {
            return {};
        }
        throw error;
    }
    return { id, props: { ...props, stateVersion: SNAPSHOT_STATE_VERSION } };
}

export async function update(_id: string, _olds: SnapshotOutputs, news: SnapshotInputs): Promise<pulumi.dynamic.UpdateResult<SnapshotOutputs>> {
    return { outs: { ...news, stateVersion: SNAPSHOT_STATE_VERSION } };
}

async function remove(_id: string, props: SnapshotOutputs): Promise<void> {
    const cluster = new ClusterAccess(props.topology);
    const peer = await cluster.anyPeer(props.bricks.map((brick) => brick.node));
    try {
        await runGluster(peer, snapshotDeleteArgs(props.snapshotName), { nameHost: true });
    } catch (error) {
        if (!isMissingSnapshot(error)) {
            throw error;
        }
    }
}

// `delete` is a reserved word: export the function under the provider method's name.
export { remove as delete };

export function isMissingSnapshot(error: unknown): boolean {
    return error instanceof GlusterError && /does not exist/i.test(error.opErrstr || error.message);
}
