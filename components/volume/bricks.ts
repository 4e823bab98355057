// Brick lifecycle on the storage hosts: create step by step while remembering what exists, undo
// exactly that after a failure, and destroy idempotently (anything already gone is fine).
// One argv command per step: the executor queues them per host, and a failure names its step.

import * as pulumi from "@pulumi/pulumi";
import { lvsArgs, parseLvs, type SshExecutor } from "../remote";
import {
    brickGroupArgs,
    brickLvName,
    brickMount,
    brickPath,
    fstabAddArgs,
    fstabRemoveArgs,
    lvcreateArgs,
    lvremoveArgs,
    mkfsArgs,
    mountArgs,
    thinPoolName,
    thinPoolRemoveArgs,
    type BrickSpec,
} from "./commands";
import { StepError } from "./errors";

/** What a brick creation got as far as, so an undo removes exactly that. */
export interface BrickProgress<Brick extends BrickSpec = BrickSpec> {
    brick: Brick;
    lvCreated: boolean;
    mountDirCreated: boolean;
    fstabAdded: boolean;
    mounted: boolean;
}

export function newProgress<Brick extends BrickSpec>(brick: Brick): BrickProgress<Brick> {
    return { brick, lvCreated: false, mountDirCreated: false, fstabAdded: false, mounted: false };
}

/** Takes the brick's space: thin pool (tagged with its owner) + LV, the one step that uses a device's free space. */
export async function allocateBrick(host: SshExecutor, progress: BrickProgress, tag: string | undefined): Promise<void> {
    const { brick } = progress;
    log(host, brick, "creating thin pool and LV");
    await runStep(host, brick, "lvcreate", lvcreateArgs(brick, tag));
    progress.lvCreated = true;
}

/** Makes an allocated brick usable: XFS, fstab line, mount, brick directory (group-owned with a gid). */
export async function finishBrick(host: SshExecutor, progress: BrickProgress, gid: number | undefined): Promise<void> {
    const { brick } = progress;
    const step = (name: string, argv: string[]) => runStep(host, brick, name, argv);
    await step("mkfs.xfs", mkfsArgs(brick));
    await step("mkdir mount point", ["mkdir", "-p", brickMount(brick)]);
    progress.mountDirCreated = true;
    await step("add fstab line", fstabAddArgs(brick));
    progress.fstabAdded = true;
    await step("mount", mountArgs(brick));
    progress.mounted = true;
    await step("mkdir brick", ["mkdir", "-p", brickPath(brick)]);
    if (gid !== undefined) {
        await setBrickGroup(host, brick, gid);
    }
}

export async function setBrickGroup(host: SshExecutor, brick: BrickSpec, gid: number): Promise<void> {
    for (const argv of brickGroupArgs(brick, gid)) {
        await runStep(host, brick, `${argv[0]} brick`, argv);
    }
}

/**
 * Undoes a partial or complete creation: only the steps that succeeded, in reverse. A failed
 * lvcreate may still have left its thin pool, which is removed if empty; a conflicting LV of
 * the same name that someone else made is never touched.
 */
export async function undoBrick(host: SshExecutor, progress: BrickProgress): Promise<void> {
    const { brick } = progress;
    const errors: StepError[] = [];
    const attempt = async (name: string, work: () => Promise<void>) => {
        try {
            await work();
        } catch (error) {
            errors.push(error instanceof StepError ? error : new StepError(host.label, name, brick.id, error));
        }
    };
    if (progress.mounted) {
        await attempt("umount", () => unmount(host, brick));
    }
    if (progress.fstabAdded) {
        await attempt("remove fstab line", () => runStep(host, brick, "remove fstab line", fstabRemoveArgs(brick)).then(() => undefined));
    }
    if (progress.lvCreated) {
        await attempt("lvremove", () => removeBrickLv(host, brick));
    }
    await attempt("remove thin pool", () => removeThinPoolIfEmpty(host, brick));
    if (progress.mountDirCreated) {
        await attempt("rmdir", () => removeMountDir(host, brick));
    }
    if (errors.length > 0) {
        throw errors[0];
    }
}

/**
 * Removes a brick whatever state it is in: heketi's order (umount; the fstab line even if the
 * umount failed; LV; pool when empty; mount point). Parts already gone are not errors.
 */
export async function destroyBrick(host: SshExecutor, brick: BrickSpec): Promise<void> {
    log(host, brick, "destroying");
    let umountError: unknown;
    try {
        await unmount(host, brick);
    } catch (error) {
        umountError = error;
    }
    await runStep(host, brick, "remove fstab line", fstabRemoveArgs(brick));
    if (umountError !== undefined) {
        throw umountError;
    }
    await removeBrickLv(host, brick);
    await removeThinPoolIfEmpty(host, brick);
    await removeMountDir(host, brick);
}

const NOT_MOUNTED = /not mounted|no mount point specified|mountpoint not found|No such file or directory/i;
const LV_NOT_FOUND = /Failed to find logical volume|not found|Volume group "[^"]+" not found/i;

async function unmount(host: SshExecutor, brick: BrickSpec): Promise<void> {
    const result = await host.tryRun(["umount", brickMount(brick)]);
    if (result.exitCode !== 0 && !NOT_MOUNTED.test(result.stderr)) {
        throw new StepError(host.label, "umount", brick.id, firstLine(result.stderr) || `exit ${result.exitCode}`);
    }
}

async function removeBrickLv(host: SshExecutor, brick: BrickSpec): Promise<void> {
    const result = await host.tryRun(lvremoveArgs(brick));
    if (result.exitCode !== 0 && !LV_NOT_FOUND.test(result.stderr)) {
        throw new StepError(host.label, "lvremove", brick.id, firstLine(result.stderr) || `exit ${result.exitCode}`);
    }
}

/** heketi's rule: the pool goes only when no thin LV (a snapshot, say) is left in it. */
async function removeThinPoolIfEmpty(host: SshExecutor, brick: BrickSpec): Promise<void> {
    const pool = `${brick.vgName}/${thinPoolName(brick)}`;
    const report = await host.tryRun(lvsArgs([pool]));
    if (report.exitCode !== 0) {
        if (LV_NOT_FOUND.test(report.stderr)) {
            return;
        }
        throw new StepError(host.label, "lvs thin pool", brick.id, firstLine(report.stderr) || `exit ${report.exitCode}`);
    }
    const [lv] = parseLvs(report.stdout);
    if (lv === undefined) {
        return;
    }
    if ((lv.thinCount ?? 0) > 0) {
        pulumi.log.warn(`${host.label}: thin pool ${pool} still holds ${lv.thinCount} thin LV(s) (snapshots?); kept`);
        return;
    }
    await runStep(host, brick, "remove thin pool", thinPoolRemoveArgs(brick));
}

async function removeMountDir(host: SshExecutor, brick: BrickSpec): Promise<void> {
    const result = await host.tryRun(["rmdir", brickMount(brick)]);
    if (result.exitCode !== 0 && !/No such file or directory/.test(result.stderr)) {
        throw new StepError(host.label, "rmdir", brick.id, firstLine(result.stderr) || `exit ${result.exitCode}`);
    }
}

async function runStep(host: SshExecutor, brick: BrickSpec, step: string, argv: string[]) {
    try {
        return await host.run(argv);
    } catch (error) {
        throw new StepError(host.label, step, brick.id, error);
    }
}

function log(host: SshExecutor, brick: BrickSpec, what: string): void {
    void pulumi.log.info(`${host.label}: brick ${brickLvName(brick)} (${brick.vgName}): ${what}`);
}

function firstLine(text: string): string {
    return text.split("\n").map((line) => line.trim()).find((line) => line.length > 0) ?? "";
}
