// What the rest of the product knows about a cluster: plain data that GlusterCluster exports as
// its `topology` output (a secret, since it carries SSH keys), and that volumes and snapshots take
// as input, from a GlusterCluster in the same program or from a cluster stack's outputs.

/** How to reach a storage host over SSH. The host key is always verified. */
export interface SshConnection {
    /** Default "root". */
    user?: string;
    /** Default 22. */
    port?: number;
    /** Private key, PEM or OpenSSH format. Kept as a Pulumi secret. */
    privateKey: string;
    /** The host's public key as ssh-keyscan prints it: "ssh-ed25519 AAAA…". */
    hostKey: string;
}

export interface ClusterDevice {
    /** Block device path on the node, e.g. "/dev/sdb". */
    path: string;
    /** The LVM volume group that holds this device's bricks: "vg_<16 hex>". */
    vgName: string;
    /** Free-form labels; volumes can ask for devices carrying some of them. */
    tags: Record<string, string>;
    /** "failed": no new bricks, and volumes move their bricks off it. Omitted means online. */
    state?: DeviceState;
}

/** A device marked "failed" (a dying disk, or one being retired) gets no bricks and is emptied. */
export type DeviceState = "online" | "failed";
export const DEVICE_STATES: readonly DeviceState[] = ["online", "failed"];

export interface ClusterNode {
    /** Short, stable name of the node, e.g. "n1". */
    name: string;
    /** Address the product connects to over SSH. */
    manageHost: string;
    /** Address gluster uses for bricks and peers. */
    storageHost: string;
    /** Failure domain, >= 1. */
    zone: number;
    connection: SshConnection;
    devices: ClusterDevice[];
}

export interface ClusterTopology {
    nodes: ClusterNode[];
    /** "strict": never two bricks of one set in one zone. */
    zoneChecking: "none" | "strict";
}
