// The SSH executor and the output parsers against the lab's real storage hosts: real sshd, glusterd,
// LVM and XFS. Also proves that a lab node keeps its state across a power cut.
import * as assert from "node:assert/strict";
import {
    closeAll,
    glusterArgs,
    HostKeyMismatchError,
    lvsArgs,
    parseCliOutput,
    parseLvs,
    parsePeerStatus,
    parsePvs,
    parseVgs,
    parseVolumeInfo,
    parseVolumeStatus,
    pvsArgs,
    RemoteTimeoutError,
    SshExecutor,
    vgsArgs,
} from "../../components/remote";
import { Lab, labExecutor, labNode, loadLab } from "./lab";

describe("lab: executor on real storage hosts", function () {
    let lab: Lab;
    let n1: SshExecutor;

    before(() => {
        lab = loadLab();
        assert.ok(lab.nodes.length >= 3, "the lab has at least 3 nodes");
        n1 = labExecutor(lab.nodes[0]);
    });
    after(() => closeAll());

    it("runs commands with exit codes, stdout and stderr", async () => {
        const ok = await n1.run(["hostname"]);
        assert.equal(ok.stdout.trim(), lab.nodes[0].name);
        const failed = await n1.tryRun(["sh", "-c", "echo out; echo err >&2; exit 7"]);
        assert.deepEqual([failed.exitCode, failed.stdout, failed.stderr], [7, "out\n", "err\n"]);
    });

    it("delivers hostile arguments verbatim and runs none of them", async () => {
        const marker = `/tmp/lab-quote-${process.pid}`;
        const hostile = [`; rm -rf / ; touch ${marker}`, `$(touch ${marker})`, `\`touch ${marker}\``, `a'b"c\nd`, "ünï €"];
        const echoed = await n1.run(["printf", "%s\\0", ...hostile]);
        assert.deepEqual(echoed.stdout.split("\0").slice(0, -1), hostile);
        const exists = await n1.tryRun(["test", "-e", marker]);
        assert.equal(exists.exitCode, 1, "no injected command ran");
    });

    it("refuses a host whose key does not match", async () => {
        const wrongKey = labExecutor(lab.nodes[0], { hostKey: lab.nodes[1].hostKey });
        await assert.rejects(wrongKey.run(["touch", "/tmp/should-not-exist"]), (e: unknown) => {
            assert.ok(e instanceof HostKeyMismatchError);
            assert.match(e.message, new RegExp(lab.nodes[0].host.replace(/\./g, "\\.")));
            return true;
        });
        assert.equal((await n1.tryRun(["test", "-e", "/tmp/should-not-exist"])).exitCode, 1);
    });

    it("stops a command that outlives its timeout, on the host too", async () => {
        const marker = `lab-timeout-${process.pid}-${Date.now()}`;
        await assert.rejects(
            n1.run(["sh", "-c", `sleep 300; : ${marker}`], { timeoutMs: 2000 }),
            (e: unknown) => e instanceof RemoteTimeoutError && e.processStopped,
        );
        const left = await n1.tryRun(["pgrep", "-f", marker]);
        assert.equal(left.exitCode, 1, `no process left: ${left.stdout}`);
    });

    it("parses real gluster --xml output: peers, volume info and status", async () => {
        const peers = parsePeerStatus((await n1.run(glusterArgs("peer", "status"))).stdout);
        assert.ok(Array.isArray(peers));
        const brick = `/var/tmp/lab-test-brick-${process.pid}`;
        const volume = `labtest${process.pid}`;
        await n1.run(["mkdir", "-p", brick]);
        try {
            // A brick on the root filesystem needs force; real volumes get their own XFS bricks.
            parseCliOutput((await n1.run(glusterArgs("volume", "create", volume, `${lab.nodes[0].host}:${brick}`, "force"))).stdout);
            parseCliOutput((await n1.run(glusterArgs("volume", "set", volume, "performance.cache-size", "32MB"))).stdout);
            parseCliOutput((await n1.run(glusterArgs("volume", "start", volume))).stdout);
            const [info] = parseVolumeInfo((await n1.run(glusterArgs("volume", "info", volume))).stdout);
            assert.equal(info.name, volume);
            assert.equal(info.status, "Started");
            assert.deepEqual(info.bricks.map((b) => `${b.host}:${b.path}`), [`${lab.nodes[0].host}:${brick}`]);
            assert.equal(info.options["performance.cache-size"], "32MB");
            const [status] = parseVolumeStatus((await n1.run(glusterArgs("volume", "status", volume))).stdout);
            assert.equal(status.bricks.length, 1);
            assert.equal(status.bricks[0].online, true);
            assert.ok((status.bricks[0].pid ?? 0) > 0);
        } finally {
            await n1.tryRun(glusterArgs("volume", "stop", volume, "force"));
            await n1.tryRun(glusterArgs("volume", "delete", volume));
            await n1.run(["rm", "-rf", brick]);
        }
        const missing = await n1.tryRun(glusterArgs("volume", "info", volume));
        assert.throws(() => parseCliOutput(missing.stdout), /does not exist/);
    });

    it("parses real LVM json reports in bytes", async () => {
        const device = lab.nodes[0].devices[lab.nodes[0].devices.length - 1];
        const vg = `vg_labtest${process.pid}`;
        await n1.run(["pvcreate", "-qq", "--metadatasize=128M", "--dataalignment=256K", device]);
        try {
            await n1.run(["vgcreate", "-qq", "--physicalextentsize=4M", "--autobackup=n", vg, device]);
            await n1.run(["lvcreate", "-qq", "--autobackup=n", "--poolmetadatasize", "8192K", "--chunksize", "256K",
                "--size", "524288K", "--thin", `${vg}/tp_1`, "--virtualsize", "524288K", "--name", "brick_1"]);
            const [pv] = parsePvs((await n1.run(pvsArgs([device]))).stdout);
            const deviceBytes = Number((await n1.run(["blockdev", "--getsize64", device])).stdout);
            assert.equal(pv.pvName, device);
            assert.equal(pv.devSize, deviceBytes);
            const [group] = parseVgs((await n1.run(vgsArgs([vg]))).stdout);
            assert.equal(group.vgName, vg);
            assert.equal(group.vgSize % (4 * 1024 * 1024), 0, "whole 4 MiB extents");
            assert.ok(group.vgFree < group.vgSize && group.vgSize <= deviceBytes);
            const lvs = parseLvs((await n1.run(lvsArgs([vg]))).stdout);
            const pool = lvs.find((l) => l.lvName === "tp_1");
            const thin = lvs.find((l) => l.lvName === "brick_1");
            assert.equal(pool?.thinCount, 1);
            assert.equal(thin?.poolLv, "tp_1");
            assert.equal(thin?.lvSize, 512 * 1024 * 1024);
        } finally {
            await n1.tryRun(["vgremove", "-f", vg]);
            await n1.tryRun(["pvremove", "-qq", device]);
        }
    });
});

describe("lab: a node keeps its state across a power cut", function () {
    let lab: Lab;
    after(() => closeAll());

    it("comes back with its disks, LVM, fstab, brick mount and glusterd identity", async () => {
        lab = loadLab();
        const node = lab.nodes[2];
        const device = node.devices[0];
        const vg = "vg_powercut";
        const mount = "/var/lib/heketi/mounts/vg_powercut/brick_1";
        const fstabLine = `/dev/mapper/${vg}-brick_1 ${mount} xfs rw,inode64,noatime,nouuid 1 2`;
        let host = labExecutor(node);
        const uuid = (await host.run(["cat", "/var/lib/glusterd/glusterd.info"])).stdout;
        await host.run(["pvcreate", "-qq", device]);
        await host.run(["vgcreate", "-qq", "--autobackup=n", vg, device]);
        await host.run(["lvcreate", "-qq", "--autobackup=n", "--size", "512M", "--thin", `${vg}/tp_1`,
            "--virtualsize", "512M", "--name", "brick_1"]);
        await host.run(["mkfs.xfs", "-q", "-i", "size=512", "-n", "size=8192", `/dev/mapper/${vg}-brick_1`]);
        await host.run(["mkdir", "-p", mount]);
        await host.run(["sh", "-c", 'printf "%s\\n" "$1" >> /etc/fstab', "sh", fstabLine]);
        await host.run(["mount", mount]);
        await host.run(["sh", "-c", 'echo "$1" > "$2/data" && sync -f "$2/data" && sync /etc/fstab', "sh", "survives", mount]);
        try {
            await closeAll();
            await labNode("kill", node.name);
            await labNode("start", node.name);
            host = labExecutor(node);
            assert.equal((await host.run(["cat", "/var/lib/glusterd/glusterd.info"])).stdout, uuid);
            assert.ok((await host.run(["cat", "/etc/fstab"])).stdout.includes(fstabLine));
            assert.equal((await host.tryRun(["mountpoint", "-q", mount])).exitCode, 0, "brick remounted from fstab at boot");
            assert.equal((await host.run(["cat", `${mount}/data`])).stdout, "survives\n");
        } finally {
            await host.tryRun(["umount", mount]);
            await host.tryRun(["sed", "-i", `\\|${mount} |d`, "/etc/fstab"]);
            await host.tryRun(["vgremove", "-f", vg]);
            await host.tryRun(["pvremove", "-qq", device]);
            await host.tryRun(["rm", "-rf", "/var/lib/heketi/mounts/vg_powercut"]);
        }
    });
});
