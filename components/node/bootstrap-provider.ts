// The GlusterBootstrap dynamic provider: turns a bare Debian- or RHEL-family host into one a
// GlusterNode can join: packages, glusterd enabled and running, dm_thin_pool, brick mount root.
// Every step checks first, so a prepared host costs a few read-only commands. Delete leaves the
// host as it is: removing packages under a running gluster pool would be destructive.
import * as pulumi from "@pulumi/pulumi";
import { connectionExecutor, runStep, validateConnection, type SshConnection } from "../access";
import { validateHost, validateNodeName, type ValidationFailure } from "../checks";
import { inputDiff } from "../dynamic/diff";
import type { HostExecutor } from "../remote";
import {
    DM_TARGETS_ARGS,
    ENABLE_GLUSTERD_ARGS,
    GLUSTERD_ANSWERS_ARGS,
    HAS_SYSTEMD_ARGS,
    hasThinPoolTarget,
    installArgs,
    LOAD_THIN_POOL_ARGS,
    missingPackages,
    MOUNT_ROOT_ARGS,
    OS_RELEASE_ARGS,
    osFamily,
    packageQueryArgs,
    packagesFor,
    PERSIST_THIN_POOL_ARGS,
    type OsFamily,
} from "./bootstrap-commands";

// 2: the provider in state names a registry key (1 named a compiled file), rewritten by the update.
export const BOOTSTRAP_STATE_VERSION = 2;

/** Package installs can take minutes on a slow mirror. */
const INSTALL_TIMEOUT_MS = 15 * 60_000;

export interface BootstrapInputs {
    nodeName: string;
    manageHost: string;
    connection: SshConnection;
}

export interface BootstrapOutputs extends BootstrapInputs {
    osFamily: OsFamily;
    /** Packages this resource installed (empty when the host had them all). */
    installedPackages: string[];
    stateVersion: number;
}

export function validateBootstrapInputs(inputs: Record<string, unknown>): ValidationFailure[] {
    return [...validateNodeName(inputs.nodeName, "nodeName"), ...validateHost(inputs.manageHost, "manageHost"), ...validateConnection(inputs.connection, "connection")];
}

export async function check(_olds: BootstrapInputs, news: BootstrapInputs): Promise<pulumi.dynamic.CheckResult<BootstrapInputs>> {
    return { inputs: news, failures: validateBootstrapInputs(news as unknown as Record<string, unknown>) };
}

export async function diff(_id: string, olds: BootstrapOutputs, news: BootstrapInputs): Promise<pulumi.dynamic.DiffResult> {
    return inputDiff<BootstrapInputs>(olds, news, { replacing: ["manageHost"], updatable: ["nodeName", "connection"], stateVersion: BOOTSTRAP_STATE_VERSION });
}

export async function create(inputs: BootstrapInputs): Promise<pulumi.dynamic.CreateResult<BootstrapOutputs>> {
    const host = connectionExecutor(inputs.nodeName, inputs.manageHost, inputs.connection);
    const family = osFamily((await host.run(OS_RELEASE_ARGS)).stdout);
    if (family === undefined) {
        throw new Error(`${host.label}: cannot bootstrap this host: /etc/os-release names neither a Debian nor a RHEL family system; install glusterfs-server, lvm2, thin-provisioning tools and xfsprogs yourself and drop bootstrap`);
    }
    const installedPackages = await installMissingPackages(host, family);
    await startGlusterd(host);
    await loadThinPool(host);
    await step(host, "create the brick mount root", MOUNT_ROOT_ARGS);
    void pulumi.log.info(`${host.label}: bootstrapped (${family}${installedPackages.length > 0 ? `, installed ${installedPackages.join(" ")}` : ", packages already there"})`);
    return { id: inputs.nodeName, outs: { ...pick(inputs), osFamily: family, installedPackages, stateVersion: BOOTSTRAP_STATE_VERSION } };
}

export async function read(id: string, props: BootstrapOutputs): Promise<pulumi.dynamic.ReadResult<BootstrapOutputs>> {
    return { id, props };
}

export async function update(_id: string, olds: BootstrapOutputs, news: BootstrapInputs): Promise<pulumi.dynamic.UpdateResult<BootstrapOutputs>> {
    return { outs: { ...olds, ...pick(news), stateVersion: BOOTSTRAP_STATE_VERSION } };
}

async function remove(): Promise<void> {
    // Nothing: the packages and settings stay (see the header).
}

// `delete` is a reserved word: export the function under the provider method's name.
export { remove as delete };

async function installMissingPackages(host: HostExecutor, family: OsFamily): Promise<string[]> {
    const wanted = packagesFor(family);
    const missing = missingPackages(family, wanted, (await host.tryRun(packageQueryArgs(family, wanted))).stdout);
    if (missing.length > 0) {
        void pulumi.log.info(`${host.label}: installing ${missing.join(" ")}`);
        for (const argv of installArgs(family, missing)) {
            await step(host, `install ${missing.join(" ")}`, argv, INSTALL_TIMEOUT_MS);
        }
    }
    return missing;
}

async function startGlusterd(host: HostExecutor): Promise<void> {
    if ((await host.tryRun(HAS_SYSTEMD_ARGS)).exitCode === 0) {
        await step(host, "enable and start glusterd", ENABLE_GLUSTERD_ARGS);
    } else if ((await host.tryRun(GLUSTERD_ANSWERS_ARGS)).exitCode !== 0) {
        throw new Error(`${host.label}: the host does not run systemd and glusterd is not answering; start glusterd with the host's own init system`);
    }
}

async function loadThinPool(host: HostExecutor): Promise<void> {
    if (!hasThinPoolTarget((await host.run(DM_TARGETS_ARGS)).stdout)) {
        await step(host, "load dm_thin_pool", LOAD_THIN_POOL_ARGS);
    }
    await step(host, "load dm_thin_pool at boot", PERSIST_THIN_POOL_ARGS);
}

async function step(host: HostExecutor, what: string, argv: readonly string[], timeoutMs?: number): Promise<void> {
    await runStep(host, `bootstrap step '${what}'`, argv, { timeoutMs });
}

function pick(inputs: BootstrapInputs): BootstrapInputs {
    return { nodeName: inputs.nodeName, manageHost: inputs.manageHost, connection: inputs.connection };
}
