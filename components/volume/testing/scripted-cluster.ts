// Three scripted storage nodes for orchestration tests: each answers gluster with success, has one
// empty 10 GiB VG, and knows no volume yet; a test scripts the failures it wants on top.
import { ClusterAccess, type ClusterTopology } from "../../access";
import { commandLine, volumeInfoArgs } from "../../remote";
import { readFixture } from "../../remote/testing/fixtures";
import { ScriptedHost } from "../../remote/testing/scripted-host";
import { GiB } from "../../sizes";
import { brickMount, brickPath, fstabAddArgs, fstabRemoveArgs, lvremoveArgs, mkfsArgs, mountArgs } from "../commands";
import type { VolumeInputs } from "../inputs";
import { threeNodeTopology } from "./topology";

export const topology = threeNodeTopology((n) => [{ path: "/dev/sdb", vgName: `vg_${n}${n}${n}${n}`, tags: {} }]);
export const inputs: VolumeInputs = { topology, volumeName: "web", size: "1Gi", durability: { type: "replicate", replica: 3 }, options: { "performance.cache-size": "64MB" }, snapshotFactor: 1 };
export const OK_XML = "<cliOutput><opRet>0</opRet><opErrno>0</opErrno><opErrstr></opErrstr></cliOutput>";
/** `volume info` of every volume on a cluster that has none. */
export const NO_VOLUMES_XML = "<cliOutput><opRet>0</opRet><opErrno>0</opErrno><opErrstr/><volInfo><volumes><count>0</count></volumes></volInfo></cliOutput>";
/** Matches `volume info` of every volume (and not of one). */
export const ALL_VOLUMES_INFO = / -- volume info$/;
export const FAILED_XML = "<cliOutput><opRet>-1</opRet><opErrno>2</opErrno><opErrstr>injected failure</opErrstr></cliOutput>";
/** A brick's thin pool, holding its thin LV or nothing. */
const poolReport = (vgName: string, id: string, holdsLv: boolean) => {
    const pool = { lv_name: `tp_${id}`, vg_name: vgName, lv_size: String(GiB), lv_attr: "twi-a-tz--", pool_lv: "", data_percent: "0.00", lv_metadata_size: "8388608", thin_count: holdsLv ? "1" : "0", lv_tags: "" };
    const lv = { lv_name: `brick_${id}`, vg_name: vgName, lv_size: String(GiB), lv_attr: "Vwi-a-tz--", pool_lv: `tp_${id}`, data_percent: "0.00", lv_metadata_size: "", thin_count: "", lv_tags: "" };
    return JSON.stringify({ report: [{ lv: holdsLv ? [lv, pool] : [pool] }] });
};

/**
 * Answers lvcreate, lvs and lvremove as a host whose brick pools exist: a brick's thin LV is there
 * unless this host tried to create it and a test's rule failed that, or it was removed since.
 */
function scriptBrickLvs(host: ScriptedHost, vgName: string): void {
    const created = new Set<string>();
    const removed = new Set<string>();
    const idOf = (line: string, prefix: string) => new RegExp(`${prefix}_([0-9a-f]{32})`).exec(line)?.[1] ?? "";
    const exists = (id: string) => !removed.has(id) && (created.has(id) || !host.commands.some((line) => line.startsWith("lvcreate ") && idOf(line, "brick") === id));
    host.on(/^lvcreate /, (line) => (created.add(idOf(line, "brick")), {}))
        .on(/^lvs /, (line) => ({ stdout: poolReport(vgName, idOf(line, "tp"), exists(idOf(line, "tp"))) }))
        .on(/^lvremove /, (line) => (removed.add(idOf(line, "brick")), {}));
}

/** Three scripted nodes holding one empty 10 GiB VG each, in a cluster with no volume yet; `clusterTopology` may differ (devices leaving, say). */
export function scriptedCluster(clusterTopology: ClusterTopology = topology): { cluster: ClusterAccess; hosts: Map<string, ScriptedHost> } {
    const hosts = new Map(topology.nodes.map((node) => [node.name, new ScriptedHost(node.name)]));
    for (const [name, host] of hosts) {
        const vgName = topology.nodes.find((node) => node.name === name)!.devices[0].vgName;
        host.on(/^gluster /, { stdout: OK_XML })
            .on(commandLine(volumeInfoArgs("web")), { stdout: readFixture("volume-info-missing.xml") })
            .on(ALL_VOLUMES_INFO, { stdout: NO_VOLUMES_XML })
            .on(/^vgs /, { stdout: vgsReport(vgName) });
        scriptBrickLvs(host, vgName);
    }
    return { cluster: new ClusterAccess(clusterTopology, [], (node) => hosts.get(node.name)!), hosts };
}

/** The brick commands a node ran, as step names, for readable comparisons. */
export function brickSteps(host: ScriptedHost): string[] {
    const id = /brick_([0-9a-f]{32})/.exec(host.commands.join("\n"))?.[1];
    if (id === undefined) {
        return [];
    }
    const vgName = /vg_\d{4}/.exec(host.commands.join("\n"))![0];
    const brick = { id, vgName };
    const names = new Map([
        [commandLine(mkfsArgs(brick)), "mkfs"],
        [commandLine(["mkdir", "-p", brickMount(brick)]), "mkdir mount"],
        [commandLine(fstabAddArgs(brick)), "fstab add"],
        [commandLine(mountArgs(brick)), "mount"],
        [commandLine(["mkdir", "-p", brickPath(brick)]), "mkdir brick"],
        [commandLine(["umount", brickMount(brick)]), "umount"],
        [commandLine(fstabRemoveArgs(brick)), "fstab remove"],
        [commandLine(lvremoveArgs(brick, { lv: true, pool: true })), "lvremove"],
        [commandLine(lvremoveArgs(brick, { lv: true, pool: false })), "lvremove (pool kept)"],
        [commandLine(lvremoveArgs(brick, { lv: false, pool: true })), "remove pool"],
        [commandLine(["rmdir", brickMount(brick)]), "rmdir"],
    ]);
    return host.commands.flatMap((line) => (line.startsWith("lvcreate") ? ["lvcreate"] : names.has(line) ? [names.get(line)!] : []));
}

export const FULL_BRICK = ["lvcreate", "mkfs", "mkdir mount", "fstab add", "mount", "mkdir brick"];
export const FULL_UNDO = ["umount", "fstab remove", "lvremove", "rmdir"];
/** destroyBrick's steps as a scripted host records them: the rmdir starts beside the fstab-then-lvremove sequence. */
export const FULL_DESTROY = ["umount", "fstab remove", "rmdir", "lvremove"];
/** The volume-wide gluster steps ("create web", "stop web") the given hosts ran, in order per host. */
export const volumeSteps = (...hosts: ScriptedHost[]): string[] =>
    hosts.flatMap((host) => host.ran(/^gluster .*-- volume (create|add-brick|set|start|stop|delete|replace-brick) /).map((line) => line.replace(/^gluster --mode=script --xml -- volume /, "").split(" ").slice(0, 2).join(" ")));

type BrickName = { host: string; path: string };

/** `volume info --xml` of a started replica volume with these bricks. */
export function volumeInfoXml(name: string, bricks: readonly BrickName[], replica: number): string {
    const listed = bricks.map(({ host, path }, index) => `<brick uuid="u${index}">${host}:${path}<name>${host}:${path}</name><hostUuid>u${index}</hostUuid><isArbiter>0</isArbiter></brick>`).join("");
    return `<cliOutput><opRet>0</opRet><opErrno>0</opErrno><opErrstr/><volInfo><volumes><volume><name>${name}</name><id>v1</id><status>1</status><statusStr>Started</statusStr>` +
        `<snapshotCount>0</snapshotCount><brickCount>${bricks.length}</brickCount><distCount>${bricks.length / replica}</distCount><replicaCount>${replica}</replicaCount><arbiterCount>0</arbiterCount>` +
        `<disperseCount>0</disperseCount><redundancyCount>0</redundancyCount><type>2</type><typeStr>Replicate</typeStr><transport>0</transport><bricks>${listed}</bricks>` +
        `<optCount>0</optCount><options/></volume><count>1</count></volumes></volInfo></cliOutput>`;
}

/** `volume status --xml` with each brick's process online or not. */
export function volumeStatusXml(name: string, bricks: ReadonlyArray<BrickName & { online: boolean }>): string {
    const nodes = bricks.map(({ host, path, online }, index) => `<node><hostname>${host}</hostname><path>${path}</path><peerid>u${index}</peerid><status>${online ? 1 : 0}</status><port>${online ? 49152 : "N/A"}</port><ports><tcp>N/A</tcp><rdma>N/A</rdma></ports><pid>${online ? 100 + index : -1}</pid></node>`).join("");
    return `<cliOutput><opRet>0</opRet><opErrno>0</opErrno><opErrstr/><volStatus><volumes><volume><volName>${name}</volName><nodeCount>${bricks.length}</nodeCount>${nodes}<tasks/></volume></volumes></volStatus></cliOutput>`;
}

/** `volume heal info --xml` with these pending entry counts. */
export function healInfoXml(bricks: ReadonlyArray<BrickName & { entries: number }>): string {
    const listed = bricks.map(({ host, path, entries }, index) => `<brick hostUuid="u${index}"><name>${host}:${path}</name><status>Connected</status><numberOfEntries>${entries}</numberOfEntries></brick>`).join("");
    return `<cliOutput><healInfo><bricks>${listed}</bricks></healInfo><opRet>0</opRet><opErrno>0</opErrno><opErrstr/></cliOutput>`;
}

/** A `vgs` report of empty 10 GiB VGs. */
export const vgsReport = (...vgNames: string[]): string =>
    JSON.stringify({ report: [{ vg: vgNames.map((vgName) => ({ vg_name: vgName, vg_size: String(10 * GiB), vg_free: String(10 * GiB), pv_count: "1", lv_count: "0" })) }] });
