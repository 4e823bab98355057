// npm run bench: on the lab, seconds for `pulumi up` of one replica 3 volume and of ten at once,
// and the floor: the provider's own create and delete called directly in this process, i.e. the
// same commands over one SSH connection per node with no engine around them. Writes
// test/bench/results.json.
import { writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { closeAll, ClusterTopology, GlusterCluster, GlusterVolume } from "../../components";
import * as volumeProvider from "../../components/volume/provider";
import type { VolumeInputs, VolumeOutputs } from "../../components/volume/inputs";
import { repoRoot } from "../engine/engine";
import { loadLab } from "../lab/lab";
import { labClusterArgs } from "../lab/lab";
import { EngineStack } from "../engine/automation";

const SIZE = "1Gi";
const DURABILITY = { type: "replicate", replica: 3 } as const;

const seconds = (ms: number) => Math.round(ms / 100) / 10;

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
    const started = performance.now();
    const result = await work();
    return [result, seconds(performance.now() - started)];
}

async function main(): Promise<void> {
    const lab = loadLab();
    // The program declares the cluster and `volumeCount` volumes; each up below changes the count.
    let volumeCount = 0;
    const engine = await EngineStack.create({
        projectName: "pulumi-gluster-bench",
        program: async () => {
            const cluster = new GlusterCluster("bench", labClusterArgs(lab));
            for (let i = 1; i <= volumeCount; i++) {
                new GlusterVolume(`bench${i}`, { cluster, size: SIZE, durability: DURABILITY });
            }
            return { topology: cluster.topology };
        },
    });
    const upWith = async (count: number) => {
        volumeCount = count;
        return (await timed(() => engine.up()))[1];
    };
    try {
        const clusterUp = await upWith(0);
        const oneVolumeUp = await upWith(1);
        const oneVolumeDelete = await upWith(0);
        const tenVolumesUp = await upWith(10);
        const tenVolumesDelete = await upWith(0);

        const topology = (await engine.outputs()).topology.value as ClusterTopology;
        const inputs = (i: number): VolumeInputs => ({ topology, volumeName: `floor${i}`, size: SIZE, durability: DURABILITY, options: {}, snapshotFactor: 1 });
        const createDirect = (count: number) =>
            timed(() => Promise.all(Array.from({ length: count }, (_, i) => volumeProvider.create(inputs(i + 1)))));
        const deleteDirect = (created: Array<{ outs?: VolumeOutputs }>) =>
            timed(() => Promise.all(created.map(({ outs }) => volumeProvider.delete(outs!.volumeName, outs!))));
        const [one, floorOneVolumeCreate] = await createDirect(1);
        const [, floorOneVolumeDelete] = await deleteDirect(one);
        const [ten, floorTenVolumesCreate] = await createDirect(10);
        const [, floorTenVolumesDelete] = await deleteDirect(ten);

        const results = {
            date: new Date().toISOString(),
            machine: { cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30) },
            lab: { nodes: lab.nodes.length, devicesPerNode: lab.nodes[0].devices.length },
            volume: { size: SIZE, durability: "replica 3" },
            seconds: {
                clusterUp,
                oneVolumeUp,
                oneVolumeDelete,
                tenVolumesUp,
                tenVolumesDelete,
                floorOneVolumeCreate,
                floorOneVolumeDelete,
                floorTenVolumesCreate,
                floorTenVolumesDelete,
            },
        };
        const file = path.join(repoRoot, "test/bench/results.json");
        writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
        console.log(JSON.stringify(results.seconds, null, 2));
        console.log(`written to ${file}`);
    } finally {
        await engine.destroy().catch((error: Error) => console.error(`destroy failed: ${error.message}`));
        await engine.dispose();
        await closeAll();
    }
}

main().catch((error: Error) => {
    console.error(error.message);
    process.exitCode = 1;
});
