// Create's orchestration on scripted hosts: every step fails in turn, and the undo that follows
// removes exactly what was made, in order (the lab tests run the same paths on real hosts).
import assert from "node:assert/strict";
import { commandLine, RemoteCommandError } from "../remote";
import type { ScriptedHost } from "../remote/testing/scripted-host";
import { readFixture } from "../remote/testing/fixtures";
import { ownerTag, volumeCreateArgs, volumeSetCommands } from "./commands";
import { createVolume } from "./create";
import { ClusterAccess } from "../access";
import { ALL_VOLUMES_INFO, brickSteps, FAILED_XML, FULL_BRICK, FULL_UNDO, inputs, NO_VOLUMES_XML, OK_XML, scriptedCluster, STORE_LOOKUP, topology, volumeSteps } from "./testing/scripted-cluster";

/** A host lock request; its group is the seconds it waits. */
const LOCK_REQUEST = /pulumi-gluster\.lock (\d+) /;

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

    it("reads the hosts' free space as soon as their locks are held, beside the look for what an interrupted create left", async () => {
        const { cluster, hosts } = scriptedCluster();
        const freeSpaceReadWhenPoolsAnswered: number[] = [];
        hosts.get("n1")!.on(/^lvs .*segtype=thin-pool/, async () => {
            // Long enough for reads that run beside this one to reach every host; reads after it would not have begun.
            await new Promise((resolve) => setTimeout(resolve, 100));
            freeSpaceReadWhenPoolsAnswered.push([...hosts.values()].filter((host) => host.ran(/^vgs /).length > 0).length);
            return { stdout: JSON.stringify({ report: [{ lv: [] }] }) };
        });
        await createVolume(cluster, { ...inputs, owner: "urn:pulumi:test::project::gluster:volume:Volume::web" });
        assert.deepEqual(freeSpaceReadWhenPoolsAnswered, [3], "every host's free space was read before n1's pools answered");
        for (const host of hosts.values()) {
            assert.equal(host.ran(/^vgs /).length, 1, `${host.label}: read once`);
        }
    });

    it("reads the free space again once it removed what an interrupted create left", async () => {
        const { cluster, hosts } = scriptedCluster();
        const owner = "urn:pulumi:test::project::gluster:volume:Volume::web";
        const strayId = "0123456789abcdef0123456789abcdef";
        const n2 = hosts.get("n2")!;
        const strayPool = { lv_name: `tp_${strayId}`, vg_name: "vg_2222", lv_size: "1073741824", lv_attr: "twi-a-tz--", pool_lv: "", data_percent: "0.00", lv_metadata_size: "8388608", thin_count: "1", lv_tags: ownerTag(owner) };
        n2.on(/^lvs .*segtype=thin-pool/, { stdout: JSON.stringify({ report: [{ lv: [strayPool] }] }) })
            .on(new RegExp(`^mountpoint -q .*brick_${strayId}$`), { exitCode: 1 })
            .on(new RegExp(`^wipefs .*brick_${strayId}$`), { exitCode: 1, stderr: "wipefs: error: /dev/vg_2222/brick_x: No such file or directory" });
        await createVolume(cluster, { ...inputs, owner });
        assert.equal(n2.ran(new RegExp(`^lvremove .*${strayId}`)).length, 1, "the stray brick was removed");
        const removedAt = n2.commands.findIndex((line) => new RegExp(`^lvremove .*${strayId}`).test(line));
        const readAfter = n2.commands.findIndex((line, index) => index > removedAt && line.startsWith("vgs "));
        assert.ok(readAfter > removedAt, "n2's free space was read after the removal");
        assert.ok(n2.commands.findIndex((line) => line.startsWith("lvcreate ")) > readAfter, "and placed on that read");
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

    /** Scripts n1's gluster lookup to answer only when the returned function is called. */
    function holdLookup(hosts: Map<string, ScriptedHost>, stdout = NO_VOLUMES_XML): () => void {
        let answer = () => {};
        const answered = new Promise<void>((resolve) => (answer = resolve));
        hosts.get("n1")!.on(ALL_VOLUMES_INFO, async () => (await answered, { stdout }));
        return answer;
    }

    /** Lets scripted work that can run go on, until `until` holds or a bound is reached. */
    async function letRun(until: () => boolean = () => false): Promise<void> {
        for (let turn = 0; turn < 1000 && !until(); turn++) {
            await new Promise((resolve) => setImmediate(resolve));
        }
    }

    const WEB_TAKEN = readFixture("volume-info-single.xml").replace(/<name>[^<]*<\/name>/, "<name>web</name>");

    it("refuses a name glusterd's store and gluster have, changing nothing", async () => {
        const { cluster, hosts } = scriptedCluster();
        hosts.get("n1")!.on(ALL_VOLUMES_INFO, { stdout: WEB_TAKEN }).on(STORE_LOOKUP, { exitCode: 0 });
        await assert.rejects(createVolume(cluster, inputs), /^Error: volume 'web': the cluster already has a gluster volume of that name \(seen from n1\); choose another name, delete that volume, or set adopt: true to take it over$/);
        for (const host of hosts.values()) {
            assert.deepEqual(brickSteps(host), []);
            assert.deepEqual([host.ran(/^hold: /).length, host.ran(/^release: /).length], [1, 1], `${host.label}: the placement lock taken during the reads was let go`);
        }
    });

    for (const [answer, exitCode] of [["has the name", 0], ["cannot tell", 2]] as const) {
        it(`allocates nothing before gluster answers when glusterd's store ${answer}`, async () => {
            const { cluster, hosts } = scriptedCluster();
            hosts.get("n1")!.on(STORE_LOOKUP, { exitCode });
            const answerLookup = holdLookup(hosts);
            const created = createVolume(cluster, inputs);
            try {
                await letRun(() => [...hosts.values()].every((host) => host.ran(/^vgs /).length > 0));
                await letRun();
                for (const host of hosts.values()) {
                    assert.equal(host.ran(/^vgs /).length, 1, `${host.label}'s free space was read before the lookup answered`);
                    assert.deepEqual(brickSteps(host), [], `${host.label}: nothing allocated before the lookup answered`);
                }
            } finally {
                // A create left waiting would keep the process's placement session (and its locks) from the next test.
                answerLookup();
            }
            await created;
            for (const host of hosts.values()) {
                assert.deepEqual(brickSteps(host), FULL_BRICK);
            }
        });
    }

    it("asks gluster nothing of the name when glusterd's store does not have it: volume create is the check", async () => {
        const { cluster, hosts } = scriptedCluster();
        await createVolume(cluster, inputs);
        assert.deepEqual(hosts.get("n1")!.ran(ALL_VOLUMES_INFO), []);
        assert.equal(hosts.get("n1")!.ran(STORE_LOOKUP).length, 1);
    });

    it("refuses a name gluster has but the store did not show when volume create does, removing the bricks and touching no volume", async () => {
        const { cluster, hosts } = scriptedCluster();
        hosts.get("n1")!.on(/^gluster .*-- volume create /, { stdout: "<cliOutput><opRet>-1</opRet><opErrno>0</opErrno><opErrstr>Volume web already exists</opErrstr></cliOutput>" });
        await assert.rejects(
            createVolume(cluster, inputs),
            /^Error: creating volume 'web' failed: volume 'web': the cluster already has a gluster volume of that name \(seen from n1\); choose another name, delete that volume, or set adopt: true to take it over; everything made so far was removed$/,
        );
        assert.deepEqual(volumeSteps(hosts.get("n1")!), ["create web"], "the volume of that name is neither stopped nor deleted");
        for (const host of hosts.values()) {
            assert.deepEqual(brickSteps(host), [...FULL_BRICK, ...FULL_UNDO], `${host.label} removed its whole brick`);
        }
    });

    it("stops before allocating when the name lookup fails and the store cannot tell, and lets the locks go", async () => {
        const { cluster, hosts } = scriptedCluster();
        hosts.get("n1")!.on(STORE_LOOKUP, new Error("connection lost")).on(ALL_VOLUMES_INFO, { exitCode: 1, stderr: "Connection failed. Please check if gluster daemon is operational." });
        await assert.rejects(createVolume(cluster, inputs), /gluster daemon is operational/);
        for (const host of hosts.values()) {
            assert.deepEqual(brickSteps(host), [], `${host.label}: nothing made`);
            assert.deepEqual([host.ran(/^hold: /).length, host.ran(/^release: /).length], [1, 1], `${host.label}: lock taken and let go`);
        }
    });

    it("returns from a failure before placing only once its look into glusterd's store has ended", async () => {
        const { cluster, hosts } = scriptedCluster();
        let answer = () => {};
        const answered = new Promise<void>((resolve) => (answer = resolve));
        hosts.get("n1")!.on(STORE_LOOKUP, async () => (await answered, { exitCode: 1 }));
        hosts.get("n2")!.on(/^lvs .*thin-pool/, { exitCode: 5, stderr: "injected lvs failure" });
        let settled = false;
        const created = createVolume(cluster, { ...inputs, owner: "urn:pulumi:dev::p::gluster:volume:GlusterVolume::web" }).finally(() => (settled = true));
        for (let turn = 0; turn < 100; turn++) {
            await new Promise((resolve) => setImmediate(resolve));
        }
        assert.equal(hosts.get("n2")!.ran(/^lvs .*thin-pool/).length, 1, "the look for pools failed");
        assert.equal(settled, false, "the create waits for the store's answer");
        answer();
        await assert.rejects(created, /injected lvs failure/);
    });

    it("takes the hosts' placement locks while it looks into glusterd's store, not after", async () => {
        const { cluster, hosts } = scriptedCluster();
        await createVolume(cluster, inputs);
        const n1 = hosts.get("n1")!.commands;
        const lookup = n1.findIndex((line) => STORE_LOOKUP.test(line));
        assert.ok(lookup > 0);
        assert.ok(n1.findIndex((line) => line.startsWith("hold: ")) < lookup, `n1's lock was asked for before the store was read: ${n1.slice(0, lookup + 1).join(" | ")}`);
    });
});

describe("the hosts' placement locks", () => {
    /** Lock requests as "<host> <seconds to wait>", in the order the hosts were asked across the cluster. */
    function recordLockRequests(hosts: Map<string, ScriptedHost>): string[] {
        const requests: string[] = [];
        for (const host of hosts.values()) {
            host.on(LOCK_REQUEST, (line) => (requests.push(`${host.label} ${LOCK_REQUEST.exec(line)![1]}`), {}));
        }
        return requests;
    }

    it("asks every host at once without waiting, when none is held", async () => {
        const { cluster, hosts } = scriptedCluster();
        const askedWhenN1Answered: number[] = [];
        hosts.get("n1")!.on(LOCK_REQUEST, async () => {
            // Long enough for requests sent beside n1's to reach their hosts; requests sent after its answer would not have begun.
            await new Promise((resolve) => setTimeout(resolve, 100));
            askedWhenN1Answered.push([...hosts.values()].filter((host) => host.ran(/^hold: /).length > 0).length);
            return {};
        });
        await createVolume(cluster, inputs);
        assert.deepEqual(askedWhenN1Answered, [3], "every host was asked before n1's lock was granted");
        for (const host of hosts.values()) {
            assert.deepEqual(host.ran(/^hold: /).map((line) => LOCK_REQUEST.exec(line)![1]), ["0"], `${host.label}: one request, waiting 0 s`);
        }
    });

    it("when another operation holds one, lets the others go and takes all in name order, waiting", async () => {
        const { cluster, hosts } = scriptedCluster();
        const requests = recordLockRequests(hosts);
        const busy = new RemoteCommandError("n2: lock busy", "n2", "sh -c ...", 75, "ci-2 pid 9: creating volume 'db' since now\n", "");
        hosts.get("n2")!.on(LOCK_REQUEST, (line) => (requests.push(`n2 ${LOCK_REQUEST.exec(line)![1]}`), busy), 1);
        const othersAskedBeforeN1Granted: string[] = [];
        hosts.get("n1")!.on(/pulumi-gluster\.lock 300 /, async () => {
            requests.push("n1 300");
            // Long enough for a request sent beside n1's to reach its host.
            await new Promise((resolve) => setTimeout(resolve, 100));
            othersAskedBeforeN1Granted.push(...requests.slice(4));
            return {};
        });
        await createVolume(cluster, inputs);
        const tries = requests.slice(0, 3).sort();
        assert.deepEqual(tries, ["n1 0", "n2 0", "n3 0"]);
        assert.deepEqual(requests.slice(3), ["n1 300", "n2 300", "n3 300"], "the waits come in name order");
        assert.deepEqual(othersAskedBeforeN1Granted, [], "n2 and n3 were asked only once n1's lock was granted");
        for (const name of ["n1", "n3"]) {
            const commands = hosts.get(name)!.commands.filter((line) => /^(hold|release): /.test(line)).map((line) => line.split(":")[0]);
            assert.deepEqual(commands, ["hold", "release", "hold", "release"], `${name}: the lock tried first was let go before the wait`);
        }
        assert.deepEqual(brickSteps(hosts.get("n2")!), FULL_BRICK);
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
