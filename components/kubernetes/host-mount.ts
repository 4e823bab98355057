// GlusterHostMount: a gluster volume mounted with the FUSE client on one Kubernetes worker, with
// its fstab line, for "hostMount" PersistentVolumes. A dynamic resource over SSH; the
// implementation is in host-mount-provider.ts and state holds only the shim.
import * as pulumi from "@pulumi/pulumi";
import type { SshConnectionArgs } from "../access";
import { dynamicProviderShim, PROVIDER_REGISTRY, withSecretOutputs } from "../dynamic";

const hostMountProvider = dynamicProviderShim(PROVIDER_REGISTRY, "hostMount");

/** The engine's type token: dynamic resources live in the pulumi-nodejs package. */
export const GLUSTER_HOST_MOUNT_TYPE = "pulumi-nodejs:dynamic/gluster/kubernetes:HostMount";

export interface GlusterHostMountArgs {
    /** The worker's name, for messages (its Kubernetes node name). */
    readonly workerName: pulumi.Input<string>;
    /** Address to reach the worker over SSH. */
    readonly manageHost: pulumi.Input<string>;
    /** SSH access to the worker; make the private key a Pulumi secret. */
    readonly connection: pulumi.Input<SshConnectionArgs>;
    /** "host:/volume". */
    readonly mountSource: pulumi.Input<string>;
    /** Other servers the client may fetch the volume file from. */
    readonly backupVolfileServers: pulumi.Input<pulumi.Input<string>[]>;
    /** Absolute path to mount on, e.g. "/mnt/glusterfs/web". */
    readonly mountPath: pulumi.Input<string>;
}

export class GlusterHostMount extends pulumi.dynamic.Resource {
    declare readonly workerName: pulumi.Output<string>;
    declare readonly mountPath: pulumi.Output<string>;
    declare readonly fstabLine: pulumi.Output<string>;
    /** "mounted", or "unmounted" when refresh found it so. */
    declare readonly status: pulumi.Output<string>;
    declare readonly stateVersion: pulumi.Output<number>;

    constructor(name: string, args: GlusterHostMountArgs, opts?: pulumi.CustomResourceOptions) {
        const inputs = {
            ...args,
            // Secret as a whole: it carries the private key.
            connection: pulumi.secret(
                pulumi.output(args.connection).apply((connection) => ({ ...connection, user: connection.user ?? "root", port: connection.port ?? 22 })),
            ),
            fstabLine: undefined,
            status: undefined,
            stateVersion: undefined,
        };
        super(hostMountProvider, name, inputs, withSecretOutputs(opts, "connection"), "gluster/kubernetes", "HostMount");
    }
}
