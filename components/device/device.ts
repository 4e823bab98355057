// GlusterDevice: a block device on a node holding one LVM volume group for bricks (see provider.ts).
import * as pulumi from "@pulumi/pulumi";
import type { SshConnectionArgs } from "../access";
import { dynamicProviderShim, PROVIDER_REGISTRY, withSecretOutputs } from "../dynamic";

const deviceProvider = dynamicProviderShim(PROVIDER_REGISTRY, "device");

export interface GlusterDeviceArgs {
    /** The node's name; with `path` it determines the VG name, so a change replaces the device. */
    readonly nodeName: pulumi.Input<string>;
    /** Address to reach the node over SSH. */
    readonly manageHost: pulumi.Input<string>;
    /** SSH access to the node. */
    readonly connection: pulumi.Input<SshConnectionArgs>;
    /** Absolute block device path on the node, e.g. "/dev/sdb"; a change replaces the device. */
    readonly path: pulumi.Input<string>;
    /** Free-form labels that volumes can select devices by. */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Wipe a device that holds a filesystem, partition table or other signature. Default false. */
    readonly destroyData?: pulumi.Input<boolean>;
    /** Take over the volume group already on the device (heketi's, named vg_<id>) with its bricks. Default false. */
    readonly adoptVolumeGroup?: pulumi.Input<boolean>;
}

/** The engine's type token: dynamic resources live in the pulumi-nodejs package. */
export const GLUSTER_DEVICE_TYPE = "pulumi-nodejs:dynamic/gluster/device:Device";

export class GlusterDevice extends pulumi.dynamic.Resource {
    declare readonly path: pulumi.Output<string>;
    /** The LVM volume group holding this device's bricks: "vg_<16 hex>", or the adopted one. */
    declare readonly vgName: pulumi.Output<string>;
    /** Size of the volume group in bytes. */
    declare readonly sizeBytes: pulumi.Output<number>;
    declare readonly pvUuid: pulumi.Output<string>;
    declare readonly stateVersion: pulumi.Output<number>;

    constructor(name: string, args: GlusterDeviceArgs, opts?: pulumi.CustomResourceOptions) {
        // Secret as a whole: the engine re-marks only top-level properties of provider results.
        const inputs = { ...args, connection: pulumi.secret(args.connection), vgName: undefined, sizeBytes: undefined, pvUuid: undefined, stateVersion: undefined };
        super(deviceProvider, name, inputs, withSecretOutputs(opts, "connection"), "gluster/device", "Device");
    }
}
