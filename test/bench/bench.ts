// npm run bench [-- volumes|preview|curve|profile|db]: on the lab, seconds of the CLI's own run of
// `pulumi up` (the reads the Automation API adds after it left out) of one replica 3 volume and of
// ten at once against the raw floor measured in the same run (the same commands,
// one remote command per brick, VGs in parallel: raw-floor.ts); `pulumi preview` of a project
// (test/stacks/volumes) as a pull request runs it; and the cost curve: up, refresh, preview with
// no change and the volumes' deletion for 1, 10, 25 and 50 volumes (as many as the lab's disks
// hold), in seconds per volume, drawn to test/bench/curve.svg. Writes test/bench/results.json
// (a part run alone keeps the other parts' figures). The profile part sums the host commands of
// an up, a refresh and a deletion of ten volumes per command class: where the time goes. The db
// part runs MariaDB (the test image, BENCH_MARIADB_IMAGE) on a volume with the db-workload preset
// and on one without: its first start, and rounds of single-row autocommit inserts (per second
// over the median round).
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { closeAll, ClusterTopology, GlusterCluster, GlusterVolume } from "../../components";
import { PROFILE_FILE_VARIABLE } from "../../components/access";
import { parseVgs, vgsArgs } from "../../components/remote";
import { MiB, parseSize } from "../../components/sizes";
import { EngineStack, type OperationResult } from "../engine/automation";
import { repoRoot } from "../engine/engine";
import { labClusterArgs, labExecutor, labNodesConfig, loadLab, type Lab } from "../lab/lab";
import { curveChart } from "./chart";
import { commandCosts, type CommandCost } from "./profile";
import { rawFloor } from "./raw-floor";

const SIZE = "1Gi";
const DURABILITY = { type: "replicate", replica: 3 } as const;

const seconds = (ms: number) => Math.round(ms / 100) / 10;

/**
 * The engine's resource operations at once (`pulumi up --parallel`): the CLI's default is 4 per
 * CPU, 8 on a 2-core machine, which would hold back the ninth and tenth volume until others end.
 * heketi's figures were taken with 16 operations in flight.
 */
const ENGINE_PARALLEL = 16;

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

/**
 * An engine operation and the seconds of the CLI's own run (`pulumi up` as a user times it),
 * leaving out the reads the Automation API adds after it (OperationResult.cliMs).
 */
async function timed<T extends OperationResult>(work: () => Promise<T>): Promise<[T, number]> {
    const result = await work();
    return [result, seconds(result.cliMs)];
}

/**
 * One volume's figures are the median of this many rounds, ours and the floor's taken in turn:
 * on this shared machine one volume's up varies by about a second from one run to the next.
 */
const ONE_VOLUME_ROUNDS = 3;

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Seconds of `pulumi up` and of the raw floor, for one volume (median of rounds) and ten. */
async function volumesBench(lab: Lab): Promise<Record<string, number>> {
    // Each up below changes the count.
    let volumeCount = 0;
    const engine = await volumesStack(lab, "bench", SIZE, () => volumeCount);
    const upWith = async (count: number) => {
        volumeCount = count;
        return (await timed(() => engine.up({ parallel: ENGINE_PARALLEL })))[1];
    };
    try {
        const clusterUp = await upWith(0);
        // The engine's fixed cost, which the raw floor does not pay: the program, the provider process, the cluster's own resources.
        const noChangeUp = await upWith(0);
        const topology = (await engine.outputs()).topology.value as ClusterTopology;
        // One volume: ours and the floor in turn, each round's up, deletion and floor, then the medians.
        const rounds: Array<{ up: number; remove: number; floorCreate: number; floorDelete: number }> = [];
        for (let round = 1; round <= ONE_VOLUME_ROUNDS; round++) {
            const up = await upWith(1);
            const remove = await upWith(0);
            const floor = await rawFloor(topology, 1, parseSize(SIZE));
            const measured = { up, remove, floorCreate: seconds(floor.createSeconds * 1000), floorDelete: seconds(floor.deleteSeconds * 1000) };
            rounds.push(measured);
            console.log(`one volume, round ${round}: up ${up} s, delete ${remove} s; floor ${measured.floorCreate} s, ${measured.floorDelete} s`);
        }
        const oneVolumeUp = median(rounds.map((round) => round.up));
        const floorOneVolumeCreate = median(rounds.map((round) => round.floorCreate));
        const tenVolumesUp = await upWith(10);
        const tenVolumesDelete = await upWith(0);
        const ten = await rawFloor(topology, 10, parseSize(SIZE));
        const ratio = (value: number, floor: number) => Math.round((100 * value) / floor) / 100;
        return {
            clusterUp,
            noChangeUp,
            oneVolumeUp,
            oneVolumeDelete: median(rounds.map((round) => round.remove)),
            tenVolumesUp,
            tenVolumesDelete,
            floorOneVolumeCreate,
            floorOneVolumeDelete: median(rounds.map((round) => round.floorDelete)),
            floorTenVolumesCreate: seconds(ten.createSeconds * 1000),
            floorTenVolumesDelete: seconds(ten.deleteSeconds * 1000),
            oneVolumeUpVsFloor: ratio(oneVolumeUp, floorOneVolumeCreate),
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

/** test/bench/curve.svg: seconds per volume of each measure against the number of volumes. */
function writeCurveChart(lab: Lab, curve: readonly CurvePoint[]): void {
    const perVolume = (key: keyof CurvePoint["seconds"]) => ({ name: key, points: curve.map((point) => [point.volumes, point.seconds[key] / point.volumes] as const) });
    const svg = curveChart(`seconds per volume (${CURVE_VOLUME_SIZE} replica 3, ${lab.nodes.length} nodes)`, (["up", "refresh", "preview", "delete"] as const).map(perVolume));
    writeFileSync(path.join(repoRoot, "test/bench/curve.svg"), svg);
}

/**
 * up, refresh, preview with no change and deletion of N volumes, for each N the disks hold. Each
 * finished point is saved at once (results and chart), so a run stopped later keeps it.
 */
async function curveBench(lab: Lab, save: (figures: Figures) => void): Promise<CurvePoint[]> {
    let volumeCount = 0;
    const engine = await volumesStack(lab, "curve", CURVE_VOLUME_SIZE, () => volumeCount);
    try {
        await engine.up();
        const capacity = await volumesThatFit(lab, parseSize(CURVE_VOLUME_SIZE));
        const points = CURVE_POINTS.filter((count) => count <= capacity);
        const skipped = CURVE_POINTS.filter((count) => count > capacity);
        console.log(`curve: ${points.join(", ")} volumes (the nodes' disks and memory hold ${capacity} of ${CURVE_VOLUME_SIZE})`);
        if (skipped.length > 0) {
            console.log(`curve: ${skipped.join(", ")} volumes skipped: the lab's disks or memory are too small; run 'npm run lab:down' so that the curve makes a lab of 20G disks and 2G nodes`);
        }
        const curve: CurvePoint[] = [];
        for (const count of points) {
            volumeCount = count;
            const [, up] = await timed(() => engine.up({ parallel: ENGINE_PARALLEL }));
            const [, refresh] = await timed(() => engine.refresh());
            const [, preview] = await timed(() => engine.preview());
            volumeCount = 0;
            const [, remove] = await timed(() => engine.up({ parallel: ENGINE_PARALLEL }));
            curve.push({ volumes: count, seconds: { up, refresh, preview, delete: remove } });
            console.log(JSON.stringify(curve.at(-1)));
            writeCurveChart(lab, curve);
            save({ curve });
        }
        return curve;
    } finally {
        await engine.destroy().catch((error: Error) => console.error(`destroy failed: ${error.message}`));
        await engine.dispose();
    }
}

/** What a node runs besides its bricks, and what each brick's glusterfsd takes (measured: 35 bricks filled a 768M node). */
const NODE_BASE_MEMORY = 128 * MiB;
const BRICK_PROCESS_MEMORY = 17 * MiB;

/**
 * How many replica 3 volumes of `sizeBytes` the emptiest node holds: in its free VG space (pool
 * metadata and rounding included) and in its memory (one brick process per volume; beyond it the
 * node's OOM killer takes glusterd).
 */
async function volumesThatFit(lab: Lab, sizeBytes: number): Promise<number> {
    const perNode = await Promise.all(
        lab.nodes.map(async (node) => {
            const host = labExecutor(node);
            const groups = parseVgs((await host.run(vgsArgs())).stdout);
            const onDisks = groups.reduce((total, group) => total + Math.floor(group.vgFree / (sizeBytes + 16 * MiB)), 0);
            const memoryKiB = Number(/^MemTotal:\s+(\d+) kB$/m.exec((await host.run(["cat", "/proc/meminfo"])).stdout)?.[1] ?? 0);
            const inMemory = Math.floor((memoryKiB * 1024 - NODE_BASE_MEMORY) / BRICK_PROCESS_MEMORY);
            return Math.min(onDisks, inMemory);
        }),
    );
    return Math.min(...perNode);
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
        const up = await costs(() => engine.up({ parallel: ENGINE_PARALLEL }));
        const refresh = await costs(() => engine.refresh());
        volumeCount = 0;
        const remove = await costs(() => engine.up({ parallel: ENGINE_PARALLEL }));
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

const DB_INSERTS = 1000;
const DB_ROUNDS = 3;

interface DatabaseRun {
    /** The entrypoint's first initialisation of the empty datadir and the server's start. */
    startSeconds: number;
    /** Each round's seconds for DB_INSERTS inserts. */
    roundSeconds: number[];
    /** Over the median round. */
    insertsPerSecond: number;
}

interface DatabaseFigures {
    volume: string;
    /** Single-row autocommit INSERTs per round. */
    inserts: number;
    preset: DatabaseRun;
    none: DatabaseRun;
    /** Inserts per second with the preset over those without. */
    presetSpeedup: number;
}

/** MariaDB on a replica 3 volume with the db-workload preset and on one without, one after the other. */
async function databaseBench(lab: Lab): Promise<DatabaseFigures> {
    const archive = process.env.BENCH_MARIADB_IMAGE;
    if (!archive) {
        throw new Error("bench db: BENCH_MARIADB_IMAGE is not set; run it as 'npm run bench -- db', which builds the MariaDB image first");
    }
    const engine = await EngineStack.create({
        projectName: "pulumi-gluster-bench-db",
        program: async () => {
            const cluster = new GlusterCluster("db", labClusterArgs(lab));
            const volume = (name: string, preset?: "db-workload") => {
                const created = new GlusterVolume(name, { cluster, size: SIZE, durability: DURABILITY, preset });
                return { mountSource: created.mountSource, backupVolfileServers: created.backupVolfileServers };
            };
            return { preset: volume("dbpreset", "db-workload"), none: volume("dbnone") };
        },
    });
    const scratch = mkdtempSync(path.join(os.tmpdir(), "pulumi-gluster-bench-db-"));
    try {
        const rootfs = path.join(scratch, "rootfs");
        await unpackImage(archive, path.join(scratch, "image"), rootfs);
        await engine.up();
        const outputs = await engine.outputs();
        const run = async (key: "preset" | "none"): Promise<DatabaseRun> => {
            const volume = outputs[key].value as { mountSource: string; backupVolfileServers: string[] };
            const script = path.join(repoRoot, "test/bench/mariadb-inserts.sh");
            const args = [script, rootfs, volume.mountSource, volume.backupVolfileServers.join(":"), String(DB_INSERTS), String(DB_ROUNDS)];
            const stdout = await runShowingProgress("unshare", ["--mount", "--pid", "--fork", "--kill-child", "--mount-proc", "bash", ...args]);
            const { startSeconds, roundSeconds } = JSON.parse(stdout) as { startSeconds: number; roundSeconds: number[] };
            const median = [...roundSeconds].sort((a, b) => a - b)[Math.floor(roundSeconds.length / 2)];
            return { startSeconds, roundSeconds, insertsPerSecond: Math.round(DB_INSERTS / median) };
        };
        const preset = await run("preset");
        const none = await run("none");
        console.log(JSON.stringify({ preset, none }));
        return { volume: `${SIZE} replica 3`, inserts: DB_INSERTS, preset, none, presetSpeedup: Math.round((100 * preset.insertsPerSecond) / none.insertsPerSecond) / 100 };
    } finally {
        // The script's mounts (the volume, /dev, /proc) live only in its own mount namespace.
        rmSync(scratch, { recursive: true, force: true });
        await engine.destroy().catch((error: Error) => console.error(`destroy failed: ${error.message}`));
        await engine.dispose();
    }
}

/** Runs a command whose progress (stderr) shows as it comes; resolves with its stdout. */
function runShowingProgress(file: string, args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
        const child = spawn(file, args, { stdio: ["ignore", "pipe", "inherit"] });
        let stdout = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.on("error", reject);
        child.on("close", (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${file} ${args.join(" ")} exited ${code} (see above)`))));
    });
}

/** Unpacks the one-layer OCI archive the image build writes into `rootfs`. */
async function unpackImage(archive: string, layout: string, rootfs: string): Promise<void> {
    const run = promisify(execFile);
    mkdirSync(layout);
    mkdirSync(rootfs);
    await run("tar", ["-xf", archive, "-C", layout]);
    const blob = (digest: string) => path.join(layout, "blobs", ...digest.split(":"));
    const index = JSON.parse(readFileSync(path.join(layout, "index.json"), "utf8")) as { manifests: { digest: string }[] };
    const manifest = JSON.parse(readFileSync(blob(index.manifests[0].digest), "utf8")) as { layers: { digest: string }[] };
    for (const layer of manifest.layers) {
        await run("tar", ["-xzf", blob(layer.digest), "-C", rootfs]);
    }
}

/** What a part measured: plain seconds, or the curve, or a profile, or the database's figures. */
interface Figures {
    seconds?: Record<string, number>;
    curve?: CurvePoint[];
    profile?: Record<string, CommandCost[]>;
    database?: DatabaseFigures;
}

/** A part: measures on the lab; `save` writes figures it has so far (a part may save more than once). */
const PARTS: Record<string, (lab: Lab, save: (figures: Figures) => void) => Promise<Figures>> = {
    volumes: async (lab) => ({ seconds: await volumesBench(lab) }),
    preview: async (lab) => ({ seconds: await previewBench(lab) }),
    curve: async (lab, save) => ({ curve: await curveBench(lab, save) }),
    profile: async (lab) => ({ profile: await profileBench(lab) }),
    db: async (lab) => ({ database: await databaseBench(lab) }),
};

async function main(only: string | undefined): Promise<void> {
    if (only !== undefined && !(only in PARTS)) {
        throw new Error(`bench: no part '${only}'; run one of ${Object.keys(PARTS).join(", ")}, or all without an argument`);
    }
    const lab = loadLab();
    const file = path.join(repoRoot, "test/bench/results.json");
    const previous = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Figures) : {};
    const kept: Figures = { seconds: { ...previous.seconds }, curve: previous.curve, profile: previous.profile, database: previous.database };
    const save = (figures: Figures): void => {
        kept.seconds = { ...kept.seconds, ...figures.seconds };
        kept.curve = figures.curve ?? kept.curve;
        kept.profile = figures.profile ?? kept.profile;
        kept.database = figures.database ?? kept.database;
        const results = {
            date: new Date().toISOString(),
            machine: { cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30) },
            lab: { nodes: lab.nodes.length, devicesPerNode: lab.nodes[0].devices.length },
            volume: { size: SIZE, durability: "replica 3", previewSize: PREVIEW_VOLUME_SIZE, curveSize: CURVE_VOLUME_SIZE },
            engine: { parallel: ENGINE_PARALLEL },
            heketi: { source: "issue 14, same lab, heketi v10.4.1, 16 operations in flight", seconds: HEKETI_SECONDS },
            ...kept,
        };
        writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    };
    try {
        for (const [name, part] of Object.entries(PARTS)) {
            if (only === undefined || only === name) {
                save(await part(lab, save));
            }
        }
    } finally {
        await closeAll();
    }
    console.log(JSON.stringify(kept.seconds, null, 2));
    console.log(`written to ${file}`);
}

main(process.argv[2]).catch((error: Error) => {
    console.error(error.message);
    process.exitCode = 1;
});
