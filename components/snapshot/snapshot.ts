// GlusterSnapshot: a gluster snapshot of a volume (LVM thin snapshots of its bricks), activated;
// GlusterVolumeClone: a new volume made from a snapshot. Dynamic resources; the implementations
// are in provider.ts and clone-provider.ts, and state holds only the shims.
import * as pulumi from "@pulumi/pulumi";
import type { ClusterTopology } from "../access";
import { glusterNameFrom } from "../checks";
import { dynamicProviderShim, PROVIDER_REGISTRY, withSecretOutputs } from "../dynamic";
import type { GlusterVolume } from "../volume/volume";

const snapshotProvider = dynamicProviderShim(PROVIDER_REGISTRY, "snapshot");
const cloneProvider = dynamicProviderShim(PROVIDER_REGISTRY, "clone");

export interface GlusterSnapshotArgs {
    /** The volume to snapshot. */
    readonly volume: GlusterVolume;
    /** gluster snapshot name; default: the resource name with other characters (and a leading '-') turned into '_'. */
    readonly name?: pulumi.Input<string>;
}

export class GlusterSnapshot extends pulumi.dynamic.Resource {
    /** The volume's cluster, SSH keys included: a secret. */
    declare readonly topology: pulumi.Output<ClusterTopology>;
    declare readonly snapshotName: pulumi.Output<string>;
    declare readonly volumeName: pulumi.Output<string>;
    declare readonly stateVersion: pulumi.Output<number>;

    constructor(name: string, args: GlusterSnapshotArgs, opts?: pulumi.CustomResourceOptions) {
        const inputs = {
            topology: pulumi.secret(args.volume.topology),
            volumeName: args.volume.volumeName,
            bricks: args.volume.bricks.apply((bricks) => bricks.map(({ node, host, path, vgName, id }) => ({ node, host, path, vgName, id }))),
            snapshotName: args.name ?? glusterNameFrom(name),
            stateVersion: undefined,
        };
        super(snapshotProvider, name, inputs, withSecretOutputs(opts, "topology"), "gluster/snapshot", "Snapshot");
    }
}

export interface GlusterVolumeCloneArgs {
    /** The snapshot to clone. */
    readonly snapshot: GlusterSnapshot;
    /** Name of the new gluster volume. */
    readonly name: pulumi.Input<string>;
}

export class GlusterVolumeClone extends pulumi.dynamic.Resource {
    declare readonly volumeName: pulumi.Output<string>;
    declare readonly mountSource: pulumi.Output<string>;
    declare readonly backupVolfileServers: pulumi.Output<string[]>;
    declare readonly stateVersion: pulumi.Output<number>;

    constructor(name: string, args: GlusterVolumeCloneArgs, opts?: pulumi.CustomResourceOptions) {
        const inputs = {
            topology: pulumi.secret(args.snapshot.topology),
            snapshotName: args.snapshot.snapshotName,
            volumeName: args.name,
            mountSource: undefined,
            backupVolfileServers: undefined,
            stateVersion: undefined,
        };
        super(cloneProvider, name, inputs, withSecretOutputs(opts, "topology"), "gluster/snapshot", "VolumeClone");
    }
}
