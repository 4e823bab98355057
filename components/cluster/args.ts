// GlusterCluster's arguments. Apart from the component (cluster.ts) because heketi's topology
// import (heketi-topology.ts) builds them too, and the component calls that import.
import type * as pulumi from "@pulumi/pulumi";
import type { DeviceState, SshConnectionArgs } from "../access";

export interface GlusterClusterDeviceArgs {
    /** Absolute block device path on the node, e.g. "/dev/sdb". Plain, because it names the resource. */
    readonly path: string;
    /** Free-form labels; volumes can ask for devices carrying some of them. */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Wipe the device if it holds a filesystem, partition table or other signature. Default false. */
    readonly destroyData?: pulumi.Input<boolean>;
    /** Take over the volume group already on the device (heketi's) with its bricks. Default false. */
    readonly adoptVolumeGroup?: pulumi.Input<boolean>;
    /** "failed": volumes move their bricks off it on their next update and get no new ones there. Default "online". */
    readonly state?: pulumi.Input<DeviceState>;
}

export interface GlusterClusterNodeArgs {
    /** Short, stable name of the node, e.g. "n1". Plain, because it names the resources. */
    readonly name: string;
    /** Address the product connects to over SSH. */
    readonly manageHost: pulumi.Input<string>;
    /** Address gluster uses for peers and bricks. */
    readonly storageHost: pulumi.Input<string>;
    /** Failure domain, a whole number >= 1. */
    readonly zone: pulumi.Input<number>;
    /** SSH access; make the private key a Pulumi secret. */
    readonly connection: pulumi.Input<SshConnectionArgs>;
    /** The node's block devices for bricks (may be empty). */
    readonly devices: readonly GlusterClusterDeviceArgs[];
    /** Prepare a bare Debian/RHEL-family host first: packages, glusterd, dm_thin_pool, mount root. Default false. */
    readonly bootstrap?: boolean;
}

export interface GlusterClusterArgs {
    /** The storage nodes; the first founds the pool and the others are probed from it. */
    readonly nodes: readonly GlusterClusterNodeArgs[];
    /** "strict": volumes never put two bricks of one set in one zone. Default "none". */
    readonly zoneChecking?: pulumi.Input<"none" | "strict">;
}
