// Brick lifecycle on the storage hosts: create step by step while remembering what exists, undo
// exactly that after a failure, and destroy idempotently (anything already gone is fine).
// Each step is one argv command; steps that follow one another run as one remote sequence, and a
// failure names its step.

import * as pulumi from "@pulumi/pulumi";
import { type LogicalVolume, parseLvs, type HostExecutor } from "../remote";
import { parseSignatures, runStep, runSteps, type SequenceStep, signatureProbeArgs, StepError } from "../access";
import {
    brickDevice,
    brickGroupArgs,
    brickLvName,
    brickMount,
    brickMountedArgs,
    brickPath,
    brickPoolLvsArgs,
    fstabAddArgs,
    fstabRemoveArgs,
    inspectDirArgs,
    inspectMountArgs,
    lvcreateArgs,
    lvremoveArgs,
    mkfsArgs,
    mountArgs,
    thinPoolName,
    type BrickLvs,
    type BrickSpec,
} from "./commands";
import { settle } from "./settle";

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
export async function allocateBrick(host: HostExecutor, progress: BrickProgress, tag: string | undefined): Promise<void> {
    const { brick } = progress;
    log(host, brick, "creating thin pool and LV");
    await runStep(host, "lvcreate", lvcreateArgs(brick, tag), { brickId: brick.id, oneAtATime: lvmChangesOf(brick) });
    progress.lvCreated = true;
}

/**
 * Makes an allocated brick usable in one round trip: XFS, mount point, fstab line, mount, brick
 * directory (group-owned with a gid); progress records each step that finished.
 */
export async function finishBrick(host: HostExecutor, progress: BrickProgress, gid: number | undefined): Promise<void> {
    const { brick } = progress;
    const steps: SequenceStep[] = [
        { name: "mkfs.xfs", argv: mkfsArgs(brick) },
        { name: "mkdir mount point", argv: ["mkdir", "-p", brickMount(brick)], done: () => (progress.mountDirCreated = true) },
        { name: "add fstab line", argv: fstabAddArgs(brick), done: () => (progress.fstabAdded = true) },
        { name: "mount", argv: mountArgs(brick), done: () => (progress.mounted = true) },
        { name: "mkdir brick", argv: ["mkdir", "-p", brickPath(brick)] },
        ...(gid === undefined ? [] : brickGroupSteps(brick, gid)),
    ];
    await runSteps(host, steps, { brickId: brick.id });
}

export async function setBrickGroup(host: HostExecutor, brick: BrickSpec, gid: number): Promise<void> {
    await runSteps(host, brickGroupSteps(brick, gid), { brickId: brick.id });
}

const brickGroupSteps = (brick: BrickSpec, gid: number): SequenceStep[] => brickGroupArgs(brick, gid).map((argv) => ({ name: `${argv[0]} brick`, argv }));

/**
 * Undoes a partial or complete creation: only the steps that succeeded, in reverse. A failed
 * lvcreate may still have left its thin pool, which is removed if empty; a conflicting LV of
 * the same name that someone else made is never touched.
 */
export async function undoBrick(host: HostExecutor, progress: BrickProgress): Promise<void> {
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
        await attempt("remove fstab line", () => runStep(host, "remove fstab line", fstabRemoveArgs(brick), { brickId: brick.id }).then(() => undefined));
    }
    // A failed lvcreate may still have left its pool: that goes when empty, the LV only if this run made it.
    await attempt("lvremove", () => removeBrickLvs(host, brick, progress.lvCreated));
    if (progress.mountDirCreated) {
        await attempt("rmdir", () => removeMountDir(host, brick));
    }
    if (errors.length > 0) {
        throw errors[0];
    }
}

/**
 * Removes a brick whatever state it is in: heketi's order (umount; the fstab line even if the
 * umount failed; LV; pool when empty; mount point). Parts already gone are not errors. Two round
 * trips: the pool's report is read during the umount (unmounting does not change what the pool
 * holds), and the fstab line and the LVs go in one sequence, beside the mount point's rmdir.
 */
export async function destroyBrick(host: HostExecutor, brick: BrickSpec): Promise<void> {
    log(host, brick, "destroying");
    // Settled into a value, so that a failed umount leaves no unobserved rejection behind.
    const pool = readPool(host, brick).then(
        (lvs) => ({ lvs }),
        (error: unknown) => ({ error }),
    );
    try {
        await unmount(host, brick);
    } catch (umountError) {
        try {
            await runStep(host, "remove fstab line", fstabRemoveArgs(brick), { brickId: brick.id });
        } finally {
            await pool;
        }
        throw umountError;
    }
    const read = await pool;
    const parts = "error" in read ? undefined : lvRemoval(host, brick, true, read.lvs);
    const failures = await settle([removeFstabLineAndLvs(host, brick, parts), removeMountDir(host, brick)]);
    if ("error" in read) {
        throw read.error;
    }
    if (failures.length > 0) {
        throw failures[0];
    }
}

/** The fstab line, then the LVs (when `parts` names any) in the same round trip, as long as the line went. */
async function removeFstabLineAndLvs(host: HostExecutor, brick: BrickSpec, parts: BrickLvs | undefined): Promise<void> {
    if (parts === undefined) {
        await runStep(host, "remove fstab line", fstabRemoveArgs(brick), { brickId: brick.id });
        return;
    }
    let outcome;
    try {
        outcome = await host.runSequence([fstabRemoveArgs(brick), lvremoveArgs(brick, parts)], { oneAtATime: lvmChangesOf(brick) });
    } catch (lost) {
        // Timed out or the connection went: either may have run, and the next destroy takes what is gone in its stride.
        throw new StepError(host.label, "remove fstab line, lvremove", brick.id, lost);
    }
    const { completed, error } = outcome;
    if (error !== undefined && (completed === 0 || !LV_NOT_FOUND.test(error.stderr))) {
        throw new StepError(host.label, completed === 0 ? "remove fstab line" : "lvremove", brick.id, error);
    }
}

/** What a brick's file system shows of its past: gluster served it, never did, or it cannot be read. */
export type BrickHistory = "served" | "unused" | "unreadable";

/**
 * Looks for the `.glusterfs` store a started brick makes, in the brick's directory, mounted or
 * not: an unmounted file system is mounted read-only in a private directory for the look and
 * unmounted again. A brick LV that is gone, or never got a file system, was never served.
 */
export async function brickHistory(host: HostExecutor, brick: BrickSpec): Promise<BrickHistory> {
    const holdsStore = async (brickDir: string): Promise<BrickHistory> =>
        (await host.tryRun(["test", "-e", `${brickDir}/.glusterfs`])).exitCode === 0 ? "served" : "unused";
    if ((await host.tryRun(brickMountedArgs(brick))).exitCode === 0) {
        return holdsStore(brickPath(brick));
    }
    const probe = await host.tryRun(signatureProbeArgs(brickDevice(brick)));
    if (probe.exitCode !== 0) {
        return /No such file or directory/.test(probe.stderr) ? "unused" : "unreadable";
    }
    if (parseSignatures(probe.stdout).length === 0) {
        return "unused";
    }
    const dir = (await host.run(inspectDirArgs())).stdout.trim();
    try {
        if ((await host.tryRun(inspectMountArgs(brick, dir))).exitCode !== 0) {
            return "unreadable";
        }
        try {
            return await holdsStore(`${dir}/brick`);
        } finally {
            await runStep(host, "umount inspection mount", ["umount", dir], { brickId: brick.id });
        }
    } finally {
        await runStep(host, "rmdir inspection dir", ["rmdir", dir], { brickId: brick.id });
    }
}

const NOT_MOUNTED = /not mounted|no mount point specified|mountpoint not found|No such file or directory/i;
const LV_NOT_FOUND = /Failed to find logical volume|not found|Volume group "[^"]+" not found/i;

async function unmount(host: HostExecutor, brick: BrickSpec): Promise<void> {
    const result = await host.tryRun(["umount", brickMount(brick)]);
    if (result.exitCode !== 0 && !NOT_MOUNTED.test(result.stderr)) {
        throw new StepError(host.label, "umount", brick.id, firstLine(result.stderr) || `exit ${result.exitCode}`);
    }
}

/**
 * Removes the brick's LV (when `lv`) and its thin pool in one lvremove, after one report of what
 * the pool holds. What is already gone is not an error.
 */
async function removeBrickLvs(host: HostExecutor, brick: BrickSpec, lv: boolean): Promise<void> {
    const parts = lvRemoval(host, brick, lv, await readPool(host, brick));
    if (parts === undefined) {
        return;
    }
    const result = await host.tryRun(lvremoveArgs(brick, parts), { oneAtATime: lvmChangesOf(brick) });
    if (result.exitCode !== 0 && !LV_NOT_FOUND.test(result.stderr)) {
        throw new StepError(host.label, "lvremove", brick.id, firstLine(result.stderr) || `exit ${result.exitCode}`);
    }
}

/** The brick's pool and the thin LVs in it; none when the pool or its VG is gone. */
async function readPool(host: HostExecutor, brick: BrickSpec): Promise<LogicalVolume[]> {
    const report = await host.tryRun(brickPoolLvsArgs(brick));
    if (report.exitCode !== 0) {
        if (LV_NOT_FOUND.test(report.stderr)) {
            return [];
        }
        throw new StepError(host.label, "lvs thin pool", brick.id, firstLine(report.stderr) || `exit ${report.exitCode}`);
    }
    return parseLvs(report.stdout);
}

/**
 * Which of the brick's LV (when `lv`) and pool to remove, from the pool's report; undefined when
 * neither. heketi's rule: the pool goes only when no other thin LV (a snapshot, say) is left in it.
 */
function lvRemoval(host: HostExecutor, brick: BrickSpec, lv: boolean, lvs: readonly LogicalVolume[]): BrickLvs | undefined {
    const pool = thinPoolName(brick);
    const removeLv = lv && lvs.some((found) => found.lvName === brickLvName(brick));
    const others = lvs.filter((found) => found.poolLv === pool && !(removeLv && found.lvName === brickLvName(brick)));
    const removePool = lvs.some((found) => found.lvName === pool) && others.length === 0;
    if (others.length > 0 && !lv && others.every((found) => found.lvName === brickLvName(brick))) {
        // An lvcreate killed or timed out may have made it: its pool carries the owner tag, by which the next create finds it.
        pulumi.log.warn(`${host.label}: thin pool ${brick.vgName}/${pool} holds ${brickLvName(brick)}, which an lvcreate that did not report may have made; kept, as this run cannot tell that it made it`);
    } else if (others.length > 0) {
        pulumi.log.warn(`${host.label}: thin pool ${brick.vgName}/${pool} still holds ${others.length} thin LV(s) (snapshots?); kept`);
    }
    return removeLv || removePool ? { lv: removeLv, pool: removePool } : undefined;
}

async function removeMountDir(host: HostExecutor, brick: BrickSpec): Promise<void> {
    const result = await host.tryRun(["rmdir", brickMount(brick)]);
    if (result.exitCode !== 0 && !/No such file or directory/.test(result.stderr)) {
        throw new StepError(host.label, "rmdir", brick.id, firstLine(result.stderr) || `exit ${result.exitCode}`);
    }
}

/** LVM changes one VG's metadata at a time: its lvcreates and lvremoves wait outside the host's lanes. */
const lvmChangesOf = (brick: BrickSpec): string => `lvm changes to ${brick.vgName}`;

function log(host: HostExecutor, brick: BrickSpec, what: string): void {
    void pulumi.log.info(`${host.label}: brick ${brickLvName(brick)} (${brick.vgName}): ${what}`);
}

function firstLine(text: string): string {
    return text.split("\n").map((line) => line.trim()).find((line) => line.length > 0) ?? "";
}
