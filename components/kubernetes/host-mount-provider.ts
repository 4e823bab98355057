// The GlusterHostMount dynamic provider: mounts a gluster volume on a worker with the FUSE client
// and an fstab line (so it comes back after a reboot), and removes both on delete. Loaded by name
// through the shim in host-mount.ts, inside the dynamic provider process.
import * as pulumi from "@pulumi/pulumi";
import { connectionExecutor, validateConnection, type SshConnection } from "../access";
import { isUnknownInput, validateHost, validateNodeName, type ValidationFailure } from "../checks";
import { inputDiff } from "../dynamic/diff";
import {
    FSTAB_SYNC_ARGS,
    fstabAddLineArgs,
    fstabLinesForMountArgs,
    fstabRemoveMountArgs,
    fstabReplaceMountArgs,
    makeDirectoryArgs,
    mountFromFstabArgs,
    mountpointArgs,
    removeEmptyDirectoryArgs,
    type HostExecutor,
    unmountArgs,
} from "../remote";
import { hostMountFstabLine } from "./manifests";
import { validateHostMountPath } from "./validation";

// 2: the provider in state names a registry key (1 named a compiled file), rewritten by the update.
export const HOST_MOUNT_STATE_VERSION = 2;

export interface HostMountInputs {
    workerName: string;
    manageHost: string;
    connection: SshConnection;
    mountSource: string;
    backupVolfileServers: string[];
    mountPath: string;
}

export interface HostMountOutputs extends HostMountInputs {
    fstabLine: string;
    status: "mounted" | "unmounted";
    stateVersion: number;
}

/** Another worker or place is another mount: unmount the old one first. */
const REPLACING_INPUTS = ["manageHost", "mountPath"] as const;
/**
 * New volfile servers for the same volume (its bricks moved off a node) only rewrite the fstab
 * line: the live mount talks to the bricks, not to the server it was mounted from.
 */
const UPDATABLE_INPUTS = ["workerName", "connection", "mountSource", "backupVolfileServers"] as const;

export function validateHostMountInputs(inputs: Record<string, unknown>): ValidationFailure[] {
    const failures = [
        ...validateNodeName(inputs.workerName, "workerName"),
        ...validateHost(inputs.manageHost, "manageHost"),
        ...validateConnection(inputs.connection, "connection"),
    ];
    const { mountSource, mountPath, backupVolfileServers } = inputs;
    // Unknown at preview when the volume is made in the same program.
    if (mountSource !== undefined && !isUnknownInput(mountSource) && typeof mountSource === "string" && !/^[A-Za-z0-9.:[\]-]+:\/[A-Za-z0-9_-]+$/.test(mountSource)) {
        failures.push({ property: "mountSource", reason: `'${mountSource}' is not a gluster mount source like 'host:/volume'` });
    }
    failures.push(...validateHostMountPath(mountPath, "mountPath"));
    if (Array.isArray(backupVolfileServers)) {
        backupVolfileServers.forEach((server, index) => failures.push(...validateBackupVolfileServer(server, `backupVolfileServers[${index}]`)));
    }
    return failures;
}

/** A host for the fstab option backup-volfile-servers, whose list mount.glusterfs splits at ':'. */
function validateBackupVolfileServer(server: unknown, property: string): ValidationFailure[] {
    const failures = validateHost(server, property);
    if (failures.length === 0 && typeof server === "string" && server.includes(":")) {
        return [{ property, reason: `${JSON.stringify(server)} is an IPv6 address, which backup-volfile-servers cannot list (mount.glusterfs splits it at ':'); give the storage hosts as names or IPv4 addresses` }];
    }
    return failures;
}

export async function check(_olds: HostMountInputs, news: HostMountInputs): Promise<pulumi.dynamic.CheckResult<HostMountInputs>> {
    return { inputs: news, failures: validateHostMountInputs(news as unknown as Record<string, unknown>) };
}

export async function diff(_id: string, olds: HostMountOutputs, news: HostMountInputs): Promise<pulumi.dynamic.DiffResult> {
    const planned = inputDiff<HostMountInputs>(olds, news, { replacing: REPLACING_INPUTS, updatable: UPDATABLE_INPUTS, stateVersion: HOST_MOUNT_STATE_VERSION });
    // Another volume is another mount.
    const replaces = volumeOf(olds.mountSource) === volumeOf(news.mountSource) ? planned.replaces : [...(planned.replaces ?? []), "mountSource"];
    // Found unmounted by refresh: the update mounts it again.
    return { ...planned, replaces, changes: planned.changes || olds.status === "unmounted" };
}

export async function create(inputs: HostMountInputs): Promise<pulumi.dynamic.CreateResult<HostMountOutputs>> {
    const host = workerHost(inputs);
    const line = hostMountFstabLine(inputs, inputs.mountPath);
    if ((await host.tryRun(["test", "-x", "/sbin/mount.glusterfs"])).exitCode !== 0) {
        throw new Error(`${host.label}: the glusterfs FUSE client is not installed (no /sbin/mount.glusterfs); install the glusterfs-client package on the worker`);
    }
    const existing = await fstabLines(host, inputs.mountPath);
    if (existing.some((entry) => entry !== line)) {
        throw new Error(`${host.label}: /etc/fstab already mounts something else on ${inputs.mountPath} (${existing.join("; ")}); choose another mountPath or remove that line`);
    }
    const made = { dir: false, fstab: false };
    try {
        if ((await host.tryRun(["test", "-d", inputs.mountPath])).exitCode !== 0) {
            await host.run(makeDirectoryArgs(inputs.mountPath));
            made.dir = true;
        }
        await host.run(fstabAddLineArgs(line));
        made.fstab = existing.length === 0;
        if (!(await isMounted(host, inputs.mountPath))) {
            void pulumi.log.info(`${host.label}: mounting ${inputs.mountSource} on ${inputs.mountPath}`);
            await host.run(mountFromFstabArgs(inputs.mountPath), { timeoutMs: 120_000 });
        }
        await host.run([...FSTAB_SYNC_ARGS]);
    } catch (error) {
        // Leave the worker as found.
        if (made.fstab) {
            await host.tryRun(fstabRemoveMountArgs(inputs.mountPath));
        }
        if (made.dir) {
            await host.tryRun(removeEmptyDirectoryArgs(inputs.mountPath));
        }
        throw new Error(`${host.label}: mounting ${inputs.mountSource} on ${inputs.mountPath} failed: ${(error as Error).message}; check that the worker reaches the storage hosts and the volume is started, then run again`);
    }
    return { id: `${inputs.workerName}:${inputs.mountPath}`, outs: outputsFor(inputs, "mounted") };
}

export async function read(id: string, props: HostMountOutputs): Promise<pulumi.dynamic.ReadResult<HostMountOutputs>> {
    const host = workerHost(props);
    const lines = await fstabLines(host, props.mountPath);
    if (!lines.includes(props.fstabLine)) {
        return {}; // the fstab line is gone: the mount is, as far as this resource goes
    }
    return { id, props: outputsFor(props, (await isMounted(host, props.mountPath)) ? "mounted" : "unmounted") };
}

export async function update(_id: string, olds: HostMountOutputs, news: HostMountInputs): Promise<pulumi.dynamic.UpdateResult<HostMountOutputs>> {
    const host = workerHost(news);
    const line = hostMountFstabLine(news, news.mountPath);
    if (line !== olds.fstabLine) {
        // Same volume, other servers: the next mount (a reboot) uses them; the live one is left alone.
        await host.run(fstabReplaceMountArgs(news.mountPath, line));
        await host.run([...FSTAB_SYNC_ARGS]);
        void pulumi.log.info(`${host.label}: fstab line for ${news.mountPath} now mounts ${news.mountSource} (backup servers ${news.backupVolfileServers.join(", ") || "none"})`);
    }
    // Also the repair after refresh found the volume unmounted: the fstab line mounts it again.
    if (!(await isMounted(host, news.mountPath))) {
        await host.run(mountFromFstabArgs(news.mountPath), { timeoutMs: 120_000 });
    }
    return { outs: outputsFor(news, "mounted") };
}

async function remove(_id: string, props: HostMountOutputs): Promise<void> {
    const host = workerHost(props);
    if (await isMounted(host, props.mountPath)) {
        const result = await host.tryRun(unmountArgs(props.mountPath));
        if (result.exitCode !== 0) {
            throw new Error(`${host.label}: cannot unmount ${props.mountPath} (${result.stderr.trim()}); stop the pods using it first`);
        }
    }
    await host.run(fstabRemoveMountArgs(props.mountPath));
    await host.run([...FSTAB_SYNC_ARGS]);
    // Only an empty directory: never data that someone put there.
    await host.tryRun(removeEmptyDirectoryArgs(props.mountPath));
}

// `delete` is a reserved word: export the function under the provider method's name.
export { remove as delete };

/** "web" of "10.0.0.1:/web". */
function volumeOf(mountSource: string): string {
    return mountSource.slice(mountSource.indexOf(":/") + 2);
}

function workerHost(inputs: HostMountInputs): HostExecutor {
    return connectionExecutor(inputs.workerName, inputs.manageHost, inputs.connection);
}

async function fstabLines(host: HostExecutor, mountPath: string): Promise<string[]> {
    return (await host.run(fstabLinesForMountArgs(mountPath))).stdout.split("\n").filter(Boolean);
}

async function isMounted(host: HostExecutor, mountPath: string): Promise<boolean> {
    return (await host.tryRun(mountpointArgs(mountPath))).exitCode === 0;
}

function outputsFor(inputs: HostMountInputs, status: HostMountOutputs["status"]): HostMountOutputs {
    const { workerName, manageHost, connection, mountSource, backupVolfileServers, mountPath } = inputs;
    return {
        workerName,
        manageHost,
        connection,
        mountSource,
        backupVolfileServers,
        mountPath,
        fstabLine: hostMountFstabLine(inputs, mountPath),
        status,
        stateVersion: HOST_MOUNT_STATE_VERSION,
    };
}
