// The package's public API: what programs import from "pulumi-gluster". Builders, parsers and
// provider implementations stay internal (the project's tests import them from their folders).

// Resources and their arguments.
export { GlusterCluster, GlusterClusterArgsError } from "./cluster/cluster";
export type { GlusterClusterArgs, GlusterClusterDeviceArgs, GlusterClusterNodeArgs } from "./cluster/args";
export type { HeketiConnectionDefaults } from "./cluster/heketi-topology";
export type { ClusterDevice, ClusterNode, ClusterTopology, DeviceState, SshConnection, SshConnectionArgs } from "./access";
export { GlusterNode, GLUSTER_NODE_TYPE, type GlusterNodeArgs, type PoolMemberArgs } from "./node/node";
export { GlusterBootstrap, GLUSTER_BOOTSTRAP_TYPE, type GlusterBootstrapArgs } from "./node/bootstrap";
export { GlusterDevice, GLUSTER_DEVICE_TYPE, type GlusterDeviceArgs } from "./device/device";
export { GlusterVolume, type ClusterWithTopology, type GlusterVolumeArgs } from "./volume/volume";
export type { BrickUsage, VolumeBrick } from "./volume/inputs";
export { VOLUME_PRESETS, type VolumePreset } from "./volume/presets";
export type { Durability, ZoneChecking } from "./placement/types";
export { GlusterSnapshot, GlusterVolumeClone, type GlusterSnapshotArgs, type GlusterVolumeCloneArgs } from "./snapshot/snapshot";
export {
    GlusterPersistentVolume,
    GlusterPersistentVolumeError,
    GLUSTERFS_MODE_UNCHECKED,
    type GlusterPersistentVolumeArgs,
    type GlusterWorkerArgs,
} from "./kubernetes/persistent-volume";
export { GlusterHostMount, GLUSTER_HOST_MOUNT_TYPE, type GlusterHostMountArgs } from "./kubernetes/host-mount";
export { kubernetesNameCollisions, type AccessMode, type PersistentVolumeMode, type ReclaimPolicy, type VolumeSource } from "./kubernetes/manifests";

// Errors a program or its provider calls may raise.
export { PlacementError, type PlacementFailureReason } from "./placement/errors";
export { HostKeyMismatchError, RemoteCommandError, RemoteTimeoutError, SshConnectionError } from "./remote/errors";

/** Closes the SSH connections this process opened (a program that made none need not call it). */
export { closeAll } from "./remote/connection";
