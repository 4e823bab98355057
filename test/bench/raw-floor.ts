// The raw floor the bench compares `pulumi up` with: the very commands a volume needs (heketi's,
// built by the same builders as the product's), sent as ONE remote command per brick over an SSH
// connection per volume group (so a node's bricks on different VGs are made at once), then
// `volume create` + `start` per volume one after another (glusterd serialises them anyway). No
// engine, no placement, no reads, no rollback: what no tool can beat on these hosts.
import { createConnection } from "node:net";
import type { ClusterTopology } from "../../components";
import { commandLine, SshExecutor, glusterArgs } from "../../components/remote";
import {
    brickId,
    brickMount,
    brickPath,
    fstabAddArgs,
    fstabRemoveArgs,
    lvcreateArgs,
    lvremoveArgs,
    mkfsArgs,
    mountArgs,
    volumeCreateArgs,
    type BrickSpec,
} from "../../components/volume/commands";
import { volumeDeleteArgs, volumeStartArgs, volumeStopArgs } from "../../components/access";

interface RawBrick extends BrickSpec {
    node: string;
    storageHost: string;
}

/** Volume `name`'s replica 3 bricks: one per node, on the node's VG number `index` (mod its VG count). */
function rawBricks(topology: ClusterTopology, name: string, index: number, sizeBytes: number): RawBrick[] {
    return topology.nodes.map((node, position) => {
        const device = node.devices[index % node.devices.length];
        // heketi's pool for a brick without snapshots: the brick's size, with 8 MiB of metadata.
        return { node: node.name, storageHost: node.storageHost, id: brickId(name, 0, position), vgName: device.vgName, sizeBytes, poolBytes: sizeBytes, poolMetadataBytes: 8 * 2 ** 20 };
    });
}

const script = (commands: string[][]): string[] => ["sh", "-c", commands.map(commandLine).join(" && ")];

const makeBrick = (brick: RawBrick) =>
    script([["mkdir", "-p", brickMount(brick)], lvcreateArgs(brick), mkfsArgs(brick), fstabAddArgs(brick), mountArgs(brick), ["mkdir", "-p", brickPath(brick)], ["sync", "-f", brickMount(brick)]]);

const removeBrick = (brick: RawBrick) =>
    script([["umount", brickMount(brick)], fstabRemoveArgs(brick), lvremoveArgs(brick, { lv: true, pool: true }), ["rmdir", brickMount(brick)]]);

/** One executor per node and VG: a connection each (a distinct tunnel factory keeps them apart). */
class Connections {
    private readonly executors = new Map<string, SshExecutor>();

    constructor(private readonly topology: ClusterTopology) {}

    to(nodeName: string, vgName = ""): SshExecutor {
        const key = `${nodeName}/${vgName}`;
        let executor = this.executors.get(key);
        if (executor === undefined) {
            const node = this.topology.nodes.find((candidate) => candidate.name === nodeName)!;
            const { user, port, privateKey, hostKey } = node.connection;
            executor = new SshExecutor({ host: node.manageHost, user, port, privateKey, hostKey, name: nodeName, sock: async () => createConnection(port ?? 22, node.manageHost) });
            this.executors.set(key, executor);
        }
        return executor;
    }

    async close(): Promise<void> {
        await Promise.all([...this.executors.values()].map((executor) => executor.close()));
    }
}

/** Runs each VG's bricks one after another, all VGs of all nodes at once. */
async function perVolumeGroup(connections: Connections, bricks: readonly RawBrick[], argv: (brick: RawBrick) => string[]): Promise<void> {
    const groups = new Map<string, RawBrick[]>();
    for (const brick of bricks) {
        groups.set(`${brick.node}/${brick.vgName}`, [...(groups.get(`${brick.node}/${brick.vgName}`) ?? []), brick]);
    }
    await Promise.all(
        [...groups.values()].map(async (group) => {
            for (const brick of group) {
                await connections.to(brick.node, brick.vgName).run(argv(brick));
            }
        }),
    );
}

/** Seconds to create `count` replica 3 volumes the raw way, and to delete them again. */
export async function rawFloor(topology: ClusterTopology, count: number, sizeBytes: number): Promise<{ createSeconds: number; deleteSeconds: number }> {
    const names = Array.from({ length: count }, (_, index) => `raw${index + 1}`);
    const bricks = new Map(names.map((name, index) => [name, rawBricks(topology, name, index, sizeBytes)]));
    const all = [...bricks.values()].flat();
    const connections = new Connections(topology);
    const peer = () => connections.to(topology.nodes[0].name);
    try {
        // Connections are opened before the clock starts, as a long-running tool's would be.
        await Promise.all(all.map((brick) => connections.to(brick.node, brick.vgName).run(["true"])));
        await peer().run(["true"]);
        let started = performance.now();
        await perVolumeGroup(connections, all, makeBrick);
        for (const [name, volumeBricks] of bricks) {
            await peer().run(volumeCreateArgs(name, { type: "replicate", replica: 3 }, volumeBricks.map((brick) => `${brick.storageHost}:${brickPath(brick)}`)));
            await peer().run(volumeStartArgs(name));
        }
        const createSeconds = (performance.now() - started) / 1000;
        started = performance.now();
        for (const name of names) {
            await peer().run(volumeStopArgs(name));
            await peer().run(volumeDeleteArgs(name));
        }
        await perVolumeGroup(connections, all, removeBrick);
        return { createSeconds, deleteSeconds: (performance.now() - started) / 1000 };
    } finally {
        // Whatever a failure left: volumes first, then bricks (errors ignored, the bench reports the first).
        for (const name of names) {
            await peer().tryRun(glusterArgs("volume", "stop", name, "force")).catch(() => undefined);
            await peer().tryRun(glusterArgs("volume", "delete", name)).catch(() => undefined);
        }
        await Promise.all(all.map((brick) => connections.to(brick.node, brick.vgName).tryRun(removeBrick(brick)).catch(() => undefined)));
        await connections.close();
    }
}
