// GlusterCluster: a gluster pool of storage nodes and their devices, declared in one place. The
// first node founds the pool, the others are probed from it, and each node's devices become
// volume groups once the node is in. Its `topology` output is what volumes consume.
import * as pulumi from "@pulumi/pulumi";
import type { ClusterTopology } from "../access";
import type { ValidationFailure } from "../checks";
import { GlusterDevice } from "../device/device";
import { GlusterBootstrap } from "../node/bootstrap";
import { GlusterNode, type PoolMemberArgs } from "../node/node";
import type { GlusterClusterArgs, GlusterClusterDeviceArgs, GlusterClusterNodeArgs } from "./args";
import { clusterArgsFromHeketiTopology, type HeketiConnectionDefaults } from "./heketi-topology";
import { formatFailures, validateClusterArgs } from "./validation";

/** Thrown at program time for arguments that cannot work, one line per field. */
export class GlusterClusterArgsError extends Error {
    constructor(clusterName: string, failures: readonly ValidationFailure[]) {
        super(`GlusterCluster "${clusterName}" has invalid arguments:\n${formatFailures(failures)}`);
        this.name = "GlusterClusterArgsError";
    }
}

export class GlusterCluster extends pulumi.ComponentResource {
    /** Everything volumes need to know about the cluster, SSH keys included: a secret. */
    readonly topology: pulumi.Output<ClusterTopology>;
    /** Node names in the order given. */
    readonly nodeNames: pulumi.Output<string[]>;
    /** glusterd's UUID per node name. */
    readonly nodeUuids: pulumi.Output<Record<string, string>>;
    /** VG name per node name and device path. */
    readonly vgNames: pulumi.Output<Record<string, Record<string, string>>>;
    readonly nodes: GlusterNode[];
    readonly devices: GlusterDevice[];

    /** A cluster of the nodes and devices in heketi's topology.json; devices adopt heketi's volume groups. */
    static fromHeketiTopology(name: string, topology: unknown, connectionDefaults: HeketiConnectionDefaults, opts?: pulumi.ComponentResourceOptions): GlusterCluster {
        return new GlusterCluster(name, clusterArgsFromHeketiTopology(topology, connectionDefaults), opts);
    }

    constructor(name: string, args: GlusterClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gluster:cluster:Cluster", name, {}, opts);
        const failures = validateClusterArgs(args);
        if (failures.length > 0) {
            throw new GlusterClusterArgsError(name, failures);
        }
        const [first, second] = args.nodes;
        const firstNode = this.node(name, first, undefined, second);
        this.nodes = [firstNode, ...args.nodes.slice(1).map((spec) => this.node(name, spec, { member: first, node: firstNode }))];
        const devicesPerNode = args.nodes.map((spec, index) => spec.devices.map((device) => this.device(name, spec, device, this.nodes[index])));
        this.devices = devicesPerNode.flat();

        this.nodeNames = pulumi.output(args.nodes.map((spec) => spec.name));
        this.nodeUuids = pulumi.all(this.nodes.map((node) => node.uuid)).apply((uuids) => Object.fromEntries(args.nodes.map((spec, index) => [spec.name, uuids[index]])));
        this.vgNames = pulumi.all(devicesPerNode.map((devices) => pulumi.all(devices.map((device) => device.vgName)))).apply((vgNames) =>
            Object.fromEntries(args.nodes.map((spec, i) => [spec.name, Object.fromEntries(spec.devices.map((device, j) => [device.path, vgNames[i][j]]))])),
        );
        this.topology = pulumi.secret(this.topologyOutput(name, args, devicesPerNode));
        this.registerOutputs({ topology: this.topology, nodeNames: this.nodeNames, nodeUuids: this.nodeUuids, vgNames: this.vgNames });
    }

    /** `detachThrough`: for the first node, the member that lets it leave should it be removed later. */
    private node(clusterName: string, spec: GlusterClusterNodeArgs, probeFrom: { member: GlusterClusterNodeArgs; node: GlusterNode } | undefined, detachThrough?: GlusterClusterNodeArgs): GlusterNode {
        const bootstrap = spec.bootstrap
            ? [new GlusterBootstrap(`${clusterName}-${spec.name}-bootstrap`, { nodeName: spec.name, manageHost: spec.manageHost, connection: spec.connection }, { parent: this })]
            : [];
        const node = new GlusterNode(
            `${clusterName}-${spec.name}`,
            {
                nodeName: spec.name,
                manageHost: spec.manageHost,
                storageHost: spec.storageHost,
                connection: spec.connection,
                probeFrom: probeFrom && poolMember(probeFrom.member),
                detachThrough: detachThrough && poolMember(detachThrough),
            },
            { parent: this, dependsOn: [...bootstrap, ...(probeFrom ? [probeFrom.node] : [])] },
        );
        return node;
    }

    private device(clusterName: string, spec: GlusterClusterNodeArgs, device: GlusterClusterDeviceArgs, node: GlusterNode): GlusterDevice {
        const resource = new GlusterDevice(
            `${clusterName}-${spec.name}-${device.path.replace(/^\/dev\//, "").replace(/\//g, "-")}`,
            {
                nodeName: spec.name,
                manageHost: spec.manageHost,
                connection: spec.connection,
                path: device.path,
                tags: device.tags,
                destroyData: device.destroyData,
                adoptVolumeGroup: device.adoptVolumeGroup,
            },
            // Devices of one node wait for it; devices of different nodes proceed in parallel.
            { parent: this, dependsOn: [node] },
        );
        return resource;
    }

    private topologyOutput(clusterName: string, args: GlusterClusterArgs, devicesPerNode: GlusterDevice[][]): pulumi.Output<ClusterTopology> {
        const unresolved = {
            zoneChecking: args.zoneChecking ?? "none",
            nodes: args.nodes.map((spec, i) => ({
                name: spec.name,
                manageHost: spec.manageHost,
                storageHost: spec.storageHost,
                zone: spec.zone,
                connection: spec.connection,
                devices: spec.devices.map((device, j) => ({ path: device.path, tags: device.tags ?? {}, state: device.state, vgName: devicesPerNode[i][j].vgName })),
            })),
        };
        return pulumi.output(unresolved).apply((resolved) => {
            // Inputs that were Outputs at construction are checked now that they are known.
            const failures = validateClusterArgs(resolved);
            if (failures.length > 0) {
                throw new GlusterClusterArgsError(clusterName, failures);
            }
            return {
                zoneChecking: resolved.zoneChecking,
                nodes: resolved.nodes.map((node) => ({
                    ...node,
                    // Only a failed device says so: an online one looks as it always did to volumes.
                    devices: node.devices.map(({ state, ...device }) => (state === "failed" ? { ...device, state } : device)),
                    connection: {
                        user: node.connection.user ?? "root",
                        port: node.connection.port ?? 22,
                        privateKey: node.connection.privateKey,
                        hostKey: node.connection.hostKey,
                    },
                })),
            };
        });
    }
}

function poolMember(spec: GlusterClusterNodeArgs): PoolMemberArgs {
    return { nodeName: spec.name, manageHost: spec.manageHost, storageHost: spec.storageHost, connection: spec.connection };
}
