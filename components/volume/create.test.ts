// Create's orchestration on scripted hosts: every step fails in turn, and the undo that follows
// removes exactly what was made, in order (the lab tests run the same paths on real hosts).
import assert from "node:assert/strict";
import { commandLine } from "../remote";
import { readFixture } from "../remote/testing/fixtures";
import { volumeCreateArgs, volumeSetCommands } from "./commands";
import { createVolume } from "./create";
import { ClusterAccess } from "../access";
import { ALL_VOLUMES_INFO, brickSteps, FAILED_XML, FULL_BRICK, FULL_UNDO, inputs, NO_VOLUMES_XML, OK_XML, scriptedCluster, topology, volumeSteps } from "./testing/scripted-cluster";

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
        assert.ok(hosts.get("n1")!.commands.includes(commandLine(volumeSetCommands("web", [["performance.cache-size", "64MB"]])[0].argv)));
    });

    it("sets a preset's options in one gluster call", async () => {
        const { cluster, hosts } = scriptedCluster();
        const options = { ...inputs.options, "performance.write-behind": "off", "server.event-threads": "4" };
        await createVolume(cluster, { ...inputs, options });
        assert.deepEqual(volumeSteps(hosts.get("n1")!), ["create web", "set web", "start web"]);
        assert.deepEqual(hosts.get("n1")!.ran(/-- volume set /), [
            "gluster --mode=script --xml -- volume set web performance.cache-size 64MB performance.write-behind off server.event-threads 4",
        ]);
    });

    const brickFailures: Array<[step: RegExp, label: string, undo: string[]]> = [
        [/^lvcreate /, "lvcreate", ["remove pool"]],
        [/^mkfs\.xfs /, "mkfs", ["lvremove"]],
        [/^sh -c .* \/var\/lib\/heketi\/mounts\//, "fstab add", ["lvremove", "rmdir"]],
        [/^mount -o rw/, "mount", ["fstab remove", "lvremove", "rmdir"]],
        [/^mkdir -p .*\/brick$/, "mkdir brick", ["umount", "fstab remove", "lvremove", "rmdir"]],
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
            const others = label === "lvcreate" ? ["lvcreate", "lvremove"] : [...FULL_BRICK, ...FULL_UNDO];
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

    it("looks on every host for what an interrupted create left while it finds a peer, not after", async () => {
        const { cluster, hosts } = scriptedCluster();
        const readWhenPeerAnswered: number[] = [];
        hosts.get("n1")!.on(/^true$/, async () => {
            // Long enough for reads that run beside the ping to reach every host; reads after it would not have begun.
            await new Promise((resolve) => setTimeout(resolve, 100));
            readWhenPeerAnswered.push([...hosts.values()].filter((host) => host.ran(/^lvs .*segtype=thin-pool/).length > 0).length);
            return {};
        });
        await createVolume(cluster, { ...inputs, owner: "urn:pulumi:test::project::gluster:volume:Volume::web" });
        assert.deepEqual(readWhenPeerAnswered, [3], "every host was read before the peer answered");
    });

    it("flushes the bricks while gluster starts the volume, and reports only once both ended", async () => {
        const { cluster, hosts } = scriptedCluster();
        const syncedWhenStartAnswered: number[] = [];
        hosts.get("n1")!.on(/^gluster .*-- volume start /, async () => {
            // Long enough for flushes that run beside the start to reach every host; a flush after it would not have begun.
            await new Promise((resolve) => setTimeout(resolve, 100));
            syncedWhenStartAnswered.push([...hosts.values()].filter((host) => host.ran(/^sync -f /).length > 0).length);
            return { stdout: OK_XML };
        });
        await createVolume(cluster, inputs);
        assert.deepEqual(syncedWhenStartAnswered, [3], "every host flushed before the start answered");
        for (const host of hosts.values()) {
            assert.equal(host.ran(/^sync \/etc\/fstab$/).length, 1, `${host.label} flushes its fstab`);
        }
    });

    it("deletes the volume and every brick when a flush fails, after the start it ran beside", async () => {
        const { cluster, hosts } = scriptedCluster();
        hosts.get("n3")!.on(/^sync -f /, { exitCode: 1, stderr: "injected failure" });
        await assert.rejects(createVolume(cluster, inputs), /creating volume 'web' failed: n3: .*injected failure; everything made so far was removed/);
        assert.deepEqual(volumeSteps(hosts.get("n1")!), ["create web", "set web", "start web", "stop web", "delete web"]);
        for (const host of hosts.values()) {
            assert.deepEqual(brickSteps(host), [...FULL_BRICK, ...FULL_UNDO], `${host.label} removed its whole brick`);
        }
    });

    it("says what was left behind when the undo fails too", async () => {
        const { cluster, hosts } = scriptedCluster();
        hosts.get("n3")!.on(/^mount -o rw/, { exitCode: 1, stderr: "injected failure" }).on(/^lvremove /, { exitCode: 5, stderr: "Logical volume in use" });
        await assert.rejects(createVolume(cluster, inputs), /creating volume 'web' failed: n3: mount .*injected failure; clean-up also failed, so some of it is left behind: n3: lvremove .*Logical volume in use/);
    });

    it("refuses a name the cluster already uses, changing nothing", async () => {
        const { cluster, hosts } = scriptedCluster();
        hosts.get("n1")!.on(ALL_VOLUMES_INFO, { stdout: readFixture("volume-info-single.xml").replace(/<name>[^<]*<\/name>/, "<name>web</name>") });
        await assert.rejects(createVolume(cluster, inputs), /volume 'web': the cluster already has a gluster volume of that name \(seen from n1\)/);
        for (const host of hosts.values()) {
            assert.deepEqual(brickSteps(host), []);
            assert.deepEqual([host.ran(/^hold: /).length, host.ran(/^release: /).length], [1, 1], `${host.label}: the placement lock taken during the reads was let go`);
        }
    });

    it("reads the hosts' free space while the name lookup runs, and allocates nothing before it answers", async () => {
        const { cluster, hosts } = scriptedCluster();
        let answer = () => {};
        const answered = new Promise<void>((resolve) => (answer = resolve));
        hosts.get("n1")!.on(ALL_VOLUMES_INFO, async () => (await answered, { stdout: NO_VOLUMES_XML }));
        const created = createVolume(cluster, inputs);
        for (let turn = 0; turn < 1000 && [...hosts.values()].some((host) => host.ran(/^vgs /).length === 0); turn++) {
            await new Promise((resolve) => setImmediate(resolve));
        }
        for (const host of hosts.values()) {
            assert.equal(host.ran(/^vgs /).length, 1, `${host.label}'s free space was read before the lookup answered`);
            assert.deepEqual(brickSteps(host), [], `${host.label}: nothing allocated before the lookup answered`);
        }
        answer();
        await created;
        for (const host of hosts.values()) {
            assert.deepEqual(brickSteps(host), FULL_BRICK);
        }
    });

    it("stops before allocating when the name lookup fails, and lets the locks go", async () => {
        const { cluster, hosts } = scriptedCluster();
        hosts.get("n1")!.on(ALL_VOLUMES_INFO, { exitCode: 1, stderr: "Connection failed. Please check if gluster daemon is operational." });
        await assert.rejects(createVolume(cluster, inputs), /gluster daemon is operational/);
        for (const host of hosts.values()) {
            assert.deepEqual(brickSteps(host), [], `${host.label}: nothing made`);
            assert.deepEqual([host.ran(/^hold: /).length, host.ran(/^release: /).length], [1, 1], `${host.label}: lock taken and let go`);
        }
    });

    it("returns from a failure before placing only once the name lookup has ended", async () => {
        const { cluster, hosts } = scriptedCluster();
        let answer = () => {};
        const answered = new Promise<void>((resolve) => (answer = resolve));
        hosts.get("n1")!.on(ALL_VOLUMES_INFO, async () => (await answered, { stdout: NO_VOLUMES_XML }));
        hosts.get("n2")!.on(/^lvs .*thin-pool/, { exitCode: 5, stderr: "injected lvs failure" });
        let settled = false;
        const created = createVolume(cluster, { ...inputs, owner: "urn:pulumi:dev::p::gluster:volume:GlusterVolume::web" }).finally(() => (settled = true));
        for (let turn = 0; turn < 100; turn++) {
            await new Promise((resolve) => setImmediate(resolve));
        }
        assert.equal(hosts.get("n2")!.ran(/^lvs .*thin-pool/).length, 1, "the look for pools failed");
        assert.equal(settled, false, "the create waits for its lookup");
        answer();
        await assert.rejects(created, /injected lvs failure/);
    });

    it("takes the hosts' placement locks while it looks for the volume, not after", async () => {
        const { cluster, hosts } = scriptedCluster();
        await createVolume(cluster, inputs);
        const n1 = hosts.get("n1")!.commands;
        const lookup = n1.findIndex((line) => ALL_VOLUMES_INFO.test(line));
        assert.ok(n1.findIndex((line) => line.startsWith("hold: ")) < lookup, `n1's lock was asked for before the volume lookup: ${n1.slice(0, lookup + 1).join(" | ")}`);
    });
});

describe("creates at once in one process (one up)", () => {
    /** The scripted cluster again as another operation's handle, with "db" missing too; lvcreate waits until `open` is called. */
    function twoOperations() {
        const { cluster, hosts } = scriptedCluster();
        let open = () => {};
        const lvcreateHeld = new Promise<void>((resolve) => (open = resolve));
        for (const host of hosts.values()) {
            host.on(/^lvcreate /, async () => {
                await lvcreateHeld;
                return {};
            });
        }
        const other = new ClusterAccess(topology, [], (node) => hosts.get(node.name)!);
        return { cluster, other, hosts, open };
    }

    it("allocates at once, under host locks taken once and released after the last", async () => {
        const { cluster, other, hosts, open } = twoOperations();
        const web = createVolume(cluster, { ...inputs, size: "4Gi" });
        const db = createVolume(other, { ...inputs, volumeName: "db", size: "4Gi" });
        for (let turn = 0; turn < 1000 && hosts.get("n1")!.ran(/^lvcreate /).length < 2; turn++) {
            await new Promise((resolve) => setImmediate(resolve));
        }
        open();
        assert.equal(hosts.get("n1")!.ran(/^lvcreate /).length, 2, "both allocate before either lvcreate ends");
        await Promise.all([web, db]);
        for (const host of hosts.values()) {
            assert.equal(host.ran(/^hold: /).length, 1, `${host.label}: one lock for both`);
            const lastLvcreate = host.commands.map((line, index) => (line.startsWith("lvcreate ") ? index : -1)).reduce((last, index) => Math.max(last, index));
            assert.ok(host.commands.findIndex((line) => line.startsWith("release: ")) > lastLvcreate, `${host.label}: released after both lvcreates`);
        }
    });

    it("places each on the space the others left: what one claimed and is still taking counts as used", async () => {
        const { cluster, other, hosts, open } = twoOperations();
        // Each node has one VG with 10 GiB free (the hosts' report does not change): room for one of the two.
        const web = createVolume(cluster, { ...inputs, size: "6Gi" });
        await assert.rejects(createVolume(other, { ...inputs, volumeName: "db", size: "6Gi" }), /volume 'db'.*(6 ?GiB|6Gi)/);
        open();
        await web;
        assert.equal(hosts.get("n1")!.ran(/^lvcreate /).length, 1, "db took no space");
    });
});
