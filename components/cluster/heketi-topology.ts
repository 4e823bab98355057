// heketi's topology.json (what `heketi-cli topology load` read) as GlusterCluster arguments, for
// teams moving off heketi. Node names come from the manage host names; each device adopts the
// volume group heketi made on it, so the volumes on it can be adopted in turn. Pure.
import type * as pulumi from "@pulumi/pulumi";
import type { GlusterClusterArgs, GlusterClusterNodeArgs } from "./args";

/** SSH access for every node: heketi's topology has none. */
export interface HeketiConnectionDefaults {
    /** Default "root". */
    readonly user?: pulumi.Input<string>;
    /** Default 22. */
    readonly port?: pulumi.Input<number>;
    /** One key for all nodes; make it a Pulumi secret. */
    readonly privateKey: pulumi.Input<string>;
    /** Each node's host key ("ssh-ed25519 AAAA…"), by its manage host name from the topology. */
    readonly hostKeys: Readonly<Record<string, pulumi.Input<string>>>;
}

/** heketi's `destroydata` is not carried over: wiping a disk is never implied by an imported file. */
interface HeketiDevice {
    name: string;
    tags?: Record<string, string>;
}

interface HeketiNode {
    node: { hostnames: { manage: string[]; storage: string[] }; zone?: number };
    devices?: Array<string | HeketiDevice>;
}

/** GlusterCluster arguments for every node of every cluster in the topology (a pool is one cluster here). */
export function clusterArgsFromHeketiTopology(topology: unknown, defaults: HeketiConnectionDefaults): GlusterClusterArgs {
    const clusters = (topology as { clusters?: Array<{ nodes?: HeketiNode[] }> } | null)?.clusters;
    if (!Array.isArray(clusters) || clusters.length === 0) {
        throw new Error('heketi topology: expected { "clusters": [ { "nodes": [...] } ] }');
    }
    if (clusters.length > 1) {
        throw new Error(`heketi topology: it describes ${clusters.length} clusters; split it and make one GlusterCluster each`);
    }
    const nodes = clusters[0].nodes ?? [];
    return {
        zoneChecking: "none",
        nodes: nodes.map((entry, index): GlusterClusterNodeArgs => {
            const where = `heketi topology: clusters[0].nodes[${index}]`;
            const manage = entry?.node?.hostnames?.manage?.[0];
            const storage = entry?.node?.hostnames?.storage?.[0];
            if (typeof manage !== "string" || typeof storage !== "string") {
                throw new Error(`${where}: needs node.hostnames.manage[0] and node.hostnames.storage[0]`);
            }
            const hostKey = defaults.hostKeys[manage];
            if (hostKey === undefined) {
                throw new Error(`${where}: no host key for ${manage}; add it to hostKeys (ssh-keyscan ${manage})`);
            }
            return {
                name: nodeName(manage),
                manageHost: manage,
                storageHost: storage,
                zone: entry.node.zone ?? 1,
                connection: { user: defaults.user ?? "root", port: defaults.port ?? 22, privateKey: defaults.privateKey, hostKey },
                devices: (entry.devices ?? []).map((device) => {
                    const spec: HeketiDevice = typeof device === "string" ? { name: device } : device;
                    return { path: spec.name, tags: spec.tags ?? {}, adoptVolumeGroup: true };
                }),
            };
        }),
    };
}

/** A stable node name from a host name or address: "gluster-1.example.com" -> "gluster-1", "10.0.0.11" -> "10-0-0-11". */
export function nodeName(manageHost: string): string {
    const short = /^\d+(\.\d+){3}$/.test(manageHost) || manageHost.includes(":") ? manageHost : manageHost.split(".")[0];
    return short.toLowerCase().replace(/[^a-z0-9-]/g, "-");
}
