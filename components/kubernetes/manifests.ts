// Pure builders for the Kubernetes objects that expose a gluster volume: names, the Endpoints and
// Service pair, the PersistentVolume for each mode, the pre-bound claim, and the server-version
// rule for the in-tree glusterfs plugin. No Pulumi here: the component feeds these to
// @pulumi/kubernetes, and tests compare them field by field.
import { isIP } from "node:net";
import type { ValidationFailure } from "../checks";
import { fstabEntryLine } from "../remote/fstab";
import { GiB, KiB, MiB, TiB } from "../sizes";

/** How pods reach the volume. */
export type PersistentVolumeMode = "glusterfs" | "hostMount";

export type AccessMode = "ReadWriteOnce" | "ReadOnlyMany" | "ReadWriteMany" | "ReadWriteOncePod";

export type ReclaimPolicy = "Retain" | "Delete";

/** What the PV needs to know about a gluster volume: GlusterVolume's outputs (or a stack's copy of them). */
export interface VolumeSource {
    volumeName: string;
    sizeBytes: number;
    /** "host:/volume", as the FUSE client mounts it. */
    mountSource: string;
    /** The other servers a client may fetch the volume file from. */
    backupVolfileServers: string[];
    /** The volume's bricks; their hosts become the Endpoints' addresses. */
    bricks: ReadonlyArray<{ host: string }>;
    /** Group of the brick directories, if the volume has one. */
    gid?: number;
}

/**
 * The class name PV and claim share. Not "": an empty string is dropped on the way to the server
 * (and from rendered YAML), and a claim without a class gets the cluster's default one, which no
 * longer matches the PV. No StorageClass object is needed: static binding only compares names.
 */
export const STATIC_STORAGE_CLASS = "glusterfs-static";

/** The last in-tree glusterfs plugin shipped in Kubernetes 1.25; 1.26 removed it. */
export const LAST_GLUSTERFS_MINOR = 25;

/** DNS-1123 label from a gluster volume name: lower case, '_' and other characters become '-'. */
export function kubernetesName(volumeName: string): string {
    const name = volumeName
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, "-")
        .replace(/^-+|-+$/g, "");
    return `glusterfs-${name}`.slice(0, 63).replace(/-+$/, "");
}

/**
 * One failure per volume whose Kubernetes name (kubernetesName) an earlier volume already has:
 * "Data" and "data", "a_b" and "a.b", or long names cut at the same place. Their PVs, and in one
 * namespace their Endpoints and Services, would be one object.
 */
export function kubernetesNameCollisions(volumeNames: readonly string[], property = "volumes"): ValidationFailure[] {
    const firstIndex = new Map<string, number>();
    return volumeNames.flatMap((volumeName, index) => {
        const name = kubernetesName(volumeName);
        const first = firstIndex.get(name);
        if (first === undefined) {
            firstIndex.set(name, index);
            return [];
        }
        return [{
            property: `${property}[${index}]`,
            reason: `volume '${volumeName}' and volume '${volumeNames[first]}' (${property}[${first}]) both become the Kubernetes name '${name}'; rename one of the volumes`,
        }];
    });
}

/** A byte count as the shortest exact Kubernetes quantity ("1Gi", "1536Mi", "1073741825"). */
export function quantity(bytes: number): string {
    for (const [unit, size] of [["Ti", TiB], ["Gi", GiB], ["Mi", MiB], ["Ki", KiB]] as const) {
        if (bytes >= size && bytes % size === 0) {
            return `${bytes / size}${unit}`;
        }
    }
    return String(bytes);
}

/** The distinct storage hosts of a volume's bricks, in first-seen order. */
export function storageHosts(volume: VolumeSource): string[] {
    return [...new Set(volume.bricks.map((brick) => brick.host))];
}

/**
 * Endpoints for the in-tree plugin: the storage hosts on port 1 (the plugin only reads the
 * addresses). Endpoints take IP addresses, not host names.
 */
export function glusterEndpointsSubsets(hosts: readonly string[]): Array<{ addresses: Array<{ ip: string }>; ports: Array<{ port: number; protocol: string }> }> {
    const names = hosts.filter((host) => isIP(host) === 0);
    if (names.length > 0) {
        throw new Error(
            `Endpoints need IP addresses, but the volume's storage hosts include ${names.join(", ")}; ` +
                "give the cluster nodes' storageHost as IP addresses, or use mode \"hostMount\"",
        );
    }
    if (hosts.length === 0) {
        throw new Error("the volume has no bricks, so there is no storage host to list in the Endpoints");
    }
    return [{ addresses: hosts.map((ip) => ({ ip })), ports: [{ port: 1, protocol: "TCP" }] }];
}

/** The selectorless Service that keeps the Endpoints of the same name from being garbage-collected. */
export function glusterServiceSpec(): { ports: Array<{ port: number; protocol: string; targetPort: number }> } {
    return { ports: [{ port: 1, protocol: "TCP", targetPort: 1 }] };
}

export interface PersistentVolumeSpecArgs {
    /** The gluster volume the PV serves: its name, size and bricks. */
    readonly volume: VolumeSource;
    /** "glusterfs" (the in-tree plugin) or "hostMount" (a hostPath on workers that mount it). */
    readonly mode: PersistentVolumeMode;
    /** The PV's access modes. */
    readonly accessModes: readonly AccessMode[];
    /** What Kubernetes does with the PV once its claim is gone. */
    readonly reclaimPolicy: ReclaimPolicy;
    /** glusterfs mode: the Endpoints' name. */
    readonly endpointsName: string;
    /** The namespace of the Endpoints (glusterfs mode) and of the claim. */
    readonly namespace: string;
    /** hostMount mode: where the volume is mounted on the workers. */
    readonly mountPath?: string;
    /** hostMount mode: the workers' Kubernetes node names. */
    readonly workerNodeNames?: readonly string[];
    /** The claim the PV is reserved for; undefined for none. */
    readonly claimName?: string;
}

/** The PV's spec for either mode; capacity is the volume's size. */
export function persistentVolumeSpec(args: PersistentVolumeSpecArgs): Record<string, unknown> {
    const common = {
        capacity: { storage: quantity(args.volume.sizeBytes) },
        accessModes: [...args.accessModes],
        persistentVolumeReclaimPolicy: args.reclaimPolicy,
        storageClassName: STATIC_STORAGE_CLASS,
        ...(args.claimName === undefined ? {} : { claimRef: { namespace: args.namespace, name: args.claimName } }),
    };
    if (args.mode === "glusterfs") {
        return { ...common, glusterfs: { endpoints: args.endpointsName, endpointsNamespace: args.namespace, path: args.volume.volumeName } };
    }
    if (!args.mountPath || !args.workerNodeNames || args.workerNodeNames.length === 0) {
        throw new Error("hostMount mode needs the mount path and at least one worker");
    }
    return {
        ...common,
        local: { path: args.mountPath },
        nodeAffinity: {
            required: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: [...args.workerNodeNames] }] }] },
        },
    };
}

/** The in-tree plugin runs pods' supplemental group from this annotation. */
export function persistentVolumeAnnotations(volume: VolumeSource): Record<string, string> {
    return volume.gid === undefined ? {} : { "pv.beta.kubernetes.io/gid": String(volume.gid) };
}

/** A claim pre-bound to the PV by name, asking for all of it. */
export function claimSpec(persistentVolumeName: string, volume: VolumeSource, accessModes: readonly AccessMode[]): Record<string, unknown> {
    return {
        accessModes: [...accessModes],
        storageClassName: STATIC_STORAGE_CLASS,
        volumeName: persistentVolumeName,
        resources: { requests: { storage: quantity(volume.sizeBytes) } },
    };
}

/** "v1.34.1", "1.25", "v1.27.3+k3s1" -> [1, 34]; undefined when it is not a version. */
export function parseServerVersion(version: string): [number, number] | undefined {
    const match = /^v?(\d+)\.(\d+)/.exec(version.trim());
    return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** Why `mode` cannot work on a server of `version`, or undefined when it can. */
export function modeProblem(mode: PersistentVolumeMode, version: string): string | undefined {
    const parsed = parseServerVersion(version);
    if (parsed === undefined) {
        return `kubernetesVersion '${version}' is not a version like 'v1.25.3'`;
    }
    const [major, minor] = parsed;
    if (mode === "glusterfs" && (major > 1 || minor > LAST_GLUSTERFS_MINOR)) {
        return (
            `mode "glusterfs" needs the in-tree glusterfs plugin, which Kubernetes removed in 1.26; this server is ${version}: ` +
            `pods would never mount the volume. Use mode "hostMount" (the FUSE client on the workers) instead`
        );
    }
    return undefined;
}

/** The fstab line that mounts the volume on a worker at boot, after the network. */
export function hostMountFstabLine(volume: Pick<VolumeSource, "mountSource" | "backupVolfileServers">, mountPath: string): string {
    // ',' separates mount options and ':' the servers: a server holding either would change the line's meaning.
    const misfit = volume.backupVolfileServers.find((server) => server === "" || /[,:=\s]/.test(server));
    if (misfit !== undefined) {
        throw new Error(`fstab backup-volfile-servers ${JSON.stringify(misfit)}: is not a host name or IPv4 address; list the servers by name or IPv4 address`);
    }
    const options = ["defaults", "_netdev", ...(volume.backupVolfileServers.length > 0 ? [`backup-volfile-servers=${volume.backupVolfileServers.join(":")}`] : [])];
    return fstabEntryLine({ spec: volume.mountSource, file: mountPath, vfstype: "glusterfs", mntops: options.join(","), freq: 0, passno: 0 });
}
