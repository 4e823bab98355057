// npm run bench [-- volumes|preview]: on the lab, seconds for `pulumi up` of one replica 3 volume
// and of ten at once, and the floor: the provider's own create and delete called directly in this
// process, i.e. the same commands over one SSH connection per node with no engine around them; and
// `pulumi preview` of a project (test/stacks/volumes) as a pull request runs it: a new stack of
// 100 volumes, and an existing stack of 20 with nothing to change. Writes test/bench/results.json
// (a part run alone keeps the other part's figures).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { closeAll, ClusterTopology, GlusterCluster, GlusterVolume } from "../../components";
import * as volumeProvider from "../../components/volume/provider";
import type { VolumeInputs, VolumeOutputs } from "../../components/volume/inputs";
import { repoRoot } from "../engine/engine";
import { loadLab } from "../lab/lab";
import { labClusterArgs, labNodesConfig, type Lab } from "../lab/lab";
import { EngineStack } from "../engine/automation";

const SIZE = "1Gi";
const DURABILITY = { type: "replicate", replica: 3 } as const;

const seconds = (ms: number) => Math.round(ms / 100) / 10;

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
    const started = performance.now();
    const result = await work();
    return [result, seconds(performance.now() - started)];
}

/** Seconds of `pulumi up` and of the provider called directly, for one and ten volumes. */
async function volumesBench(lab: Lab): Promise<Record<string, number>> {
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

        return {
            clusterUp,
            oneVolumeUp,
            oneVolumeDelete,
            tenVolumesUp,
            tenVolumesDelete,
            floorOneVolumeCreate,
            floorOneVolumeDelete,
            floorTenVolumesCreate,
            floorTenVolumesDelete,
        };
    } finally {
        await engine.destroy().catch((error: Error) => console.error(`destroy failed: ${error.message}`));
        await engine.dispose();
    }
}

/** The smallest volume a brick of which XFS accepts, so that 20 fit the lab's disks. */
const PREVIEW_VOLUME_SIZE = "512Mi";

/** Seconds of `pulumi preview` of the volumes project: new with 100 volumes, existing with 20 unchanged. */
async function previewBench(lab: Lab): Promise<Record<string, number>> {
    const volumes = (count: number) => JSON.stringify(Array.from({ length: count }, (_, i) => ({ resource: `v${i + 1}`, size: PREVIEW_VOLUME_SIZE })));
    const engine = await EngineStack.project(path.join(repoRoot, "test/stacks/volumes"), {
        stackName: "bench-preview",
        config: { ...labNodesConfig(lab), volumes: volumes(100) },
    });
    try {
        const [, previewNewStack100Volumes] = await timed(() => engine.preview());
        await engine.setConfig({ volumes: volumes(20) });
        const [, upStack20Volumes] = await timed(() => engine.up());
        const [, previewNoChange20Volumes] = await timed(() => engine.preview());
        return { previewNewStack100Volumes, upStack20Volumes, previewNoChange20Volumes };
    } finally {
        await engine.destroy().catch((error: Error) => console.error(`destroy failed: ${error.message}`));
        await engine.dispose();
    }
}

const PARTS = { volumes: volumesBench, preview: previewBench };

async function main(only: string | undefined): Promise<void> {
    if (only !== undefined && !(only in PARTS)) {
        throw new Error(`bench: no part '${only}'; run one of ${Object.keys(PARTS).join(", ")}, or all without an argument`);
    }
    const lab = loadLab();
    const file = path.join(repoRoot, "test/bench/results.json");
    const previous = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as { seconds?: Record<string, number> }) : {};
    const seconds: Record<string, number> = { ...previous.seconds };
    try {
        for (const [name, part] of Object.entries(PARTS)) {
            if (only === undefined || only === name) {
                Object.assign(seconds, await part(lab));
            }
        }
    } finally {
        await closeAll();
    }
    const results = {
        date: new Date().toISOString(),
        machine: { cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30) },
        lab: { nodes: lab.nodes.length, devicesPerNode: lab.nodes[0].devices.length },
        volume: { size: SIZE, durability: "replica 3", previewSize: PREVIEW_VOLUME_SIZE },
        seconds,
    };
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    console.log(JSON.stringify(seconds, null, 2));
    console.log(`written to ${file}`);
}

main(process.argv[2]).catch((error: Error) => {
    console.error(error.message);
    process.exitCode = 1;
});
