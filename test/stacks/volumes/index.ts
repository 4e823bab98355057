// A storage stack whose volumes come from config, so that a test or the bench can change them
// between runs as commits of a real project would. Config: `nodes` ({ name, host, zone, hostKey,
// devices }[]), `privateKeyPath`, `volumes` ({ resource, name?, size, allowDataLoss? }[], replica 3).
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { GlusterCluster, GlusterVolume } from "pulumi-gluster";

interface NodeConfig {
    name: string;
    host: string;
    zone: number;
    hostKey: string;
    devices: string[];
}

interface VolumeConfig {
    resource: string;
    name?: string;
    size: string;
    allowDataLoss?: boolean;
}

const config = new pulumi.Config();
const privateKey = pulumi.secret(readFileSync(config.require("privateKeyPath"), "utf8"));
const cluster = new GlusterCluster("store", {
    nodes: config.requireObject<NodeConfig[]>("nodes").map((node) => ({
        name: node.name,
        manageHost: node.host,
        storageHost: node.host,
        zone: node.zone,
        connection: { user: "root", privateKey, hostKey: node.hostKey },
        devices: node.devices.map((path) => ({ path })),
        bootstrap: true,
    })),
});
const volumes = config.requireObject<VolumeConfig[]>("volumes").map(
    (volume) => new GlusterVolume(volume.resource, { cluster, name: volume.name, size: volume.size, allowDataLoss: volume.allowDataLoss, durability: { type: "replicate", replica: 3 } }),
);

export const mountSources = volumes.map((volume) => volume.mountSource);
