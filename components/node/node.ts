// GlusterNode: a storage host that is a member of a gluster pool (see provider.ts).
import * as pulumi from "@pulumi/pulumi";
import type { SshConnectionArgs } from "../access";
import { dynamicProviderShim, PROVIDER_REGISTRY, withSecretOutputs } from "../dynamic";

const nodeProvider = dynamicProviderShim(PROVIDER_REGISTRY, "node");

/** A node already in the pool. */
export interface PoolMemberArgs {
    /** The member's node name, for messages. */
    readonly nodeName: pulumi.Input<string>;
    /** Address to reach the member over SSH. */
    readonly manageHost: pulumi.Input<string>;
    /** Address gluster knows the member by. */
    readonly storageHost: pulumi.Input<string>;
    /** SSH access to the member. */
    readonly connection: pulumi.Input<SshConnectionArgs>;
}

export interface GlusterNodeArgs {
    /** Short, stable name of the node, e.g. "n1". */
    readonly nodeName: pulumi.Input<string>;
    /** Address to reach the node over SSH; a change replaces the node (detach, then probe). */
    readonly manageHost: pulumi.Input<string>;
    /** Address gluster uses for peers and bricks; a change replaces the node. */
    readonly storageHost: pulumi.Input<string>;
    /** SSH access to the node; a change (key rotation) is an update in place. */
    readonly connection: pulumi.Input<SshConnectionArgs>;
    /** The member to probe the node from; omit for the first node of a pool. */
    readonly probeFrom?: pulumi.Input<PoolMemberArgs>;
    /** First node of a pool only: a member that can detach it if it is removed while others stay. */
    readonly detachThrough?: pulumi.Input<PoolMemberArgs>;
}

/** The engine's type token: dynamic resources live in the pulumi-nodejs package. */
export const GLUSTER_NODE_TYPE = "pulumi-nodejs:dynamic/gluster/node:Node";

export class GlusterNode extends pulumi.dynamic.Resource {
    declare readonly nodeName: pulumi.Output<string>;
    declare readonly manageHost: pulumi.Output<string>;
    declare readonly storageHost: pulumi.Output<string>;
    /** glusterd's UUID for the node. */
    declare readonly uuid: pulumi.Output<string>;
    declare readonly stateVersion: pulumi.Output<number>;

    constructor(name: string, args: GlusterNodeArgs, opts?: pulumi.CustomResourceOptions) {
        // Connections carry private keys: secret as a whole, because the engine re-marks only
        // top-level properties secret on what a dynamic provider returns.
        const inputs = {
            ...args,
            connection: pulumi.secret(args.connection),
            probeFrom: args.probeFrom === undefined ? undefined : pulumi.secret(args.probeFrom),
            detachThrough: args.detachThrough === undefined ? undefined : pulumi.secret(args.detachThrough),
            uuid: undefined,
            stateVersion: undefined,
        };
        super(nodeProvider, name, inputs, withSecretOutputs(opts, "connection", "probeFrom", "detachThrough"), "gluster/node", "Node");
    }
}
