// The lab stack, the README's main job: every node and device of the built-in lab in one
// GlusterCluster, and a volume of each kind a storage team asks for: replica 3, replica 3 with
// an arbiter, and disperse 2+1. `npm run lab:deploy` writes this stack's config from the lab's
// description; any other set of hosts works the same with its own config:
//
//   nodes:          [{ name: n1, host: 10.77.0.11, zone: 1, devices: [/dev/ubdb, /dev/ubdc] }, …]
//   privateKeyPath: the SSH key that logs in as root on every node (read here, kept secret)
//   knownHostsPath: an OpenSSH known_hosts file with every node's host key
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { GlusterCluster, GlusterVolume } from "pulumi-gluster";

interface NodeConfig {
    name: string;
    host: string;
    zone: number;
    devices: string[];
}

const config = new pulumi.Config();
const nodes = config.requireObject<NodeConfig[]>("nodes");
const privateKey = pulumi.secret(readFileSync(config.require("privateKeyPath"), "utf8"));
const knownHosts = readFileSync(config.require("knownHostsPath"), "utf8").split("\n");

/** The node's "type key" from known_hosts: host keys are always verified. */
function hostKeyOf(host: string): string {
    const entry = knownHosts.map((line) => line.trim().split(/\s+/)).find(([hosts]) => hosts?.split(",").includes(host));
    if (entry === undefined || entry.length < 3) {
        throw new Error(`lab stack: ${host} has no entry in ${config.require("knownHostsPath")}; add its host key (ssh-keyscan, checked by hand)`);
    }
    return `${entry[1]} ${entry[2]}`;
}

const cluster = new GlusterCluster("lab", {
    nodes: nodes.map((node) => ({
        name: node.name,
        manageHost: node.host,
        storageHost: node.host,
        zone: node.zone,
        connection: { user: "root", privateKey, hostKey: hostKeyOf(node.host) },
        devices: node.devices.map((path) => ({ path })),
        // Checks the packages, loads dm_thin_pool at boot and makes the brick mount root.
        bootstrap: true,
    })),
    zoneChecking: "none",
});

const volumes = {
    replica3: new GlusterVolume("replica3", { cluster, size: "1Gi", durability: { type: "replicate", replica: 3 } }),
    arbiter: new GlusterVolume("arbiter", { cluster, size: "1Gi", durability: { type: "replicate", replica: 3, arbiter: true } }),
    disperse: new GlusterVolume("disperse", { cluster, size: "2Gi", durability: { type: "disperse", data: 2, redundancy: 1 } }),
};

/** `mount -t glusterfs <source> <dir>` of each volume. */
export const mountSources = Object.fromEntries(Object.entries(volumes).map(([name, volume]) => [name, volume.mountSource]));
/** What an apps stack needs to give each volume to Kubernetes (GlusterPersistentVolume's `volume`). */
export const volumeSources = Object.fromEntries(
    Object.entries(volumes).map(([name, volume]) => [
        name,
        {
            volumeName: volume.volumeName,
            sizeBytes: volume.sizeBytes,
            mountSource: volume.mountSource,
            backupVolfileServers: volume.backupVolfileServers,
            bricks: volume.bricks.apply((bricks) => bricks.map(({ host }) => ({ host }))),
            gid: volume.gid,
        },
    ]),
);
