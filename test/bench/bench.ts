// npm run bench [-- volumes|preview|curve|profile]: on the lab, seconds for `pulumi up` of one replica 3
// volume and of ten at once against the raw floor measured in the same run (the same commands,
// one remote command per brick, VGs in parallel: raw-floor.ts); `pulumi preview` of a project
// (test/stacks/volumes) as a pull request runs it; and the cost curve: up, refresh, preview with
// no change and the volumes' deletion for 1, 10, 25 and 50 volumes (as many as the lab's disks
// hold), in seconds per volume, drawn to test/bench/curve.svg. Writes test/bench/results.json
// (a part run alone keeps the other parts' figures). The profile part sums the host commands of
// an up, a refresh and a deletion of ten volumes per command class: where the time goes.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { closeAll, ClusterTopology, GlusterCluster, GlusterVolume } from "../../components";
import { PROFILE_FILE_VARIABLE } from "../../components/access";
import { parseVgs, vgsArgs } from "../../components/remote";
import { MiB, parseSize } from "../../components/sizes";
import { EngineStack } from "../engine/automation";
import { repoRoot } from "../engine/engine";
import { labClusterArgs, labExecutor, labNodesConfig, loadLab, type Lab } from "../lab/lab";
import { curveChart } from "./chart";
import { commandCosts, type CommandCost } from "./profile";
import { rawFloor } from "./raw-floor";

const SIZE = "1Gi";
const DURABILITY = { type: "replicate", replica: 3 } as const;

const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** heketi v10.4.1 on this lab (SSH executor, 16 operations in flight), as issue 14 measured it. */
const HEKETI_SECONDS = { oneVolumeCreate: 14.5, tenVolumesCreate: 104.4, tenVolumesDelete: 121.7 };

/** An inline stack of the lab's cluster `name` and `count()` replica 3 volumes `<name><i>` of `size`, read at each run. */
function volumesStack(lab: Lab, name: string, size: string, count: () => number): Promise<EngineStack> {
    return EngineStack.create({
        projectName: `pulumi-gluster-bench-${name}`,
        program: async () => {
            const cluster = new GlusterCluster(name, labClusterArgs(lab));
            for (let i = 1; i <= count(); i++) {
                new GlusterVolume(`${name}${i}`, { cluster, size, durability: DURABILITY });
            }
            return { topology: cluster.topology };
        },
    });
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
    const started = performance.now();
    const result = await work();
    return [result, seconds(performance.now() - started)];
}

/** Seconds of `pulumi up` and of the provider called directly, for one and ten volumes. */
async function volumesBench(lab: Lab): Promise<Record<string, number>> {
    // Each up below changes the count.
    let volumeCount = 0;
    const engine = await volumesStack(lab, "bench", SIZE, () => volumeCount);
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
        const one = await rawFloor(topology, 1, parseSize(SIZE));
        const ten = await rawFloor(topology, 10, parseSize(SIZE));
        const ratio = (value: number, floor: number) => Math.round((100 * value) / floor) / 100;
        return {
            clusterUp,
            oneVolumeUp,
            oneVolumeDelete,
            tenVolumesUp,
            tenVolumesDelete,
            floorOneVolumeCreate: seconds(one.createSeconds * 1000),
            floorOneVolumeDelete: seconds(one.deleteSeconds * 1000),
            floorTenVolumesCreate: seconds(ten.createSeconds * 1000),
            floorTenVolumesDelete: seconds(ten.deleteSeconds * 1000),
            oneVolumeUpVsFloor: ratio(oneVolumeUp, one.createSeconds),
            tenVolumesUpVsFloor: ratio(tenVolumesUp, ten.createSeconds),
            tenVolumesUpVsHeketi: ratio(tenVolumesUp, HEKETI_SECONDS.tenVolumesCreate),
            tenVolumesDeleteVsHeketi: ratio(tenVolumesDelete, HEKETI_SECONDS.tenVolumesDelete),
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

/** Volumes of the curve: small, so that many fit the lab's disks. */
const CURVE_VOLUME_SIZE = PREVIEW_VOLUME_SIZE;
const CURVE_POINTS = [1, 10, 25, 50];

interface CurvePoint {
    volumes: number;
    seconds: { up: number; refresh: number; preview: number; delete: number };
}

/** up, refresh, preview with no change and deletion of N volumes, for each N the disks hold. */
async function curveBench(lab: Lab): Promise<CurvePoint[]> {
    let volumeCount = 0;
    const engine = await volumesStack(lab, "curve", CURVE_VOLUME_SIZE, () => volumeCount);
    try {
        await engine.up();
        const capacity = await volumesThatFit(lab, parseSize(CURVE_VOLUME_SIZE));
        const points = CURVE_POINTS.filter((count) => count <= capacity);
        console.log(`curve: ${points.join(", ")} volumes (the disks hold ${capacity} of ${CURVE_VOLUME_SIZE})`);
        const curve: CurvePoint[] = [];
        for (const count of points) {
            volumeCount = count;
            const [, up] = await timed(() => engine.up());
            const [, refresh] = await timed(() => engine.refresh());
            const [, preview] = await timed(() => engine.preview());
            volumeCount = 0;
            const [, remove] = await timed(() => engine.up());
            curve.push({ volumes: count, seconds: { up, refresh, preview, delete: remove } });
            console.log(JSON.stringify(curve.at(-1)));
        }
        const perVolume = (key: keyof CurvePoint["seconds"]) => ({ name: key, points: curve.map((point) => [point.volumes, point.seconds[key] / point.volumes] as const) });
        const svg = curveChart(`seconds per volume (${CURVE_VOLUME_SIZE} replica 3, ${lab.nodes.length} nodes)`, (["up", "refresh", "preview", "delete"] as const).map(perVolume));
        writeFileSync(path.join(repoRoot, "test/bench/curve.svg"), svg);
        return curve;
    } finally {
        await engine.destroy().catch((error: Error) => console.error(`destroy failed: ${error.message}`));
        await engine.dispose();
    }
}

/** How many replica 3 volumes of `sizeBytes` the emptiest node's free VG space holds (pool metadata and rounding included). */
async function volumesThatFit(lab: Lab, sizeBytes: number): Promise<number> {
    const free = await Promise.all(
        lab.nodes.map(async (node) => {
            const host = labExecutor(node);
            const groups = parseVgs((await host.run(vgsArgs())).stdout);
            return groups.reduce((total, group) => total + Math.floor(group.vgFree / (sizeBytes + 16 * MiB)), 0);
        }),
    );
    return Math.min(...free);
}

const PROFILE_VOLUMES = 10;

/** Host commands of `up` (ten volumes), `refresh` and the volumes' deletion, summed per command class. */
async function profileBench(lab: Lab): Promise<Record<string, CommandCost[]>> {
    let volumeCount = 0;
    const engine = await volumesStack(lab, "profile", SIZE, () => volumeCount);
    // The providers inherit the engine's environment: each host command's line lands in the file.
    const file = path.join(os.tmpdir(), `pulumi-gluster-profile-${process.pid}.log`);
    process.env[PROFILE_FILE_VARIABLE] = file;
    const costs = async (operation: () => Promise<unknown>) => {
        writeFileSync(file, "");
        await operation();
        return commandCosts(readFileSync(file, "utf8").split("\n"));
    };
    try {
        await engine.up();
        volumeCount = PROFILE_VOLUMES;
        const up = await costs(() => engine.up());
        const refresh = await costs(() => engine.refresh());
        volumeCount = 0;
        const remove = await costs(() => engine.up());
        for (const [name, table] of Object.entries({ up, refresh, delete: remove })) {
            console.log(`${name} of ${PROFILE_VOLUMES} volumes:`);
            console.table(table);
        }
        return { up, refresh, delete: remove };
    } finally {
        delete process.env[PROFILE_FILE_VARIABLE];
        rmSync(file, { force: true });
        await engine.destroy().catch((error: Error) => console.error(`destroy failed: ${error.message}`));
        await engine.dispose();
    }
}

/** What a part measured: plain seconds, or the curve, or a profile. */
interface Figures {
    seconds?: Record<string, number>;
    curve?: CurvePoint[];
    profile?: Record<string, CommandCost[]>;
}

const PARTS: Record<string, (lab: Lab) => Promise<Figures>> = {
    volumes: async (lab) => ({ seconds: await volumesBench(lab) }),
    preview: async (lab) => ({ seconds: await previewBench(lab) }),
    curve: async (lab) => ({ curve: await curveBench(lab) }),
    profile: async (lab) => ({ profile: await profileBench(lab) }),
};

async function main(only: string | undefined): Promise<void> {
    if (only !== undefined && !(only in PARTS)) {
        throw new Error(`bench: no part '${only}'; run one of ${Object.keys(PARTS).join(", ")}, or all without an argument`);
    }
    const lab = loadLab();
    const file = path.join(repoRoot, "test/bench/results.json");
    const previous = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Figures) : {};
    const seconds: Record<string, number> = { ...previous.seconds };
    let curve = previous.curve;
    let profile = previous.profile;
    try {
        for (const [name, part] of Object.entries(PARTS)) {
            if (only === undefined || only === name) {
                const figures = await part(lab);
                Object.assign(seconds, figures.seconds);
                curve = figures.curve ?? curve;
                profile = figures.profile ?? profile;
            }
        }
    } finally {
        await closeAll();
    }
    const results = {
        date: new Date().toISOString(),
        machine: { cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30) },
        lab: { nodes: lab.nodes.length, devicesPerNode: lab.nodes[0].devices.length },
        volume: { size: SIZE, durability: "replica 3", previewSize: PREVIEW_VOLUME_SIZE, curveSize: CURVE_VOLUME_SIZE },
        heketi: { source: "issue 14, same lab, heketi v10.4.1", seconds: HEKETI_SECONDS },
        seconds,
        curve,
        profile,
    };
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    console.log(JSON.stringify(seconds, null, 2));
    console.log(`written to ${file}`);
}

main(process.argv[2]).catch((error: Error) => {
    console.error(error.message);
    process.exitCode = 1;
});
