// GlusterPersistentVolume: a gluster volume as a Kubernetes PersistentVolume, with the claim
// pre-bound to it. "glusterfs" mode uses the in-tree plugin (Kubernetes <= 1.25) through an
// Endpoints + Service pair; "hostMount" mode mounts the volume with the FUSE client on the worker
// hosts over SSH and gives pods that path, pinned to those workers.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { SshConnectionArgs } from "../access";
import { describeFailure, validateHost, type ValidationFailure } from "../checks";
import type { GlusterVolume } from "../volume/volume";
import { GlusterHostMount } from "./host-mount";
import {
    claimSpec,
    glusterEndpointsSubsets,
    glusterServiceSpec,
    kubernetesName,
    modeProblem,
    persistentVolumeAnnotations,
    persistentVolumeSpec,
    storageHosts,
    type AccessMode,
    type PersistentVolumeMode,
    type ReclaimPolicy,
    type VolumeSource,
} from "./manifests";
import { validateDnsLabel, validateDnsSubdomain, validateHostMountPath, validateServiceName } from "./validation";

/** A Kubernetes worker that mounts the volume in hostMount mode. */
export interface GlusterWorkerArgs {
    /** The worker's Kubernetes node name (its kubernetes.io/hostname label). */
    readonly nodeName: string;
    /** Address to reach the worker over SSH. */
    readonly manageHost: pulumi.Input<string>;
    /** SSH access; make the private key a Pulumi secret. */
    readonly connection: pulumi.Input<SshConnectionArgs>;
}

export interface GlusterPersistentVolumeArgs {
    /** The volume: a GlusterVolume, or its outputs (e.g. read from the storage stack). */
    readonly volume: GlusterVolume | pulumi.Input<VolumeSource>;
    /** Namespace of the claim (and, in glusterfs mode, of the Endpoints and Service). */
    readonly namespace: pulumi.Input<string>;
    /** Default ["ReadWriteMany"]. */
    readonly accessModes?: readonly AccessMode[];
    /** Default "Retain": deleting the claim or this resource never touches the gluster volume. */
    readonly reclaimPolicy?: ReclaimPolicy;
    /** The claim pre-bound to the PV (default: named after this resource); false for none. */
    readonly claim?: { readonly name: string } | false;
    /** "glusterfs" (in-tree plugin, Kubernetes <= 1.25; the default) or "hostMount". */
    readonly mode?: PersistentVolumeMode;
    /** The PV's name; default "glusterfs-<volume name>". */
    readonly persistentVolumeName?: pulumi.Input<string>;
    /** hostMount mode: the workers that mount the volume and may run its pods. */
    readonly workers?: readonly GlusterWorkerArgs[];
    /** hostMount mode: where the workers mount it; default "/mnt/glusterfs/<volume name>". */
    readonly mountPath?: pulumi.Input<string>;
    /** The API server's version (e.g. "v1.25.3"): a mode it cannot mount fails at preview. */
    readonly kubernetesVersion?: pulumi.Input<string>;
}

export class GlusterPersistentVolume extends pulumi.ComponentResource {
    readonly persistentVolumeName: pulumi.Output<string>;
    /** undefined when `claim` is false. */
    readonly claimName: pulumi.Output<string | undefined>;
    /** glusterfs mode only. */
    readonly endpointsName: pulumi.Output<string | undefined>;
    /** glusterfs mode only. */
    readonly serviceName: pulumi.Output<string | undefined>;
    /** hostMount mode: the path mounted on every worker. */
    readonly mountPath: pulumi.Output<string | undefined>;

    constructor(name: string, args: GlusterPersistentVolumeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gluster:kubernetes:PersistentVolume", name, {}, opts);
        const mode = args.mode ?? "glusterfs";
        const accessModes = args.accessModes ?? ["ReadWriteMany"];
        const reclaimPolicy = args.reclaimPolicy ?? "Retain";
        const claimName = args.claim === false ? undefined : (args.claim?.name ?? name);
        const volume = volumeSourceOf(args.volume);
        // Names the API server would refuse stop the preview; plain values here and now.
        if (claimName !== undefined) {
            refuseFailures(name, validateDnsSubdomain(claimName, args.claim ? "claim.name" : "claim.name (default: the resource name)"));
        }
        (args.workers ?? []).forEach((worker, index) => refuseFailures(name, validateDnsSubdomain(worker.nodeName, `workers[${index}].nodeName`)));
        const namespace = checkedInput(name, args.namespace, (value) => validateDnsLabel(value, "namespace"));
        if (mode === "hostMount" && (args.workers ?? []).length === 0) {
            throw new GlusterPersistentVolumeError(name, 'workers: mode "hostMount" needs at least one worker to mount the volume');
        }
        if (mode === "glusterfs" && args.kubernetesVersion === undefined) {
            // The API server accepts such a PV on any version, so nothing else would tell.
            void pulumi.log.warn(GLUSTERFS_MODE_UNCHECKED, this);
        }
        // Every object below is built from this, so a server that cannot mount the mode stops the
        // preview, even while the volume itself is still to be created.
        const modeChecked = pulumi.output(args.kubernetesVersion).apply((version) => {
            const problem = version === undefined ? undefined : modeProblem(mode, version);
            if (problem !== undefined) {
                throw new GlusterPersistentVolumeError(name, `kubernetesVersion: ${problem}`);
            }
            return true;
        });
        const checkedVolume = pulumi.all([volume, modeChecked]).apply(([source]) => source);
        // kubernetesName always makes a valid Service name; checked so that a change to it cannot slip past preview.
        const baseName = checkedInput(name, checkedVolume.apply((source) => kubernetesName(source.volumeName)), (value) => validateServiceName(value, "Endpoints and Service name"));
        const pvName = args.persistentVolumeName ? checkedInput(name, args.persistentVolumeName, (value) => validateDnsSubdomain(value, "persistentVolumeName")) : baseName;
        const children = { parent: this };

        let endpointsName: pulumi.Output<string> | undefined;
        let serviceName: pulumi.Output<string> | undefined;
        let mountPath: pulumi.Output<string> | undefined;
        let pvDependencies: pulumi.Resource[] = [];
        if (mode === "glusterfs") {
            // Same name for both: a Service keeps its selectorless Endpoints alive.
            const endpoints = new k8s.core.v1.Endpoints(
                `${name}-endpoints`,
                { metadata: { name: baseName, namespace }, subsets: checkedVolume.apply((source) => glusterEndpointsSubsets(storageHosts(source))) },
                children,
            );
            const service = new k8s.core.v1.Service(`${name}-service`, { metadata: { name: baseName, namespace }, spec: glusterServiceSpec() }, children);
            endpointsName = endpoints.metadata.name;
            serviceName = service.metadata.name;
            pvDependencies = [endpoints, service];
        } else {
            mountPath = checkedInput(name, args.mountPath ?? checkedVolume.apply((source) => `/mnt/glusterfs/${source.volumeName}`), (value) => validateHostMountPath(value, "mountPath"));
            pvDependencies = (args.workers ?? []).map(
                (worker, index) =>
                    new GlusterHostMount(
                        `${name}-${worker.nodeName}`,
                        {
                            workerName: worker.nodeName,
                            manageHost: checkedInput(name, worker.manageHost, (value) => validateHost(value, `workers[${index}].manageHost`)),
                            connection: worker.connection,
                            mountSource: checkedVolume.mountSource,
                            backupVolfileServers: checkedVolume.backupVolfileServers,
                            mountPath: mountPath!,
                        },
                        children,
                    ),
            );
        }

        const pv = new k8s.core.v1.PersistentVolume(
            `${name}-pv`,
            {
                metadata: { name: pvName, annotations: checkedVolume.apply(persistentVolumeAnnotations) },
                spec: pulumi.all([checkedVolume, namespace, baseName, mountPath]).apply(([source, ns, endpoints, path]) =>
                    persistentVolumeSpec({
                        volume: source,
                        mode,
                        accessModes,
                        reclaimPolicy,
                        endpointsName: endpoints,
                        namespace: ns,
                        mountPath: path,
                        workerNodeNames: (args.workers ?? []).map((worker) => worker.nodeName),
                        claimName,
                    }),
                ),
            },
            { ...children, dependsOn: pvDependencies },
        );
        this.persistentVolumeName = pv.metadata.name;

        if (claimName !== undefined) {
            const claim = new k8s.core.v1.PersistentVolumeClaim(
                `${name}-claim`,
                { metadata: { name: claimName, namespace }, spec: pulumi.all([pv.metadata.name, checkedVolume]).apply(([pvName, source]) => claimSpec(pvName, source, accessModes)) },
                // A static claim cannot be resized: growth shows on the PV's capacity only.
                { ...children, ignoreChanges: ["spec.resources"] },
            );
            this.claimName = claim.metadata.name;
        } else {
            this.claimName = pulumi.output(undefined);
        }
        this.endpointsName = endpointsName ?? pulumi.output(undefined);
        this.serviceName = serviceName ?? pulumi.output(undefined);
        this.mountPath = mountPath ?? pulumi.output(undefined);
        this.registerOutputs({
            persistentVolumeName: this.persistentVolumeName,
            claimName: this.claimName,
            endpointsName: this.endpointsName,
            serviceName: this.serviceName,
            mountPath: this.mountPath,
        });
    }
}

export const GLUSTERFS_MODE_UNCHECKED =
    'mode "glusterfs" mounts only on Kubernetes <= 1.25 (1.26 removed the in-tree plugin; newer servers accept the PV but never mount it): ' +
    'set kubernetesVersion to have that checked, or use mode "hostMount"';

/** Arguments that cannot work, named by field. */
export class GlusterPersistentVolumeError extends Error {
    constructor(resourceName: string, problem: string) {
        super(`GlusterPersistentVolume "${resourceName}": ${problem}`);
        this.name = "GlusterPersistentVolumeError";
    }
}

function refuseFailures(resourceName: string, failures: readonly ValidationFailure[]): void {
    if (failures.length > 0) {
        throw new GlusterPersistentVolumeError(resourceName, failures.map(describeFailure).join("; "));
    }
}

/** `value`, checked now when it is plain and once it resolves when it is not: either way before anything is created. */
function checkedInput(resourceName: string, value: pulumi.Input<string>, validate: (value: string) => ValidationFailure[]): pulumi.Output<string> {
    const check = (plain: string): string => {
        refuseFailures(resourceName, validate(plain));
        return plain;
    };
    return typeof value === "string" ? pulumi.output(check(value)) : pulumi.output(value).apply(check);
}

function volumeSourceOf(volume: GlusterPersistentVolumeArgs["volume"]): pulumi.Output<VolumeSource> {
    if (pulumi.Resource.isInstance(volume)) {
        const resource = volume as GlusterVolume;
        return pulumi
            .all([resource.volumeName, resource.sizeBytes, resource.mountSource, resource.backupVolfileServers, resource.bricks, resource.gid])
            .apply(([volumeName, sizeBytes, mountSource, backupVolfileServers, bricks, gid]) => ({
                volumeName,
                sizeBytes,
                mountSource,
                backupVolfileServers,
                bricks: bricks.map((brick) => ({ host: brick.host })),
                ...(gid === undefined || gid === null ? {} : { gid }),
            }));
    }
    return pulumi.output(volume as pulumi.Input<VolumeSource>) as pulumi.Output<VolumeSource>;
}
