// Brick moves on scripted hosts: the new brick is made and flushed before replace-brick, the old
// one removed only after it; a failure before replace-brick undoes the new brick and leaves the
// old one serving; a set with a member offline is refused before anything is made.
import assert from "node:assert/strict";
import type { ClusterTopology } from "../access";
import { commandLine } from "../remote";
import { GiB } from "../sizes";
import { brickMount, lvremoveArgs, replaceBrickArgs } from "./commands";
import { createVolume } from "./create";
import type { VolumeBrick, VolumeOutputs } from "./inputs";
import { evacuate } from "./move";
import { FAILED_XML, healInfoXml, inputs, scriptedCluster, topology, vgsReport, volumeInfoXml, volumeStatusXml } from "./testing/scripted-cluster";

/** n1's first device has failed and a second one (vg_1112) joined: n1's brick moves there. */
const failing: ClusterTopology = {
    ...topology,
    nodes: topology.nodes.map((node) => (node.name !== "n1" ? node : { ...node, devices: [{ ...node.devices[0], state: "failed" }, { path: "/dev/sdc", vgName: "vg_1112", tags: {} }] })),
};
const news = { ...inputs, topology: failing };
const brickName = (brick: VolumeBrick) => `${brick.host}:${brick.path}`;

async function setUp(offline: readonly string[] = []) {
    const volume: VolumeOutputs = (await createVolume(scriptedCluster().cluster, inputs)).outs!;
    const { cluster, hosts } = scriptedCluster(failing);
    for (const host of hosts.values()) {
        host.on(/-- volume info web$/, { stdout: volumeInfoXml("web", volume.bricks, 3) })
            .on(/-- volume status web$/, { stdout: volumeStatusXml("web", volume.bricks.map((brick) => ({ ...brick, online: !offline.includes(brick.node) }))) })
            .on(/-- volume heal web info$/, { stdout: healInfoXml(volume.bricks.map((brick) => ({ ...brick, entries: 0 }))) });
    }
    hosts.get("n1")!.on(/^vgs /, { stdout: vgsReport("vg_1111", "vg_1112") });
    const old = volume.bricks.find((brick) => brick.node === "n1")!;
    const target = { ...old, vgName: "vg_1112", path: old.path.replace("vg_1111", "vg_1112") };
    return { volume, cluster, hosts, n1: hosts.get("n1")!, old, target };
}

describe("brick moves on scripted hosts", () => {
    it("makes and flushes the new brick, replaces, starts a heal, then removes the old brick", async () => {
        const { volume, cluster, n1, old, target } = await setUp();
        const bricks = await evacuate(cluster, cluster.host("n1"), volume, news);
        const moved = bricks.find((brick) => brick.node === "n1")!;
        assert.deepEqual({ vgName: moved.vgName, path: moved.path, id: moved.id, device: moved.device }, { vgName: "vg_1112", path: target.path, id: old.id, device: "/dev/sdc" });
        assert.deepEqual(bricks.filter((brick) => brick.node !== "n1"), volume.bricks.filter((brick) => brick.node !== "n1"), "the other bricks stay");
        const at = (line: string) => {
            const index = n1.commands.indexOf(line);
            assert.ok(index >= 0, `ran ${line}`);
            return index;
        };
        const made = at(commandLine(["mkdir", "-p", target.path]));
        const flushed = n1.commands.findIndex((line) => line === commandLine(["sync", "-f", brickMount(target)]));
        const replaced = at(commandLine(replaceBrickArgs("web", brickName(old), brickName(target))));
        const healed = n1.commands.findIndex((line, index) => index > replaced && /-- volume heal web$/.test(line));
        const oldGone = at(commandLine(lvremoveArgs(old, { lv: true, pool: true })));
        assert.ok(made < flushed && flushed < replaced && replaced < healed && healed < oldGone, `order: ${[made, flushed, replaced, healed, oldGone].join(" < ")}`);
        // The new brick's space is placed and taken under the placement lock, which is let go before mkfs.
        const locked = n1.commands.findIndex((line) => line.startsWith("hold: "));
        const allocated = n1.commands.findIndex((line) => line.startsWith("lvcreate "));
        const released = n1.commands.findIndex((line) => line.startsWith("release: "));
        const placedAgain = n1.commands.findIndex((line, index) => index > locked && line.startsWith("vgs "));
        assert.ok(locked >= 0 && locked < placedAgain && placedAgain < allocated && allocated < released && released < made, `lock order: ${[locked, placedAgain, allocated, released, made].join(" < ")}`);
    });

    it("places the brick again under the lock: space taken since the first plan stops the move before anything is made", async () => {
        const { volume, cluster, hosts, n1 } = await setUp();
        // Free at the first plan, full once the lock is held (another create took it meanwhile).
        const full = JSON.stringify({ report: [{ vg: ["vg_1111", "vg_1112"].map((vgName) => ({ vg_name: vgName, vg_size: String(10 * GiB), vg_free: "0", pv_count: "1", lv_count: "1" })) }] });
        n1.on(/^vgs /, { stdout: full }).on(/^vgs /, { stdout: vgsReport("vg_1111", "vg_1112") }, 1);
        await assert.rejects(evacuate(cluster, cluster.host("n1"), volume, news), (error: Error) => {
            assert.match(error.message, /^volume 'web': brick 10\.0\.0\.1:\S+ \(set 0\) cannot move off its device: no device with [\d.]+Gi of VG space free .*n1 \/dev\/sdc 0 free.*; nothing was changed; the brick stays where it was$/);
            return true;
        });
        assert.deepEqual(n1.ran(/^(lvcreate|mkfs|lvremove) /), [], "nothing made on n1");
        assert.equal(n1.ran(/^release: /).length, 1, "the lock was let go");
        for (const host of hosts.values()) {
            assert.deepEqual(host.ran(/-- volume replace-brick /), [], `${host.label} replaced nothing`);
        }
    });

    it("undoes the new brick and keeps the old one serving when replace-brick fails", async () => {
        const { volume, cluster, n1, old, target } = await setUp();
        n1.on(/-- volume replace-brick web /, { stdout: FAILED_XML });
        await assert.rejects(evacuate(cluster, cluster.host("n1"), volume, news), (error: Error) => {
            assert.equal(
                error.message,
                `moving brick ${brickName(old)} of volume 'web' failed: n1: gluster volume replace-brick failed: gluster failed (opRet -1, opErrno 2): injected failure; everything made so far was removed; the brick stays where it was`,
            );
            return true;
        });
        assert.ok(n1.commands.includes(commandLine(lvremoveArgs(target, { lv: true, pool: true }))), "the new brick's LV is removed");
        assert.deepEqual(n1.ran(new RegExp(`${brickMount(old)}|vg_1111/(brick|tp)_`)).filter((line) => /^(umount|lvremove|rmdir|sh -c) /.test(line)), [], "nothing removes the old brick");
    });

    it("refuses before making anything while another brick of the set is offline", async () => {
        const { volume, cluster, hosts, old } = await setUp(["n2"]);
        await assert.rejects(evacuate(cluster, cluster.host("n1"), volume, news), new RegExp(`^Error: moving brick ${brickName(old).replace(/[.]/g, "\\.")} of volume 'web' now could drop the only good copy of some data: 10\\.0\\.0\\.2:\\S+ of the same set is offline; bring it back \\(gluster volume start web force\\), let heal finish, and run again; the brick stays where it was$`));
        for (const host of hosts.values()) {
            assert.deepEqual(host.ran(/^(lvcreate|mkfs|mount|umount|lvremove) /), [], `${host.label} changed nothing`);
        }
    });
});
