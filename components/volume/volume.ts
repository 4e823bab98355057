// GlusterVolume: a gluster volume with its bricks (thin LVs with XFS) on a cluster's hosts, as a
// dynamic resource. The implementation is in provider.ts; state holds only the shim.

import * as pulumi from "@pulumi/pulumi";
import type { ClusterTopology } from "../access";
import { glusterNameFrom } from "../checks";
import { dynamicProviderShim, PROVIDER_REGISTRY, withSecretOutputs } from "../dynamic";
import type { Durability } from "../placement";
import type { BrickUsage, VolumeBrick } from "./inputs";
import type { VolumePreset } from "./presets";

const volumeProvider = dynamicProviderShim(PROVIDER_REGISTRY, "volume");

/** Anything that exposes a cluster topology, such as a GlusterCluster. */
export interface ClusterWithTopology {
    topology: pulumi.Input<ClusterTopology>;
}

export interface GlusterVolumeArgs {
    /** The cluster: a GlusterCluster, or a topology (e.g. a cluster stack's output). */
    readonly cluster: pulumi.Input<ClusterTopology> | ClusterWithTopology;
    /** Usable size, e.g. "10Gi". Grows in place (new brick sets); never shrinks. */
    readonly size: pulumi.Input<string>;
    /** Changing it replaces the volume and deletes its data: refused unless allowDataLoss is set. */
    readonly durability: pulumi.Input<Durability>;
    /** gluster volume name; default: the resource name with other characters (and a leading '-') turned into '_'. Changing it replaces the volume and deletes its data: refused unless allowDataLoss is set. */
    readonly name?: pulumi.Input<string>;
    /** Brick directories get this group and the setgid bit, for pods running with this fsGroup. */
    readonly gid?: pulumi.Input<number>;
    /** gluster volume options, e.g. { "performance.cache-size": "32MB" }; they win over a preset's. */
    readonly options?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * Options for a workload, set one by one (see VOLUME_PRESETS): "db-workload" is gluster's
     * group for databases on a FUSE mount (no write-behind or client caches, strict O_DIRECT).
     */
    readonly preset?: pulumi.Input<VolumePreset>;
    /** Thin pool size as a multiple of the brick size, room for snapshots; 1..100, default 1. */
    readonly snapshotFactor?: pulumi.Input<number>;
    /**
     * Take over a volume of this name that exists on the hosts (heketi-made, or in heketi's brick
     * layout) instead of refusing it: bricks and sizes are read from the hosts, data is untouched.
     */
    readonly adopt?: pulumi.Input<boolean>;
    /**
     * Allow a plan that replaces the volume (a new name or durability, or a volume deleted by hand
     * being made again), which deletes its bricks and the data on them. Default false: such a plan
     * fails at preview, naming the input that changed.
     */
    readonly allowDataLoss?: pulumi.Input<boolean>;
}

/** The type token Pulumi gives this dynamic resource. */
const VOLUME_TYPE = "pulumi-nodejs:dynamic/gluster/volume:Volume";

export class GlusterVolume extends pulumi.dynamic.Resource {
    /** The cluster it lives on, SSH keys included: a secret. */
    declare readonly topology: pulumi.Output<ClusterTopology>;
    declare readonly volumeName: pulumi.Output<string>;
    declare readonly sizeBytes: pulumi.Output<number>;
    declare readonly mountSource: pulumi.Output<string>;
    declare readonly backupVolfileServers: pulumi.Output<string[]>;
    declare readonly bricks: pulumi.Output<VolumeBrick[]>;
    declare readonly gid: pulumi.Output<number | undefined>;
    declare readonly status: pulumi.Output<string>;
    declare readonly missingBricks: pulumi.Output<string[]>;
    /** Each mounted brick's file system use, as the last refresh saw it (empty before one). */
    declare readonly brickUsage: pulumi.Output<BrickUsage[] | undefined>;
    declare readonly stateVersion: pulumi.Output<number>;

    constructor(name: string, args: GlusterVolumeArgs, opts?: pulumi.CustomResourceOptions) {
        const inputs = {
            // Secret: it carries the nodes' SSH private keys.
            topology: pulumi.secret(topologyOf(args.cluster)),
            volumeName: args.name ?? glusterNameFrom(name),
            size: args.size,
            durability: args.durability,
            gid: args.gid,
            options: args.options ?? {},
            preset: args.preset,
            snapshotFactor: args.snapshotFactor ?? 1,
            adopt: args.adopt,
            allowDataLoss: args.allowDataLoss,
            owner: pulumi.createUrn(name, VOLUME_TYPE, opts?.parent),
            // Outputs the provider adds must be named here to appear as properties.
            sizeBytes: undefined,
            mountSource: undefined,
            backupVolfileServers: undefined,
            bricks: undefined,
            status: undefined,
            missingBricks: undefined,
            brickUsage: undefined,
            stateVersion: undefined,
        };
        super(volumeProvider, name, inputs, withSecretOutputs(opts, "topology"), "gluster/volume", "Volume");
    }
}

function topologyOf(cluster: GlusterVolumeArgs["cluster"]): pulumi.Input<ClusterTopology> {
    // A GlusterCluster is a resource, never passed as a value: take its topology output. A plain
    // topology (e.g. a cluster stack's output) has no `topology` property of its own.
    if (pulumi.Resource.isInstance(cluster) || (typeof cluster === "object" && cluster !== null && !pulumi.Output.isInstance(cluster) && "topology" in cluster)) {
        return (cluster as ClusterWithTopology).topology;
    }
    return cluster as pulumi.Input<ClusterTopology>;
}
