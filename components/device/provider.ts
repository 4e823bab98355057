// The GlusterDevice dynamic provider: a block device on a node turned into one LVM volume group
// for bricks. Loaded by name through the shim in device.ts, inside the dynamic provider process.
import * as pulumi from "@pulumi/pulumi";
import { connectionExecutor, parseSignatures, signatureProbeArgs, validateConnection, type SshConnection } from "../access";
import { validateHost, validateNodeName, validateOptionalBoolean, type ValidationFailure } from "../checks";
import { inputDiff, type InputDiffRules } from "../dynamic/diff";
import { lvsArgs, parseLvs, parseVgs, type HostExecutor, vgsArgs, type VolumeGroup } from "../remote";
import { formatSize } from "../sizes";
import {
    blockDeviceTestArgs,
    deviceHoldsDataMessage,
    flushDeviceArgs,
    isVgNotFound,
    parsePvReport,
    pvcreateArgs,
    pvremoveArgs,
    removeVgMountDirArgs,
    pvReportArgs,
    vgcreateArgs,
    vgNameFor,
    vgremoveArgs,
    wipeArgs,
    type PvReportRow,
} from "./commands";
import { destroyDataCarryOver, replacementBlocker } from "./guards";
import { validateDevicePath, validateTags } from "./validation";

/** Bumped whenever the shape of the outputs changes; diff turns an old version into an update. */
// 2: the provider in state names a registry key (1 named a compiled file), rewritten by the update.
export const DEVICE_STATE_VERSION = 2;

export interface DeviceInputs {
    nodeName: string;
    manageHost: string;
    connection: SshConnection;
    path: string;
    tags?: Record<string, string>;
    destroyData?: boolean;
    /** Take over the volume group already on the device (e.g. heketi's) instead of refusing it. */
    adoptVolumeGroup?: boolean;
}

export interface DeviceOutputs extends DeviceInputs {
    vgName: string;
    sizeBytes: number;
    pvUuid: string;
    stateVersion: number;
}

/** The device's identity (nodeName, path: the VG name derives from both) is replaced; the rest updates. */
export const DEVICE_DIFF_RULES: InputDiffRules<DeviceInputs> = {
    replacing: ["nodeName", "path"],
    updatable: ["manageHost", "connection", "tags", "destroyData", "adoptVolumeGroup"],
    stateVersion: DEVICE_STATE_VERSION,
};

/** `pvs` exits 5 when a named device is no PV. */
const LVM_NOT_FOUND_EXIT = 5;

export function validateDeviceInputs(inputs: Record<string, unknown>): ValidationFailure[] {
    return [
        ...validateNodeName(inputs.nodeName, "nodeName"),
        ...validateHost(inputs.manageHost, "manageHost"),
        ...validateConnection(inputs.connection, "connection"),
        ...validateDevicePath(inputs.path, "path"),
        ...validateTags(inputs.tags, "tags"),
        ...validateOptionalBoolean(inputs.destroyData, "destroyData"),
        ...validateOptionalBoolean(inputs.adoptVolumeGroup, "adoptVolumeGroup"),
    ];
}

export async function check(olds: Partial<DeviceInputs> | undefined, news: DeviceInputs): Promise<pulumi.dynamic.CheckResult<DeviceInputs>> {
    const failures = [...validateDeviceInputs(news as unknown as Record<string, unknown>), ...destroyDataCarryOver(olds?.path, news.path, news.destroyData)];
    return { inputs: news, failures };
}

export async function diff(_id: string, olds: DeviceOutputs, news: DeviceInputs): Promise<pulumi.dynamic.DiffResult> {
    // Replacing keeps deleteBeforeReplace: a new VG on the same disk needs the old one gone first.
    const planned = inputDiff<DeviceInputs>(olds, news, DEVICE_DIFF_RULES);
    if ((planned.replaces ?? []).length > 0) {
        // Preview reads the VG: a device holding bricks is never planned away.
        const host = deviceHost(olds);
        const group = await volumeGroup(host, olds.vgName);
        const volumes = group ? parseLvs((await host.run(lvsArgs([olds.vgName]))).stdout).map((lv) => lv.lvName) : [];
        const blocker = replacementBlocker(olds, planned.replaces ?? [], volumes);
        if (blocker !== undefined) {
            throw new Error(blocker);
        }
    }
    return planned;
}

export async function create(inputs: DeviceInputs): Promise<pulumi.dynamic.CreateResult<DeviceOutputs>> {
    const host = deviceHost(inputs);
    const { path } = inputs;
    const vgName = vgNameFor(inputs.nodeName, path);
    if ((await host.tryRun(blockDeviceTestArgs(path))).exitCode !== 0) {
        throw new Error(`${host.label}: ${path} is not a block device (or does not exist); check the device path`);
    }
    const pv = await physicalVolume(host, path);
    if (inputs.adoptVolumeGroup === true && pv?.vgName) {
        // heketi's VG (or another one): its bricks stay where they are, volumes can adopt them.
        return adoptedGroup(host, inputs, pv.vgName);
    }
    if (pv?.vgName !== vgName) {
        await prepareEmptyDevice(host, inputs);
        await host.run(pvcreateArgs(path));
        try {
            await host.run(vgcreateArgs(vgName, path));
        } catch (error) {
            // Leave the device as found: a PV without its VG would block the next attempt.
            await host.tryRun(pvremoveArgs(path));
            throw error;
        }
        await host.run(flushDeviceArgs(path));
    }
    const group = await volumeGroup(host, vgName);
    if (!group) {
        throw new Error(`${host.label}: volume group ${vgName} on ${path} vanished right after it was created; check 'vgs ${vgName}' on the host and run again`);
    }
    void pulumi.log.info(`${host.label}: ${path} is volume group ${vgName} (${formatSize(group.vgSize)})${pv?.vgName === vgName ? ", adopted" : ""}`);
    return { id: vgName, outs: await outputsFor(host, inputs, group) };
}

async function adoptedGroup(host: HostExecutor, inputs: DeviceInputs, vgName: string): Promise<pulumi.dynamic.CreateResult<DeviceOutputs>> {
    const group = await volumeGroup(host, vgName);
    if (!group) {
        throw new Error(`${host.label}: ${inputs.path} is a PV of volume group ${vgName}, which LVM cannot show; check the device`);
    }
    if (group.pvCount !== 1) {
        throw new Error(`${host.label}: volume group ${vgName} on ${inputs.path} spans ${group.pvCount} devices; only single-device volume groups (heketi's) can be adopted`);
    }
    void pulumi.log.info(`${host.label}: ${inputs.path} is volume group ${vgName} (${formatSize(group.vgSize)}), adopted with its ${group.lvCount} LVs`);
    return { id: vgName, outs: await outputsFor(host, inputs, group) };
}

export async function read(id: string, props: DeviceOutputs): Promise<pulumi.dynamic.ReadResult<DeviceOutputs>> {
    const host = deviceHost(props);
    const group = await volumeGroup(host, id);
    if (!group) {
        return {}; // the VG is gone: so is the device, as far as gluster is concerned
    }
    return { id, props: await outputsFor(host, props, group) };
}

export async function update(id: string, _olds: DeviceOutputs, news: DeviceInputs): Promise<pulumi.dynamic.UpdateResult<DeviceOutputs>> {
    const host = deviceHost(news);
    const group = await volumeGroup(host, id);
    if (!group) {
        throw new Error(`${host.label}: volume group ${id} of ${news.path} is gone; run 'pulumi refresh' to record that, then 'pulumi up' to recreate it`);
    }
    return { outs: await outputsFor(host, news, group) };
}

async function remove(id: string, props: DeviceOutputs): Promise<void> {
    const host = deviceHost(props);
    const group = await volumeGroup(host, id);
    if (group) {
        const volumes = parseLvs((await host.run(lvsArgs([id]))).stdout);
        if (volumes.length > 0) {
            throw new Error(
                `${host.label}: device ${props.path} (volume group ${id}) still holds logical volumes ${volumes.map((lv) => lv.lvName).join(", ")}; ` +
                    "volumes move their bricks off a device removed from (or marked state: \"failed\" in) the cluster when they are updated in the same 'pulumi up'; " +
                    "for volumes managed elsewhere (another stack), mark the device failed, update those volumes, then remove it",
            );
        }
    }
    // The PVs of the VG, found before it goes; after a vgremove by hand, a PV left on the device.
    const pvNames = (await physicalVolumes(host)).filter((pv) => (group ? pv.vgName === id : pv.pvName === props.path && pv.vgName === null)).map((pv) => pv.pvName);
    if (group) {
        await host.run(vgremoveArgs(id));
    }
    for (const pvName of pvNames) {
        await host.run(pvremoveArgs(pvName));
    }
    // Volumes remove their bricks' directories; the VG's own directory goes with the VG.
    await host.tryRun(removeVgMountDirArgs(id));
}

// `delete` is a reserved word: export the function under the provider method's name.
export { remove as delete };

function deviceHost(inputs: DeviceInputs): HostExecutor {
    return connectionExecutor(inputs.nodeName, inputs.manageHost, inputs.connection);
}

/** Refuses a device with any signature, unless destroyData allows wiping it. */
async function prepareEmptyDevice(host: HostExecutor, inputs: DeviceInputs): Promise<void> {
    const signatures = parseSignatures((await host.run(signatureProbeArgs(inputs.path))).stdout);
    if (signatures.length === 0) {
        return;
    }
    if (inputs.destroyData !== true) {
        throw new Error(deviceHoldsDataMessage(host.label, inputs.path, signatures));
    }
    await host.run(wipeArgs(inputs.path));
}

async function physicalVolume(host: HostExecutor, path: string): Promise<PvReportRow | undefined> {
    const result = await host.run(pvReportArgs(path), { okExitCodes: [0, LVM_NOT_FOUND_EXIT] });
    return parsePvReport(result.stdout)[0];
}

async function physicalVolumes(host: HostExecutor): Promise<PvReportRow[]> {
    return parsePvReport((await host.run(pvReportArgs())).stdout);
}

async function volumeGroup(host: HostExecutor, vgName: string): Promise<VolumeGroup | undefined> {
    const result = await host.tryRun(vgsArgs([vgName]));
    if (result.exitCode === LVM_NOT_FOUND_EXIT && isVgNotFound(result.stderr)) {
        return undefined;
    }
    if (result.exitCode !== 0) {
        throw new Error(`${host.label}: vgs ${vgName} exited ${result.exitCode}: ${result.stderr.trim()}; check LVM on the host and run again`);
    }
    return parseVgs(result.stdout)[0];
}

async function outputsFor(host: HostExecutor, inputs: DeviceInputs, group: VolumeGroup): Promise<DeviceOutputs> {
    const pvs = (await physicalVolumes(host)).filter((pv) => pv.vgName === group.vgName);
    const { nodeName, manageHost, connection, path, tags, destroyData, adoptVolumeGroup } = inputs;
    return {
        nodeName,
        manageHost,
        connection,
        path,
        ...(tags === undefined ? {} : { tags }),
        ...(destroyData === undefined ? {} : { destroyData }),
        ...(adoptVolumeGroup === undefined ? {} : { adoptVolumeGroup }),
        vgName: group.vgName,
        sizeBytes: group.vgSize,
        pvUuid: pvs[0]?.pvUuid ?? "",
        stateVersion: DEVICE_STATE_VERSION,
    };
}
