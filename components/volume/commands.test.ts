import assert from "node:assert/strict";
import { commandLine } from "../remote";
import { GiB, MiB } from "../sizes";
import {
    addBrickArgs,
    brickDevice,
    brickGroupArgs,
    brickId,
    brickMount,
    brickPath,
    brickPoolLvsArgs,
    fstabAddArgs,
    fstabLine,
    fstabRemoveArgs,
    inspectDirArgs,
    inspectMountArgs,
    lvcreateArgs,
    ownerTag,
    brickUsageArgs,
    parseBrickUsage,
    lvremoveArgs,
    mkfsArgs,
    mountArgs,
    rebalanceStartArgs,
    replaceBrickArgs,
    volumeCreateArgs,
    volumeHealArgs,
    volumeResetArgs,
    volumeSetCommands,
    volumeStartForceArgs,
    volumeStatusArgs,
} from "./commands";

const brick = { id: "0123456789abcdef0123456789abcdef", vgName: "vg_00112233aabbccdd", sizeBytes: GiB, poolBytes: GiB, poolMetadataBytes: 8 * MiB };

describe("volume commands", () => {
    it("brick ids are deterministic, 32 hex digits, distinct per position", () => {
        assert.match(brickId("web", 0, 0), /^[0-9a-f]{32}$/);
        assert.equal(brickId("web", 0, 1), brickId("web", 0, 1));
        const ids = new Set([brickId("web", 0, 0), brickId("web", 0, 1), brickId("web", 1, 0), brickId("web2", 0, 0)]);
        assert.equal(ids.size, 4);
    });

    it("replaces a brick and asks for heal in gluster's exact forms", () => {
        assert.equal(
            commandLine(replaceBrickArgs("web", "10.77.0.11:/var/lib/heketi/mounts/vg_a/brick_1/brick", "10.77.0.11:/var/lib/heketi/mounts/vg_b/brick_1/brick")),
            "gluster --mode=script --xml -- volume replace-brick web 10.77.0.11:/var/lib/heketi/mounts/vg_a/brick_1/brick 10.77.0.11:/var/lib/heketi/mounts/vg_b/brick_1/brick commit force",
        );
        assert.equal(commandLine(volumeHealArgs("web")), "gluster --mode=script --xml -- volume heal web");
    });

    it("reads every brick's mount and usage on a host from one df", () => {
        const other = { id: "fedcba9876543210fedcba9876543210", vgName: "vg_00112233aabbccdd" };
        assert.deepEqual(brickUsageArgs([brick, other]), ["df", "-B1", "--output=file,target,size,used", "--", brickMount(brick), brickMount(other)]);
        const stdout = [
            "File                                                                     Mounted on                                                                    1B-blocks      Used",
            `${brickMount(brick)} ${brickMount(brick)}  1063256064 1063256064`,
            `${brickMount(other)} /  21003583488 4215877632`,
            "",
        ].join("\n");
        assert.deepEqual(parseBrickUsage(stdout), [
            { mount: brickMount(brick), mounted: true, sizeBytes: 1063256064, usedBytes: 1063256064 },
            { mount: brickMount(other), mounted: false, sizeBytes: 21003583488, usedBytes: 4215877632 },
        ]);
    });

    it("names paths in heketi's layout", () => {
        assert.equal(brickDevice(brick), "/dev/mapper/vg_00112233aabbccdd-brick_0123456789abcdef0123456789abcdef");
        assert.equal(brickMount(brick), "/var/lib/heketi/mounts/vg_00112233aabbccdd/brick_0123456789abcdef0123456789abcdef");
        assert.equal(brickPath(brick), `${brickMount(brick)}/brick`);
    });

    it("builds heketi's exact lvcreate, mkfs.xfs and fstab forms", () => {
        assert.equal(
            commandLine(lvcreateArgs(brick)),
            "lvcreate -qq --autobackup=n --poolmetadatasize 8192K --chunksize 256K --size 1048576K --thin vg_00112233aabbccdd/tp_0123456789abcdef0123456789abcdef --virtualsize 1048576K --name brick_0123456789abcdef0123456789abcdef",
        );
        assert.deepEqual(lvcreateArgs(brick, ownerTag("urn:pulumi:dev::store::pulumi-nodejs:dynamic/gluster/volume:Volume::web")).slice(-2), ["--addtag", "pulumi_gluster_d3c7fc5186a291aa"]);
        assert.equal(commandLine(mkfsArgs(brick)), "mkfs.xfs -i size=512 -n size=8192 /dev/mapper/vg_00112233aabbccdd-brick_0123456789abcdef0123456789abcdef");
        assert.equal(
            fstabLine(brick),
            "/dev/mapper/vg_00112233aabbccdd-brick_0123456789abcdef0123456789abcdef /var/lib/heketi/mounts/vg_00112233aabbccdd/brick_0123456789abcdef0123456789abcdef xfs rw,inode64,noatime,nouuid 1 2",
        );
        assert.deepEqual(mountArgs(brick), ["mount", "-o", "rw,inode64,noatime,nouuid", brickDevice(brick), brickMount(brick)]);
        assert.deepEqual(inspectDirArgs(), ["mktemp", "-d", "/run/pulumi-gluster-inspect.XXXXXX"]);
        assert.equal(
            commandLine(inspectMountArgs(brick, "/run/pulumi-gluster-inspect.Ab12Cd")),
            "mount -o ro,norecovery,nouuid /dev/mapper/vg_00112233aabbccdd-brick_0123456789abcdef0123456789abcdef /run/pulumi-gluster-inspect.Ab12Cd",
        );
        assert.deepEqual(brickGroupArgs(brick, 2001), [["chown", ":2001", brickPath(brick)], ["chmod", "2775", brickPath(brick)]]);
        assert.deepEqual(lvremoveArgs(brick, { lv: true, pool: true }), ["lvremove", "-f", "--autobackup=n", "vg_00112233aabbccdd/brick_0123456789abcdef0123456789abcdef", "vg_00112233aabbccdd/tp_0123456789abcdef0123456789abcdef"]);
        assert.deepEqual(lvremoveArgs(brick, { lv: false, pool: true }), ["lvremove", "-f", "--autobackup=n", "vg_00112233aabbccdd/tp_0123456789abcdef0123456789abcdef"]);
        assert.deepEqual(
            brickPoolLvsArgs(brick),
            ["lvs", "--reportformat", "json", "--units", "b", "--nosuffix", "--select", "lv_name=tp_0123456789abcdef0123456789abcdef || pool_lv=tp_0123456789abcdef0123456789abcdef", "-o", "lv_name,vg_name,lv_size,pool_lv,data_percent,thin_count,lv_attr,lv_metadata_size,lv_tags", "vg_00112233aabbccdd"],
        );
    });

    it("passes fstab values as positional arguments, never inside the script", () => {
        const add = fstabAddArgs(brick);
        assert.deepEqual([add[0], add[1], add[3], add[4]], ["sh", "-c", "sh", fstabLine(brick)]);
        assert.ok(!add[2].includes(brick.id), "the script text holds no value");
        const remove = fstabRemoveArgs(brick);
        assert.equal(remove[4], brickMount(brick));
        assert.ok(!remove[2].includes(brick.id));
    });

    it("builds gluster volume commands for every durability", () => {
        const bricks = ["h1:/b1", "h2:/b2", "h3:/b3"];
        assert.equal(commandLine(volumeCreateArgs("web", { type: "replicate", replica: 3 }, bricks)), "gluster --mode=script --xml -- volume create web replica 3 h1:/b1 h2:/b2 h3:/b3");
        assert.equal(
            commandLine(volumeCreateArgs("web", { type: "replicate", replica: 3, arbiter: true }, bricks)),
            "gluster --mode=script --xml -- volume create web replica 3 arbiter 1 h1:/b1 h2:/b2 h3:/b3",
        );
        assert.equal(
            commandLine(volumeCreateArgs("web", { type: "disperse", data: 2, redundancy: 1 }, bricks)),
            "gluster --mode=script --xml -- volume create web disperse-data 2 redundancy 1 h1:/b1 h2:/b2 h3:/b3",
        );
        assert.equal(commandLine(volumeCreateArgs("web", { type: "none" }, ["h1:/b1"])), "gluster --mode=script --xml -- volume create web h1:/b1");
        assert.equal(commandLine(addBrickArgs("web", { type: "replicate", replica: 3 }, bricks)), "gluster --mode=script --xml -- volume add-brick web replica 3 h1:/b1 h2:/b2 h3:/b3");
        assert.equal(commandLine(addBrickArgs("web", { type: "disperse", data: 2, redundancy: 1 }, bricks)), "gluster --mode=script --xml -- volume add-brick web h1:/b1 h2:/b2 h3:/b3");
    });

    it("sets every option in one command, except gluster's group key, which it takes only alone", () => {
        const lines = (options: Array<[string, string]>) => volumeSetCommands("web", options).map(({ options: names, argv }) => [names.join(" "), commandLine(argv)]);
        assert.deepEqual(lines([["performance.cache-size", "64MB"], ["group", "db-workload"], ["server.event-threads", "4"]]), [
            ["performance.cache-size server.event-threads", "gluster --mode=script --xml -- volume set web performance.cache-size 64MB server.event-threads 4"],
            ["group", "gluster --mode=script --xml -- volume set web group db-workload"],
        ]);
        assert.deepEqual(lines([]), []);
    });

    it("puts every gluster command's words, names and values included, after '--'", () => {
        const cases: Array<[string[], string[]]> = [
            [volumeSetCommands("web", [["diagnostics.client-log-level", "--log-file=/tmp/z"]])[0].argv, ["volume", "set", "web", "diagnostics.client-log-level", "--log-file=/tmp/z"]],
            [volumeResetArgs("web", "performance.cache-size"), ["volume", "reset", "web", "performance.cache-size"]],
            [volumeStartForceArgs("web"), ["volume", "start", "web", "force"]],
            [volumeStatusArgs("web"), ["volume", "status", "web"]],
            [rebalanceStartArgs("web"), ["volume", "rebalance", "web", "start"]],
            [volumeHealArgs("web"), ["volume", "heal", "web"]],
            [replaceBrickArgs("web", "h1:/a", "h1:/b"), ["volume", "replace-brick", "web", "h1:/a", "h1:/b", "commit", "force"]],
            [volumeCreateArgs("web", { type: "none" }, ["h1:/b1"]), ["volume", "create", "web", "h1:/b1"]],
            [addBrickArgs("web", { type: "none" }, ["h1:/b2"]), ["volume", "add-brick", "web", "h1:/b2"]],
        ];
        for (const [argv, words] of cases) {
            assert.deepEqual(argv, ["gluster", "--mode=script", "--xml", "--", ...words]);
        }
    });

    it("refuses an fstab field with a blank before any command is built", () => {
        assert.throws(() => fstabLine({ ...brick, vgName: "vg 1" }), /^Error: fstab spec "\/dev\/mapper\/vg 1-brick_0123456789abcdef0123456789abcdef": contains a blank, line break, backslash or NUL; use a value without them$/);
        assert.throws(() => fstabAddArgs({ ...brick, vgName: "vg\n1" }), /^Error: fstab spec /);
    });
});
