// A power cut right after `pulumi up` must not cost a brick: create flushes every new brick's
// filesystem and the fstab lines before it reports success. Here a node loses power the moment
// the data is written after `up`, well inside the XFS log's 30 s flush window, comes back, and
// must serve its brick again by itself and heal what it missed, with no data lost.
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { closeAll, glusterArgs, parseVolumeInfo, parseVolumeStatus, type SshExecutor, volumeInfoArgs } from "../../components/remote";
import { brickMount, GlusterVolume, type VolumeBrick } from "../../components/volume";
import { EngineStack } from "../engine/automation";
import { leftovers, onMount, prepareCluster, waitFor, waitForHeal, type LabCluster } from "../lab/cluster-fixture";
import { labNode, loadLab, type Lab } from "../lab/lab";

const VOLUME = "powercut";

describe("volume: a power cut right after up costs no brick", function () {
    let lab: Lab;
    let cluster: LabCluster;

    before(async function () {
        lab = loadLab();
        cluster = await prepareCluster(lab, "power-cut-cluster");
    });

    after(async function () {
        try {
            await cluster?.dispose();
        } finally {
            await closeAll();
        }
    });

    it("brings the killed node's brick back online by itself, heals it, and keeps the data", async function () {
        const victim = lab.nodes[1];
        const engine = await EngineStack.create({
            projectName: "power-cut-test",
            program: async () => {
                const volume = new GlusterVolume(VOLUME, { cluster: cluster.topology, size: "1Gi", durability: { type: "replicate", replica: 3 } });
                return { mountSource: volume.mountSource, backups: volume.backupVolfileServers, bricks: volume.bricks } satisfies Record<string, pulumi.Output<unknown>>;
            },
        });
        let victimDown = false;
        let destroyed = false;
        try {
            const { outputs, stdout } = await engine.up();
            const upReturned = performance.now();
            const source = outputs.mountSource.value as string;
            const backups = outputs.backups.value as string[];
            const victimBrick = (outputs.bricks.value as VolumeBrick[]).find((brick) => brick.node === victim.name);
            assert.ok(victimBrick, `${victim.name} holds a brick`);
            const flushed = /volume 'powercut': 3 brick filesystems and fstab flushed to disk on 3 host\(s\) in ([\d.]+) s/.exec(stdout);
            assert.ok(flushed, "up reports the flush");
            console.log(`      flush of 3 bricks + fstab: ${flushed[1]} s`);

            // Written as an application that cares writes: fsync'd, so the bricks hold it when the
            // power goes; what the product must keep is the brick itself.
            const written = await onMount(
                source,
                backups,
                "seq 1 200000 > numbers.txt\nmkdir notes\necho before the cut > notes/first.txt\nsync numbers.txt notes/first.txt notes .\nsha256sum numbers.txt",
            );
            await labNode("kill", victim.name);
            victimDown = true;
            console.log(`      ${victim.name} lost power ${((performance.now() - upReturned) / 1000).toFixed(1)} s after up returned`);
            await onMount(source, backups, "echo while it was down > notes/second.txt");

            await labNode("start", victim.name);
            victimDown = false;
            await closeAll(); // the pooled connection to the victim died with it
            const victimHost = cluster.hosts.get(victim.name)!;
            const n1 = cluster.hosts.get(lab.nodes[0].name)!;

            // The brick came back by itself: mounted from fstab, its xattrs intact, glusterd runs it.
            assert.equal((await victimHost.tryRun(["mountpoint", "-q", brickMount(victimBrick)])).exitCode, 0, "the brick filesystem is mounted again");
            const [info] = parseVolumeInfo((await n1.run(volumeInfoArgs(VOLUME))).stdout);
            const xattr = (await victimHost.run(["getfattr", "--absolute-names", "-n", "trusted.glusterfs.volume-id", "-e", "hex", victimBrick.path])).stdout;
            assert.match(xattr, new RegExp(`^trusted\\.glusterfs\\.volume-id=0x${info.id.replace(/-/g, "")}$`, "m"), "the brick root keeps the volume id");
            const online = await waitFor(`${victim.name}'s brick online`, 120_000, 2000, async () => {
                const [status] = parseVolumeStatus((await n1.run(glusterArgs("volume", "status", VOLUME))).stdout);
                const brick = status.bricks.find((entry) => entry.hostname === victim.host && entry.path === victimBrick.path);
                return { done: brick?.online && brick.pid !== null ? brick : undefined, seen: JSON.stringify(status.bricks) };
            });
            assert.ok(online.port !== null);

            const healed = performance.now();
            await waitForHeal(n1, VOLUME);
            console.log(`      heal complete ${((performance.now() - healed) / 1000).toFixed(1)} s after the brick was online`);

            // The victim's own copy holds both what it had before the cut and what it missed.
            const onBrick = async (host: SshExecutor, file: string) => (await host.run(["cat", `${victimBrick.path}/${file}`])).stdout;
            assert.equal(await onBrick(victimHost, "notes/second.txt"), "while it was down\n");
            assert.equal(await onBrick(victimHost, "notes/first.txt"), "before the cut\n");
            const read = await onMount(source, backups, "sha256sum numbers.txt\ncat notes/first.txt notes/second.txt");
            assert.equal(read, `${written}before the cut\nwhile it was down\n`);

            await engine.destroy();
            destroyed = true;
            for (const [node, host] of cluster.hosts) {
                assert.deepEqual(await leftovers(host, cluster.vgNames.get(node)!), { lvs: [], mounts: [], fstabLines: [], mountDirs: [] }, `${node} has leftovers`);
            }
        } finally {
            if (victimDown) {
                await labNode("start", victim.name);
                await closeAll();
            }
            if (!destroyed) {
                // After a failure: the volume must go before the cluster can.
                await engine.destroy().catch((error: unknown) => console.log(`      clean-up: destroy failed: ${error}`));
            }
            await engine.dispose();
        }
    });
});
