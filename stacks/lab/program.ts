// The lab stack: every lab node and device in one GlusterCluster, and a volume of each kind a
// storage team asks for: replica 3, replica 3 with an arbiter, and disperse 2+1.
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { GlusterCluster, GlusterClusterArgs, GlusterVolume } from "../../components";
import type { Lab } from "./lab";

export function labClusterArgs(lab: Lab): GlusterClusterArgs {
    return {
        nodes: lab.nodes.map((node) => ({
            name: node.name,
            manageHost: node.host,
            storageHost: node.host,
            zone: node.zone,
            connection: {
                user: node.user,
                port: node.port,
                privateKey: pulumi.secret(readFileSync(node.privateKeyPath, "utf8")),
                hostKey: node.hostKey,
            },
            devices: node.devices.map((path) => ({ path })),
            // The lab's nodes have the packages (they run the host's own binaries) and no systemd:
            // bootstrap checks them, loads dm_thin_pool at boot and makes the brick mount root.
            bootstrap: true,
        })),
        zoneChecking: "none",
    };
}

/** Declares the lab's cluster and volumes; the stack outputs each volume's mount source. */
export function labProgram(lab: Lab): Record<string, pulumi.Output<string>> {
    const cluster = new GlusterCluster("lab", labClusterArgs(lab));
    const volumes: Record<string, GlusterVolume> = {
        replica3: new GlusterVolume("replica3", { cluster, size: "1Gi", durability: { type: "replicate", replica: 3 } }),
        arbiter: new GlusterVolume("arbiter", { cluster, size: "1Gi", durability: { type: "replicate", replica: 3, arbiter: true } }),
        disperse: new GlusterVolume("disperse", { cluster, size: "2Gi", durability: { type: "disperse", data: 2, redundancy: 1 } }),
    };
    return Object.fromEntries(Object.entries(volumes).map(([name, volume]) => [name, volume.mountSource]));
}
