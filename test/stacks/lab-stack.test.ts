// The lab stack (stacks/lab), the README's main job, through the real engine: the whole cluster
// and a replica 3, an arbiter and a disperse 2+1 volume; data written through one server's FUSE
// mount is read through another's; destroy leaves the hosts as blank as the lab made them.
import * as assert from "node:assert/strict";
import { closeAll, SshExecutor } from "../../components";
import { loadLab } from "../../stacks/lab/lab";
import { labProgram } from "../../stacks/lab/program";
import { EngineStack } from "../engine/automation";
import { labExecutor } from "../lab/lab";
import { runLocal } from "../lab/cluster-fixture";

/** Written by the nodes' bootstrap. */
const MODULES_LOAD_FILE = "/etc/modules-load.d/pulumi-gluster.conf";

/** What a host holds that the product makes: anything here after destroy is left behind. */
async function productTraces(host: SshExecutor): Promise<string> {
    const script = [
        "pvs --noheadings -o pv_name",
        "lvs --noheadings -o lv_name",
        "grep /var/lib/heketi/mounts /etc/fstab",
        "ls -A /var/lib/heketi/mounts",
        "gluster --mode=script volume list 2>&1 | grep -v '^No volumes'",
        "gluster --mode=script pool list | tail -n +2 | grep -v localhost",
    ].join("; ");
    return (await host.run(["sh", "-c", `{ ${script}; } 2>&1; true`])).stdout.trim();
}

describe("stacks/lab: the main job through the real engine", function () {
    const lab = loadLab();
    const hosts = lab.nodes.map((node) => labExecutor(node));
    let engine: EngineStack | undefined;

    before(async function () {
        for (const [i, host] of hosts.entries()) {
            assert.equal(await productTraces(host), "", `${lab.nodes[i].name} starts blank`);
            await host.run(["rm", "-f", MODULES_LOAD_FILE]);
        }
        engine = await EngineStack.create({ projectName: "pulumi-gluster", program: async () => labProgram(lab) }, { stackName: "lab" });
    });

    after(async function () {
        await engine?.dispose();
        await closeAll();
    });

    it("up creates the cluster and three volumes whose data every server serves", async function () {
        const { outputs, stdout } = await engine!.up();
        assert.deepEqual(Object.keys(outputs).sort(), ["arbiter", "disperse", "replica3"]);
        for (const [i, host] of hosts.entries()) {
            assert.match(stdout, new RegExp(`${lab.nodes[i].name} \\(${lab.nodes[i].host.replace(/\./g, "\\.")}\\): bootstrapped \\(debian, packages already there\\)`));
            assert.equal((await host.run(["cat", MODULES_LOAD_FILE])).stdout, "dm_thin_pool\n", `${lab.nodes[i].name}: dm_thin_pool loads at boot`);
        }
        for (const [name, output] of Object.entries(outputs)) {
            const volume = String(output.value).split(":/")[1];
            assert.equal(volume, name);
            const [first, second] = lab.nodes.map((node) => `${node.host}:/${volume}`);
            const read = await runLocal(
                `set -e; d=$(mktemp -d); trap 'umount "$d" 2>/dev/null; rmdir "$d"' EXIT
                 mount -t glusterfs "$1" "$d"; head -c 4194304 /dev/urandom > "$d/data"; sync; md5sum < "$d/data"; umount "$d"
                 mount -t glusterfs "$2" "$d"; md5sum < "$d/data"`,
                first,
                second,
            );
            const [written, readBack] = read.trim().split("\n");
            assert.equal(readBack, written, `${name}: data read through ${second} is what was written through ${first}`);
        }
    });

    it("a second preview plans no changes", async function () {
        const { changeSummary } = await engine!.preview();
        assert.deepEqual(Object.keys(changeSummary).filter((op) => op !== "same"), []);
    });

    it("destroy leaves no volume, LV, VG, fstab line, brick directory or peer on any host", async function () {
        await engine!.destroy();
        for (const [i, host] of hosts.entries()) {
            assert.equal(await productTraces(host), "", `${lab.nodes[i].name} is blank again`);
        }
    });
});
