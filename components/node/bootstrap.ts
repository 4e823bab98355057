// GlusterBootstrap: prepares a bare storage host for a GlusterNode (see bootstrap-provider.ts),
// as gk-deploy did for its nodes. A dynamic resource over the project's own SSH executor rather
// than @pulumi/command's remote.Command, whose provider plugin cannot be had here (see README).
import * as pulumi from "@pulumi/pulumi";
import type { SshConnectionArgs } from "../access";
import { dynamicProviderShim, PROVIDER_REGISTRY, withSecretOutputs } from "../dynamic";

const bootstrapProvider = dynamicProviderShim(PROVIDER_REGISTRY, "bootstrap");

export const GLUSTER_BOOTSTRAP_TYPE = "pulumi-nodejs:dynamic/gluster/node:Bootstrap";

export interface GlusterBootstrapArgs {
    /** Short, stable name of the node, e.g. "n1". */
    readonly nodeName: pulumi.Input<string>;
    /** Address to reach the host over SSH. */
    readonly manageHost: pulumi.Input<string>;
    /** SSH access; make the private key a Pulumi secret. */
    readonly connection: pulumi.Input<SshConnectionArgs>;
}

export class GlusterBootstrap extends pulumi.dynamic.Resource {
    /** "debian" or "rhel". */
    declare readonly osFamily: pulumi.Output<string>;
    /** Packages this resource installed. */
    declare readonly installedPackages: pulumi.Output<string[]>;
    declare readonly stateVersion: pulumi.Output<number>;

    constructor(name: string, args: GlusterBootstrapArgs, opts?: pulumi.CustomResourceOptions) {
        const inputs = { ...args, connection: pulumi.secret(args.connection), osFamily: undefined, installedPackages: undefined, stateVersion: undefined };
        super(bootstrapProvider, name, inputs, withSecretOutputs(opts, "connection"), "gluster/node", "Bootstrap");
    }
}
