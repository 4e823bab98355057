// The ground floor for reaching a cluster: the topology shapes and SSH connection every resource
// shares, the executor built from them, the handle providers work through, the gluster calls on a
// whole volume that volumes and clones share, and what more than one resource relies on about a
// host (the brick mount root, what wipefs sees). Imports only the pure floors (checks, placement, remote), never a resource.
export { ClusterAccess } from "./cluster-access";
export type { SpaceClaim } from "./placement-session";
export { connectionExecutor, PROFILE_FILE_VARIABLE } from "./connection";
export { validateConnection, type SshConnectionArgs } from "./connection-args";
export { describeCause } from "./errors";
export { glusterStep, runStep, runSteps, type SequenceStep, StepError, type StepOptions } from "./steps";
export { findVolume, findVolumeAmongAll, isMissingVolume, volumeDeleteArgs, volumeStartArgs, volumeStopArgs } from "./volume-calls";
export { BRICK_MOUNT_ROOT, vgMountDir } from "./mounts";
export { parseSignatures, signatureProbeArgs, type DeviceSignature } from "./signatures";
export { DEVICE_STATES, type ClusterDevice, type ClusterNode, type ClusterTopology, type DeviceState, type SshConnection } from "./topology";
