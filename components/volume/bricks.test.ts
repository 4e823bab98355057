import assert from "node:assert/strict";
import { commandLine, SshConnectionError } from "../remote";
import { ScriptedHost } from "../remote/testing/scripted-host";
import { GiB, MiB } from "../sizes";
import { signatureProbeArgs } from "../access";
import { allocateBrick, brickHistory, destroyBrick, finishBrick, newProgress, undoBrick } from "./bricks";
import {
    brickDevice,
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
} from "./commands";

const brick = { id: "0123456789abcdef0123456789abcdef", vgName: "vg_00112233aabbccdd", sizeBytes: GiB, poolBytes: GiB, poolMetadataBytes: 8 * MiB };
const line = commandLine;
const POOL_REPORT = brickPoolLvsArgs(brick);
/** The brick's pool, holding its thin LV when `withLv`, and `snapshots` other thin LVs. */
const poolReport = (withLv: boolean, snapshots = 0) => {
    const thin = (name: string) => ({ lv_name: name, vg_name: brick.vgName, lv_size: "1073741824", lv_attr: "Vwi-a-tz--", pool_lv: `tp_${brick.id}`, data_percent: "0.00", lv_metadata_size: "", thin_count: "", lv_tags: "" });
    const thins = [...(withLv ? [thin(`brick_${brick.id}`)] : []), ...Array.from({ length: snapshots }, (_, index) => thin(`snap_${index}`))];
    const pool = { lv_name: `tp_${brick.id}`, vg_name: brick.vgName, lv_size: "1073741824", lv_attr: "twi-a-tz--", pool_lv: "", data_percent: "0.00", lv_metadata_size: "8388608", thin_count: String(thins.length), lv_tags: "" };
    return JSON.stringify({ report: [{ lv: [...thins, pool] }] });
};
const REMOVE_BOTH = line(lvremoveArgs(brick, { lv: true, pool: true }));

const FINISH_STEPS = [
    line(mkfsArgs(brick)),
    line(["mkdir", "-p", brickMount(brick)]),
    line(fstabAddArgs(brick)),
    line(mountArgs(brick)),
    line(["mkdir", "-p", brickPath(brick)]),
];

describe("brick lifecycle (scripted host)", () => {
    it("creates a brick in heketi's order: lvcreate with the owner tag, then mkfs, mount point, fstab, mount, brick dir", async () => {
        const host = new ScriptedHost("n1");
        const progress = newProgress(brick);
        await allocateBrick(host, progress, "pulumi_gluster_0123456789abcdef");
        await finishBrick(host, progress, undefined);
        assert.deepEqual(host.commands, [line(lvcreateArgs(brick, "pulumi_gluster_0123456789abcdef")), ...FINISH_STEPS]);
        assert.deepEqual(progress, { brick, lvCreated: true, mountDirCreated: true, fstabAdded: true, mounted: true });
    });

    // Each finishing step fails in turn: the undo removes exactly what the steps before it made, in reverse.
    const undoAfter: Record<number, string[]> = {
        0: [line(POOL_REPORT), REMOVE_BOTH],
        1: [line(POOL_REPORT), REMOVE_BOTH],
        2: [line(POOL_REPORT), REMOVE_BOTH, line(["rmdir", brickMount(brick)])],
        3: [line(fstabRemoveArgs(brick)), line(POOL_REPORT), REMOVE_BOTH, line(["rmdir", brickMount(brick)])],
        4: [line(["umount", brickMount(brick)]), line(fstabRemoveArgs(brick)), line(POOL_REPORT), REMOVE_BOTH, line(["rmdir", brickMount(brick)])],
    };
    for (const [failing, undo] of Object.entries(undoAfter).map(([index, lines]) => [Number(index), lines] as const)) {
        it(`undoes exactly what was made when step ${failing + 1} of finishing fails (${FINISH_STEPS[failing].split(" ")[0]})`, async () => {
            const host = new ScriptedHost("n1").on(FINISH_STEPS[failing], { exitCode: 1, stderr: "injected failure" }).on(line(POOL_REPORT), { stdout: poolReport(true) });
            const progress = newProgress(brick);
            await allocateBrick(host, progress, undefined);
            await assert.rejects(finishBrick(host, progress, undefined), /n1: .*injected failure/);
            const before = host.commands.length;
            assert.deepEqual(host.commands.slice(1), FINISH_STEPS.slice(0, failing + 1));
            await undoBrick(host, progress);
            assert.deepEqual(host.commands.slice(before), undo);
        });
    }

    it("undoes every finishing step when the connection is lost mid-sequence (which finished is unknown)", async () => {
        const host = new ScriptedHost("n1").on(FINISH_STEPS[3], new SshConnectionError("n1: connection lost while running mount; its outcome is unknown", "n1")).on(line(POOL_REPORT), { stdout: poolReport(true) });
        const progress = newProgress(brick);
        await allocateBrick(host, progress, undefined);
        await assert.rejects(finishBrick(host, progress, undefined), /n1: mkfs\.xfs, mkdir mount point, add fstab line, mount, mkdir brick .*failed: .*connection lost/);
        assert.deepEqual(progress, { brick, lvCreated: true, mountDirCreated: true, fstabAdded: true, mounted: true });
        const before = host.commands.length;
        await undoBrick(host, progress);
        assert.deepEqual(host.commands.slice(before), undoAfter[4]);
    });

    it("keeps a thin pool that still holds a snapshot when undoing", async () => {
        const host = new ScriptedHost("n1").on(line(POOL_REPORT), { stdout: poolReport(true, 1) });
        await undoBrick(host, { ...newProgress(brick), lvCreated: true });
        assert.deepEqual(host.commands, [line(POOL_REPORT), line(lvremoveArgs(brick, { lv: true, pool: false }))]);
    });

    it("after a failed lvcreate removes its empty pool, and never an LV of the brick's name that this run did not make", async () => {
        const emptyPool = new ScriptedHost("n1").on(line(POOL_REPORT), { stdout: poolReport(false) });
        await undoBrick(emptyPool, newProgress(brick));
        assert.deepEqual(emptyPool.commands, [line(POOL_REPORT), line(lvremoveArgs(brick, { lv: false, pool: true }))]);
        const notOurs = new ScriptedHost("n1").on(line(POOL_REPORT), { stdout: poolReport(true) });
        await undoBrick(notOurs, newProgress(brick));
        assert.deepEqual(notOurs.commands, [line(POOL_REPORT)], "the pool holds that LV, so it stays too");
    });

    it("destroys a brick's LV and pool with one lvremove, but keeps a pool that holds snapshots", async () => {
        const whole = new ScriptedHost("n1").on(line(POOL_REPORT), { stdout: poolReport(true) });
        await destroyBrick(whole, brick);
        // Two round trips: the report beside the umount, then the fstab line and the LVs in one sequence beside the rmdir.
        assert.deepEqual(whole.commands, [line(POOL_REPORT), line(["umount", brickMount(brick)]), line(fstabRemoveArgs(brick)), line(["rmdir", brickMount(brick)]), REMOVE_BOTH]);
        const snapshotted = new ScriptedHost("n1").on(line(POOL_REPORT), { stdout: poolReport(true, 2) });
        await destroyBrick(snapshotted, brick);
        assert.ok(snapshotted.commands.includes(line(lvremoveArgs(brick, { lv: true, pool: false }))), "only the brick's LV goes");
        assert.deepEqual(snapshotted.ran(/^lvremove /).length, 1);
    });

    it("destroys a brick that is half gone: not mounted, no LV or no VG are not errors", async () => {
        const poolOnly = new ScriptedHost("n1")
            .on("umount", { exitCode: 32, stderr: `umount: ${brickMount(brick)}: not mounted.` })
            .on(line(POOL_REPORT), { stdout: poolReport(false) })
            .on("rmdir", { exitCode: 1, stderr: `rmdir: failed to remove '${brickMount(brick)}': No such file or directory` });
        await destroyBrick(poolOnly, brick);
        assert.deepEqual(poolOnly.commands, [line(POOL_REPORT), line(["umount", brickMount(brick)]), line(fstabRemoveArgs(brick)), line(["rmdir", brickMount(brick)]), line(lvremoveArgs(brick, { lv: false, pool: true }))]);
        const noGroup = new ScriptedHost("n1").on("lvs", { exitCode: 5, stderr: `Volume group "${brick.vgName}" not found` });
        await destroyBrick(noGroup, brick);
        assert.deepEqual(noGroup.ran(/^lvremove /), [], "nothing left to remove");
        const unreadable = new ScriptedHost("n1").on("lvs", { exitCode: 5, stderr: "Couldn't find device with uuid abc." });
        await assert.rejects(destroyBrick(unreadable, brick), /n1: lvs thin pool .*Couldn't find device/);
        assert.deepEqual(unreadable.ran(/^lvremove /), [], "no LV goes on a report that could not be read");
    });

    it("drops the fstab line even when the umount fails, then stops before the LV", async () => {
        const host = new ScriptedHost("n1").on("umount", { exitCode: 32, stderr: "umount: target is busy." });
        await assert.rejects(destroyBrick(host, brick), /umount.*target is busy/);
        assert.deepEqual(host.commands, [line(POOL_REPORT), line(["umount", brickMount(brick)]), line(fstabRemoveArgs(brick))]);
    });

    it("keeps the LVs while the fstab line could not be removed, naming that step", async () => {
        const host = new ScriptedHost("n1").on(line(POOL_REPORT), { stdout: poolReport(true) }).on(line(fstabRemoveArgs(brick)), { exitCode: 1, stderr: "sh: /etc/fstab: Read-only file system" });
        await assert.rejects(destroyBrick(host, brick), /^StepError: n1: remove fstab line \(brick_0123456789abcdef0123456789abcdef\) failed: .*Read-only file system/);
        assert.deepEqual(host.ran(/^lvremove /), [], "a line left in fstab never points at a removed LV");
    });

    it("names both steps of the fstab-and-lvremove sequence when the connection goes during it", async () => {
        const host = new ScriptedHost("n1").on(line(POOL_REPORT), { stdout: poolReport(true) }).on(line(fstabRemoveArgs(brick)), new SshConnectionError("n1: connection lost", "n1"));
        await assert.rejects(destroyBrick(host, brick), /^StepError: n1: remove fstab line, lvremove \(brick_0123456789abcdef0123456789abcdef\) failed: .*connection lost/);
    });

    it("names the lvremove that failed, and takes an LV already gone as removed", async () => {
        const failing = new ScriptedHost("n1").on(line(POOL_REPORT), { stdout: poolReport(true) }).on(REMOVE_BOTH, { exitCode: 5, stderr: "Logical volume vg/brick in use." });
        await assert.rejects(destroyBrick(failing, brick), /^StepError: n1: lvremove \(brick_0123456789abcdef0123456789abcdef\) failed: .*in use/);
        const gone = new ScriptedHost("n1").on(line(POOL_REPORT), { stdout: poolReport(true) }).on(REMOVE_BOTH, { exitCode: 5, stderr: "Failed to find logical volume" });
        await destroyBrick(gone, brick);
    });
});

describe("brick history: was it ever served?", () => {
    const store = line(["test", "-e", `${brickPath(brick)}/.glusterfs`]);
    const inspectDir = "/run/pulumi-gluster-inspect.Ab12Cd";
    const xfs = JSON.stringify({ signatures: [{ device: brickDevice(brick), offset: "0x0", type: "xfs", uuid: "u", label: null }] });

    it("looks in a mounted brick's directory", async () => {
        const served = new ScriptedHost("n1");
        assert.equal(await brickHistory(served, brick), "served");
        assert.deepEqual(served.commands, [line(brickMountedArgs(brick)), store]);
        assert.equal(await brickHistory(new ScriptedHost("n1").on(store, { exitCode: 1 }), brick), "unused");
    });

    it("mounts an unmounted brick read-only in a private directory to look, and cleans up after", async () => {
        const host = new ScriptedHost("n1")
            .on(line(brickMountedArgs(brick)), { exitCode: 32 })
            .on(line(signatureProbeArgs(brickDevice(brick))), { stdout: xfs })
            .on(line(inspectDirArgs()), { stdout: `${inspectDir}\n` });
        assert.equal(await brickHistory(host, brick), "served");
        assert.deepEqual(host.commands, [
            line(brickMountedArgs(brick)),
            line(signatureProbeArgs(brickDevice(brick))),
            line(inspectDirArgs()),
            line(inspectMountArgs(brick, inspectDir)),
            line(["test", "-e", `${inspectDir}/brick/.glusterfs`]),
            line(["umount", inspectDir]),
            line(["rmdir", inspectDir]),
        ]);
    });

    it("calls a brick with no file system, or no LV, never served, without mounting anything", async () => {
        const unformatted = new ScriptedHost("n1").on(line(brickMountedArgs(brick)), { exitCode: 32 });
        assert.equal(await brickHistory(unformatted, brick), "unused");
        assert.equal(unformatted.ran(/^mount /).length, 0);
        const gone = new ScriptedHost("n1")
            .on(line(brickMountedArgs(brick)), { exitCode: 32 })
            .on("wipefs", { exitCode: 1, stderr: `wipefs: error: ${brickDevice(brick)}: probing initialization failed: No such file or directory` });
        assert.equal(await brickHistory(gone, brick), "unused");
    });

    it("calls a file system it cannot mount unreadable (so the brick is kept), still removing its directory", async () => {
        const host = new ScriptedHost("n1")
            .on(line(brickMountedArgs(brick)), { exitCode: 32 })
            .on(line(signatureProbeArgs(brickDevice(brick))), { stdout: xfs })
            .on(line(inspectDirArgs()), { stdout: `${inspectDir}\n` })
            .on(line(inspectMountArgs(brick, inspectDir)), { exitCode: 32, stderr: "mount: wrong fs type, bad option, bad superblock" });
        assert.equal(await brickHistory(host, brick), "unreadable");
        assert.deepEqual(host.commands.slice(-2), [line(inspectMountArgs(brick, inspectDir)), line(["rmdir", inspectDir])]);
        const probeFails = new ScriptedHost("n1").on(line(brickMountedArgs(brick)), { exitCode: 32 }).on("wipefs", { exitCode: 1, stderr: "wipefs: error: permission denied" });
        assert.equal(await brickHistory(probeFails, brick), "unreadable");
    });

    it("lets a lost connection through instead of guessing", async () => {
        const host = new ScriptedHost("n1").on(line(brickMountedArgs(brick)), new SshConnectionError("n1: connection lost", "n1"));
        await assert.rejects(brickHistory(host, brick), SshConnectionError);
    });
});
