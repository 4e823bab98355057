// Create's orchestration on scripted hosts: every step fails in turn, and the undo that follows
// removes exactly what was made, in order (the lab tests run the same paths on real hosts).
import assert from "node:assert/strict";
import { ClusterAccess } from "../access";
import { commandLine, volumeInfoArgs } from "../remote";
import { readFixture } from "../remote/testing/fixtures";
import { ScriptedHost } from "../remote/testing/scripted-host";
import { GiB } from "../sizes";
import { brickMount, brickPath, fstabAddArgs, fstabRemoveArgs, lvremoveArgs, mkfsArgs, mountArgs, thinPoolRemoveArgs, volumeCreateArgs, volumeSetArgs } from "./commands";
import { createVolume } from "./create";
import type { VolumeInputs } from "./inputs";
import { threeNodeTopology } from "./testing/topology";

const topology = threeNodeTopology((n) => [{ path: "/dev/sdb", vgName: `vg_${n}${n}${n}${n}`, tags: {} }]);
const inputs: VolumeInputs = { topology, volumeName: "web", size: "1Gi", durability: { type: "replicate", replica: 3 }, options: { "performance.cache-size": "64MB" }, snapshotFactor: 1 };
const OK_XML = "<cliOutput><opRet>0</opRet><opErrno>0</opErrno><opErrstr></opErrstr></cliOutput>";
const FAILED_XML = "<cliOutput><opRet>-1</opRet><opErrno>2</opErrno><opErrstr>injected failure</opErrstr></cliOutput>";
const vgs = (vgName: string) => JSON.stringify({ report: [{ vg: [{ vg_name: vgName, vg_size: String(10 * GiB), vg_free: String(10 * GiB), pv_count: "1", lv_count: "0" }] }] });
const emptyPool = (vgName: string, id: string) =>
    JSON.stringify({ report: [{ lv: [{ lv_name: `tp_${id}`, vg_name: vgName, lv_size: String(GiB), lv_attr: "twi-a-tz--", pool_lv: "", data_percent: "0.00", lv_metadata_size: "8388608", thin_count: "0", lv_tags: "" }] }] });

/** Three scripted nodes holding one empty 10 GiB VG each, in a cluster with no volume yet. */
function scriptedCluster(): { cluster: ClusterAccess; hosts: Map<string, ScriptedHost> } {
    const hosts = new Map(topology.nodes.map((node) => [node.name, new ScriptedHost(node.name)]));
    for (const [name, host] of hosts) {
        const vgName = topology.nodes.find((node) => node.name === name)!.devices[0].vgName;
        host.on(/^gluster /, { stdout: OK_XML })
            .on(commandLine(volumeInfoArgs("web")), { stdout: readFixture("volume-info-missing.xml") })
            .on(/^vgs /, { stdout: vgs(vgName) })
            .on(/^lvs /, (line) => ({ stdout: emptyPool(vgName, /tp_([0-9a-f]{32})/.exec(line)?.[1] ?? "") }));
    }
    return { cluster: new ClusterAccess(topology, [], (node) => hosts.get(node.name)!), hosts };
}

/** The brick commands a node ran, as step names, for readable comparisons. */
function brickSteps(host: ScriptedHost): string[] {
    const id = /brick_([0-9a-f]{32})/.exec(host.commands.join("\n"))?.[1];
    if (id === undefined) {
        return [];
    }
    const vgName = /vg_\d{4}/.exec(host.commands.join("\n"))![0];
    const brick = { id, vgName };
    const names = new Map([
        [commandLine(mkfsArgs(brick)), "mkfs"],
        [commandLine(["mkdir", "-p", brickMount(brick)]), "mkdir mount"],
        [commandLine(fstabAddArgs(brick)), "fstab add"],
        [commandLine(mountArgs(brick)), "mount"],
        [commandLine(["mkdir", "-p", brickPath(brick)]), "mkdir brick"],
        [commandLine(["umount", brickMount(brick)]), "umount"],
        [commandLine(fstabRemoveArgs(brick)), "fstab remove"],
        [commandLine(lvremoveArgs(brick)), "lvremove"],
        [commandLine(thinPoolRemoveArgs(brick)), "remove pool"],
        [commandLine(["rmdir", brickMount(brick)]), "rmdir"],
    ]);
    return host.commands.flatMap((line) => (line.startsWith("lvcreate") ? ["lvcreate"] : names.has(line) ? [names.get(line)!] : []));
}

const FULL_BRICK = ["lvcreate", "mkfs", "mkdir mount", "fstab add", "mount", "mkdir brick"];
const FULL_UNDO = ["umount", "fstab remove", "lvremove", "remove pool", "rmdir"];
const volumeSteps = (host: ScriptedHost) => host.ran(/^gluster .*volume (create|set|start|stop|delete)/).map((line) => line.replace(/^gluster --mode=script --xml -- volume /, "").split(" ").slice(0, 2).join(" "));

describe("create on scripted hosts: each step fails in turn", () => {
    it("runs heketi's steps on every node, then create, set, start, and a flush", async () => {
        const { cluster, hosts } = scriptedCluster();
        const created = await createVolume(cluster, inputs);
        assert.equal(created.outs?.bricks.length, 3);
        for (const host of hosts.values()) {
            assert.deepEqual(brickSteps(host), FULL_BRICK);
            assert.equal(host.ran(/^sync -f /).length, 1, `${host.label} flushes its brick`);
        }
        assert.deepEqual(volumeSteps(hosts.get("n1")!), ["create web", "set web", "start web"]);
        assert.ok(hosts.get("n1")!.commands.includes(commandLine(volumeCreateArgs("web", inputs.durability, created.outs!.bricks.map((brick) => `${brick.host}:${brick.path}`)))));
        assert.ok(hosts.get("n1")!.commands.includes(commandLine(volumeSetArgs("web", "performance.cache-size", "64MB"))));
    });

    const brickFailures: Array<[step: RegExp, label: string, undo: string[]]> = [
        [/^lvcreate /, "lvcreate", ["remove pool"]],
        [/^mkfs\.xfs /, "mkfs", ["lvremove", "remove pool"]],
        [/^sh -c .* \/var\/lib\/heketi\/mounts\//, "fstab add", ["lvremove", "remove pool", "rmdir"]],
        [/^mount -o rw/, "mount", ["fstab remove", "lvremove", "remove pool", "rmdir"]],
        [/^mkdir -p .*\/brick$/, "mkdir brick", ["umount", "fstab remove", "lvremove", "remove pool", "rmdir"]],
    ];
    for (const [step, label, undo] of brickFailures) {
        it(`rolls back every node when ${label} fails on n2, undoing on n2 only what it made`, async () => {
            const { cluster, hosts } = scriptedCluster();
            hosts.get("n2")!.on(step, { exitCode: 1, stderr: "injected failure" });
            await assert.rejects(createVolume(cluster, inputs), (error: Error) => {
                assert.match(error.message, new RegExp(`^creating volume 'web' failed: n2: .*injected failure; everything made so far was removed$`));
                return true;
            });
            const n2 = brickSteps(hosts.get("n2")!);
            const failedAt = n2.indexOf(label);
            assert.deepEqual(n2.slice(failedAt + 1), undo, "n2's undo");
            // The other nodes finished their steps (all run to the end before the undo), then removed everything.
            const others = label === "lvcreate" ? ["lvcreate", "lvremove", "remove pool"] : [...FULL_BRICK, ...FULL_UNDO];
            for (const name of ["n1", "n3"]) {
                assert.deepEqual(brickSteps(hosts.get(name)!), others, `${name}'s steps`);
            }
            assert.deepEqual(volumeSteps(hosts.get("n1")!), [], "no volume was created");
        });
    }

    for (const failing of ["create", "set", "start"]) {
        it(`deletes the volume and every brick when gluster volume ${failing} fails`, async () => {
            const { cluster, hosts } = scriptedCluster();
            hosts.get("n1")!.on(new RegExp(`^gluster .*-- volume ${failing} `), { stdout: FAILED_XML });
            await assert.rejects(createVolume(cluster, inputs), new RegExp(`creating volume 'web' failed: n1: gluster volume ${failing}.* failed: .*injected failure; everything made so far was removed`));
            const expected = { create: ["create web"], set: ["create web", "set web", "stop web", "delete web"], start: ["create web", "set web", "start web", "stop web", "delete web"] }[failing];
            assert.deepEqual(volumeSteps(hosts.get("n1")!), expected);
            for (const host of hosts.values()) {
                assert.deepEqual(brickSteps(host), [...FULL_BRICK, ...FULL_UNDO], `${host.label} removed its whole brick`);
            }
        });
    }

    it("says what was left behind when the undo fails too", async () => {
        const { cluster, hosts } = scriptedCluster();
        hosts.get("n3")!.on(/^mount -o rw/, { exitCode: 1, stderr: "injected failure" }).on(/^lvremove /, { exitCode: 5, stderr: "Logical volume in use" });
        await assert.rejects(createVolume(cluster, inputs), /creating volume 'web' failed: n3: mount .*injected failure; clean-up also failed, so some of it is left behind: n3: lvremove .*Logical volume in use/);
    });

    it("refuses a name the cluster already uses, changing nothing", async () => {
        const { cluster, hosts } = scriptedCluster();
        hosts.get("n1")!.on(commandLine(volumeInfoArgs("web")), { stdout: readFixture("volume-info-single.xml").replace(/<name>[^<]*<\/name>/, "<name>web</name>") });
        await assert.rejects(createVolume(cluster, inputs), /volume 'web': the cluster already has a gluster volume of that name \(seen from n1\)/);
        for (const host of hosts.values()) {
            assert.deepEqual(brickSteps(host), []);
        }
    });
});
