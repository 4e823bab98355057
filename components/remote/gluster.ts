// Gluster CLI argv builders and parsers for its `--xml` output (layout as
// written by cli/src/cli-xml-output.c in glusterfs 10).

import { XMLParser } from "fast-xml-parser";

export interface GlusterCliOptions {
    /** Machine-readable output; default true. */
    xml?: boolean;
    /** The CLI's wait for glusterd in seconds (gluster's default is 120). */
    timeoutSeconds?: number;
}

/**
 * argv for a non-interactive gluster CLI call. gluster reads every word starting with "--" as a
 * global option wherever it stands (`volume set V opt --log-file=/x` wrote /x as root), and none
 * after a "--": so the sub-command words, values included, always follow one.
 */
export function glusterCommand(words: readonly string[], options: GlusterCliOptions = {}): string[] {
    const { xml = true, timeoutSeconds } = options;
    if (timeoutSeconds !== undefined && !(Number.isSafeInteger(timeoutSeconds) && timeoutSeconds > 0)) {
        throw new Error(`gluster timeoutSeconds: ${timeoutSeconds} is not a whole number of seconds above 0`);
    }
    return ["gluster", "--mode=script", ...(xml ? ["--xml"] : []), ...(timeoutSeconds === undefined ? [] : [`--timeout=${timeoutSeconds}`]), "--", ...words];
}

/** argv for a gluster call with `--xml` output: `glusterArgs("volume", "info", name)`. */
export function glusterArgs(...words: string[]): string[] {
    return glusterCommand(words);
}

/** The sub-command words of a glusterCommand argv ("volume info web"), for messages. */
export function glusterWords(argv: readonly string[]): string[] {
    return argv.slice(argv.indexOf("--") + 1);
}

/** `volume info` of one volume, or of all when no name is given. */
export function volumeInfoArgs(volumeName?: string): string[] {
    return glusterArgs("volume", "info", ...(volumeName === undefined ? [] : [volumeName]));
}

/** `volume heal <name> info`: the entries each brick still has to heal. */
export function healInfoArgs(volumeName: string): string[] {
    return glusterArgs("volume", "heal", volumeName, "info");
}

/** A gluster CLI call that reported failure (opRet != 0) or printed no usable XML. */
export class GlusterError extends Error {
    constructor(
        message: string,
        readonly opRet: number,
        readonly opErrno: number,
        readonly opErrstr: string,
    ) {
        super(message);
        this.name = "GlusterError";
    }
}

/** gluster printed no XML at all: glusterd did not answer, or the CLI failed before asking it. */
export class GlusterNoAnswerError extends GlusterError {}

export interface CliOutput {
    opRet: number;
    opErrno: number;
    opErrstr: string;
    /** The whole parsed `<cliOutput>` element, for callers that need more than the common fields. */
    body: XmlNode;
}

export type XmlNode = { [key: string]: unknown };

// Elements that may repeat; declared so one child parses to a one-element array, not an object.
const REPEATED_ELEMENTS = new Set([
    "cliOutput.volInfo.volumes.volume",
    "cliOutput.volInfo.volumes.volume.bricks.brick",
    "cliOutput.volInfo.volumes.volume.options.option",
    "cliOutput.volStatus.volumes.volume",
    "cliOutput.volStatus.volumes.volume.node",
    "cliOutput.volStatus.volumes.volume.tasks.task",
    "cliOutput.peerStatus.peer",
    "cliOutput.peerStatus.peer.hostnames.hostname",
    "cliOutput.healInfo.bricks.brick",
    "cliOutput.healInfo.bricks.brick.file",
]);

const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@_",
    // Values stay strings; the typed parsers convert and validate them.
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    isArray: (_name, jpath) => REPEATED_ELEMENTS.has(String(jpath)),
});

/** Parses any gluster `--xml` output; throws GlusterError unless opRet is 0. */
export function parseCliOutput(xml: string): CliOutput {
    let document: XmlNode;
    try {
        document = parser.parse(xml) as XmlNode;
    } catch (error) {
        throw new GlusterError(`gluster printed malformed XML: ${(error as Error).message}`, -1, 0, "");
    }
    const body = document["cliOutput"];
    if (!isNode(body)) {
        const excerpt = xml.trim().split("\n").slice(0, 3).join(" ");
        throw new GlusterError(`gluster printed no <cliOutput> document: ${excerpt}`, -1, 0, excerpt);
    }
    const opRet = toInt(body["opRet"], "opRet");
    const opErrno = toInt(body["opErrno"], "opErrno");
    const opErrstr = text(body["opErrstr"]);
    if (opRet !== 0) {
        throw new GlusterError(`gluster failed (opRet ${opRet}, opErrno ${opErrno}): ${opErrstr || "no error text"}`, opRet, opErrno, opErrstr);
    }
    return { opRet, opErrno, opErrstr, body };
}

export interface GlusterBrick {
    host: string;
    path: string;
    hostUuid: string;
    isArbiter: boolean;
}

export interface GlusterVolumeInfo {
    name: string;
    id: string;
    /** "Created", "Started" or "Stopped". */
    status: string;
    /** e.g. "Replicate", "Distributed-Replicate", "Disperse", "Distribute". */
    type: string;
    brickCount: number;
    /** Number of distribute subvolumes (replica/disperse sets). */
    distCount: number;
    replicaCount: number;
    arbiterCount: number;
    disperseCount: number;
    redundancyCount: number;
    snapshotCount: number;
    bricks: GlusterBrick[];
    /** Reconfigured options, name to value. */
    options: Record<string, string>;
}

/** Parses `gluster --xml volume info [name]`. */
export function parseVolumeInfo(xml: string): GlusterVolumeInfo[] {
    const { body } = parseCliOutput(xml);
    const volumes = child(child(body, "volInfo"), "volumes");
    return elements(volumes["volume"]).map((volume) => ({
        name: text(volume["name"]),
        id: text(volume["id"]),
        status: text(volume["statusStr"]),
        type: text(volume["typeStr"]),
        brickCount: toInt(volume["brickCount"], "brickCount"),
        distCount: toInt(volume["distCount"], "distCount"),
        replicaCount: toInt(volume["replicaCount"], "replicaCount"),
        arbiterCount: toInt(volume["arbiterCount"], "arbiterCount"),
        disperseCount: toInt(volume["disperseCount"], "disperseCount"),
        redundancyCount: toInt(volume["redundancyCount"], "redundancyCount"),
        snapshotCount: toInt(volume["snapshotCount"], "snapshotCount"),
        bricks: elements(child(volume, "bricks")["brick"]).map(parseBrick),
        options: Object.fromEntries(elements(child(volume, "options")["option"]).map((option) => [text(option["name"]), text(option["value"])])),
    }));
}

function parseBrick(brick: XmlNode): GlusterBrick {
    const name = text(brick["name"]);
    // "host:/path"; ":/" cannot occur inside a host name, even an IPv6 one.
    const separator = name.indexOf(":/");
    if (separator < 0) {
        throw new GlusterError(`unexpected brick name "${name}" in gluster output`, -1, 0, "");
    }
    return {
        host: name.slice(0, separator),
        path: name.slice(separator + 1),
        hostUuid: text(brick["hostUuid"]),
        isArbiter: toInt(brick["isArbiter"], "isArbiter") === 1,
    };
}

export interface GlusterProcessStatus {
    /** Brick host, or the daemon name such as "Self-heal Daemon". */
    hostname: string;
    /** Brick path, or for daemons the peer's host name ("localhost" for the queried node). */
    path: string;
    peerId: string;
    online: boolean;
    /** TCP port, null when offline or when the process has none (daemons). */
    port: number | null;
    /** null when the process is not running. */
    pid: number | null;
}

export interface GlusterVolumeStatus {
    name: string;
    bricks: GlusterProcessStatus[];
    daemons: GlusterProcessStatus[];
}

/** Parses `gluster --xml volume status [name|all]`. */
export function parseVolumeStatus(xml: string): GlusterVolumeStatus[] {
    const { body } = parseCliOutput(xml);
    const volumes = child(child(body, "volStatus"), "volumes");
    return elements(volumes["volume"]).map((volume) => {
        const nodes = elements(volume["node"]).map(parseProcessStatus);
        return {
            name: text(volume["volName"]),
            // Daemon entries carry a host name where bricks carry an absolute path.
            bricks: nodes.filter((node) => node.path.startsWith("/")),
            daemons: nodes.filter((node) => !node.path.startsWith("/")),
        };
    });
}

function parseProcessStatus(node: XmlNode): GlusterProcessStatus {
    const online = toInt(node["status"], "status") === 1;
    const port = text(node["port"]);
    const pid = toInt(node["pid"], "pid");
    return {
        hostname: text(node["hostname"]),
        path: text(node["path"]),
        peerId: text(node["peerid"]),
        online,
        port: port === "N/A" ? null : toInt(port, "port"),
        pid: pid > 0 ? pid : null,
    };
}

export interface GlusterBrickHeal {
    /** "host:/path", as gluster names the brick. */
    brick: string;
    /** "Connected", or why the brick could not be asked (e.g. "Transport endpoint is not connected"). */
    status: string;
    /** Entries waiting for heal on this brick; null when the brick could not be asked. */
    pendingEntries: number | null;
    /** The paths (or gfids) of those entries, as listed. */
    files: string[];
}

/** Parses `gluster --xml volume heal <name> info` (written by glfsheal). */
export function parseHealInfo(xml: string): GlusterBrickHeal[] {
    const { body } = parseCliOutput(xml);
    return elements(child(child(body, "healInfo"), "bricks")["brick"]).map((brick) => {
        const entries = text(brick["numberOfEntries"]);
        return {
            brick: text(brick["name"]),
            status: text(brick["status"]),
            pendingEntries: entries === "-" || entries === "" ? null : toInt(entries, "numberOfEntries"),
            files: elements(brick["file"]).map((file) => text(file)),
        };
    });
}

/** True when every brick answered and none has entries left to heal. */
export function healComplete(bricks: readonly GlusterBrickHeal[]): boolean {
    return bricks.length > 0 && bricks.every((brick) => brick.status === "Connected" && brick.pendingEntries === 0);
}

export interface GlusterPeer {
    uuid: string;
    /** The primary host name; "localhost" for the queried node in `pool list`. */
    hostname: string;
    /** Every name the peer is known by (absent for the local node). */
    hostnames: string[];
    connected: boolean;
    /** e.g. "Peer in Cluster"; empty for the local node in `pool list`. */
    state: string;
}

/** Parses `gluster --xml peer status` and `gluster --xml pool list` (same document shape). */
export function parsePeerStatus(xml: string): GlusterPeer[] {
    const { body } = parseCliOutput(xml);
    return elements(child(body, "peerStatus")["peer"]).map((peer) => ({
        uuid: text(peer["uuid"]),
        hostname: text(peer["hostname"]),
        hostnames: elements(child(peer, "hostnames")["hostname"]).map(text),
        connected: toInt(peer["connected"], "connected") === 1,
        state: text(peer["stateStr"]),
    }));
}

export const parsePoolList = parsePeerStatus;

function isNode(value: unknown): value is XmlNode {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A child element; empty elements (`<options/>`) and missing ones read as an empty node. */
function child(node: XmlNode, name: string): XmlNode {
    const value = node[name];
    return isNode(value) ? value : {};
}

/** Repeated elements as nodes; a text-only element becomes a node holding its #text. */
function elements(value: unknown): XmlNode[] {
    if (value === undefined || value === "") {
        return [];
    }
    return (Array.isArray(value) ? value : [value]).map((item: unknown) => (isNode(item) ? item : { "#text": item }));
}

function text(value: unknown): string {
    if (value === undefined || value === null) {
        return "";
    }
    if (isNode(value)) {
        return text(value["#text"]);
    }
    return String(value);
}

function toInt(value: unknown, field: string): number {
    const raw = text(value);
    if (!/^-?\d+$/.test(raw)) {
        throw new GlusterError(`gluster output field ${field} is not an integer: "${raw}"`, -1, 0, "");
    }
    return Number(raw);
}
