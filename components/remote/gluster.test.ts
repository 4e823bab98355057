import assert from "node:assert/strict";
import { commandLine } from "./quote";
import { GlusterError, glusterArgs, glusterCommand, glusterWords, healComplete, type GlusterCliOptions, healInfoArgs, parseCliOutput, parseHealInfo, parsePeerStatus, parsePoolList, parseVolumeInfo, parseVolumeStatus, volumeInfoArgs } from "./gluster";
import { readFixture } from "./testing/fixtures";
import { HOSTILE_VALUES } from "./testing/hostile";

const N1 = "733b5a70-f346-4281-9ce2-166a139ccce2";
const N2 = "6d90af0d-9591-415f-91b7-3907e4f411d5";
const N3 = "3e7a8e92-16f3-4c74-8a56-7d50acbdbded";

const DEFAULT_REPLICATE_OPTIONS = {
    "cluster.granular-entry-heal": "on",
    "storage.fips-mode-rchecksum": "on",
    "transport.address-family": "inet",
    "nfs.disable": "on",
    "performance.client-io-threads": "off",
};

describe("volumeInfoArgs", () => {
    it("asks for one volume or for all", () => {
        assert.deepEqual(volumeInfoArgs("web"), ["gluster", "--mode=script", "--xml", "--", "volume", "info", "web"]);
        assert.deepEqual(volumeInfoArgs(), ["gluster", "--mode=script", "--xml", "--", "volume", "info"]);
    });
});

describe("glusterArgs", () => {
    it("prefixes script mode, XML output and the end of gluster's options", () => {
        assert.deepEqual(glusterArgs("volume", "info", "gv_rep3"), ["gluster", "--mode=script", "--xml", "--", "volume", "info", "gv_rep3"]);
        assert.equal(
            commandLine(glusterArgs("volume", "create", "gv0", "replica", "3", "arbiter", "1", "n1:/bricks/gv0/brick", "n2:/bricks/gv0/brick", "n3:/bricks/gv0/arbiter")),
            "gluster --mode=script --xml -- volume create gv0 replica 3 arbiter 1 n1:/bricks/gv0/brick n2:/bricks/gv0/brick n3:/bricks/gv0/arbiter",
        );
    });

    it("keeps every word, hostile ones included, after the '--' that ends gluster's options", () => {
        for (const [label, value] of HOSTILE_VALUES) {
            assert.deepEqual(glusterArgs("volume", "set", "web", "opt", value), ["gluster", "--mode=script", "--xml", "--", "volume", "set", "web", "opt", value], label);
        }
        assert.deepEqual(glusterArgs("volume", "set", "web", "opt", "--log-file=/tmp/z"), ["gluster", "--mode=script", "--xml", "--", "volume", "set", "web", "opt", "--log-file=/tmp/z"]);
    });
});

describe("glusterCommand", () => {
    const cases: Array<[string, string[], GlusterCliOptions | undefined, string[]]> = [
        ["XML by default", ["pool", "list"], undefined, ["gluster", "--mode=script", "--xml", "--", "pool", "list"]],
        ["plain output", ["pool", "list"], { xml: false }, ["gluster", "--mode=script", "--", "pool", "list"]],
        ["a timeout among the options", ["peer", "detach", "n2", "force"], { timeoutSeconds: 600 }, ["gluster", "--mode=script", "--xml", "--timeout=600", "--", "peer", "detach", "n2", "force"]],
        ["no words", [], { xml: false }, ["gluster", "--mode=script", "--"]],
    ];
    for (const [label, words, options, expected] of cases) {
        it(`builds ${label}`, () => {
            assert.deepEqual(glusterCommand(words, options), expected);
        });
    }

    it("refuses a timeout that is not a whole number of seconds", () => {
        for (const timeoutSeconds of [0, -1, 1.5, Number.NaN]) {
            assert.throws(() => glusterCommand(["pool", "list"], { timeoutSeconds }), /^Error: gluster timeoutSeconds: .* is not a whole number of seconds above 0$/, String(timeoutSeconds));
        }
    });

    it("gives back the sub-command words for messages", () => {
        assert.deepEqual(glusterWords(glusterArgs("volume", "info", "web")), ["volume", "info", "web"]);
        assert.deepEqual(glusterWords(glusterCommand(["peer", "probe", "--x"], { timeoutSeconds: 5 })), ["peer", "probe", "--x"]);
    });
});

describe("parseCliOutput", () => {
    it("returns the common fields of a successful call", () => {
        const output = parseCliOutput(readFixture("volume-info-single.xml"));
        assert.equal(output.opRet, 0);
        assert.equal(output.opErrno, 0);
        assert.equal(output.opErrstr, "");
    });

    it("throws GlusterError carrying opRet, opErrno and opErrstr on failure", () => {
        assert.throws(
            () => parseCliOutput(readFixture("volume-info-missing.xml")),
            (error: unknown) =>
                error instanceof GlusterError &&
                error.opRet === -1 &&
                error.opErrno === 30806 &&
                error.opErrstr === "Volume does not exist" &&
                /Volume does not exist/.test(error.message),
        );
        assert.throws(() => parseVolumeInfo(readFixture("volume-create-locked.xml")), /Another transaction is in progress for gv_rep3/);
    });

    it("throws GlusterError when gluster printed no XML document", () => {
        assert.throws(
            () => parseCliOutput("Connection failed. Please check if gluster daemon is operational.\n"),
            (error: unknown) => error instanceof GlusterError && /Connection failed/.test(error.message),
        );
        assert.throws(() => parseCliOutput(""), GlusterError);
    });
});

describe("parseVolumeInfo", () => {
    const volumes = parseVolumeInfo(readFixture("volume-info-all.xml"));
    const byName = new Map(volumes.map((volume) => [volume.name, volume]));

    it("lists every volume", () => {
        assert.deepEqual(
            volumes.map((volume) => volume.name),
            ["gv_rep3", "gv_arbiter", "gv_disperse", "gv_distrep"],
        );
    });

    it("parses a replica 3 volume", () => {
        assert.deepEqual(byName.get("gv_rep3"), {
            name: "gv_rep3",
            id: "d85972af-f802-473f-b377-468dc9956401",
            status: "Started",
            type: "Replicate",
            brickCount: 3,
            distCount: 1,
            replicaCount: 3,
            arbiterCount: 0,
            disperseCount: 0,
            redundancyCount: 0,
            snapshotCount: 0,
            bricks: [
                { host: "n1", path: "/bricks/gv_rep3/brick", hostUuid: N1, isArbiter: false },
                { host: "n2", path: "/bricks/gv_rep3/brick", hostUuid: N2, isArbiter: false },
                { host: "n3", path: "/bricks/gv_rep3/brick", hostUuid: N3, isArbiter: false },
            ],
            options: DEFAULT_REPLICATE_OPTIONS,
        });
    });

    it("marks the arbiter brick", () => {
        const arbiter = byName.get("gv_arbiter")!;
        assert.equal(arbiter.type, "Replicate");
        assert.equal(arbiter.replicaCount, 3);
        assert.equal(arbiter.arbiterCount, 1);
        assert.deepEqual(
            arbiter.bricks.map((brick) => [brick.host, brick.path, brick.isArbiter]),
            [
                ["n1", "/bricks/gv_arbiter/brick", false],
                ["n2", "/bricks/gv_arbiter/brick", false],
                ["n3", "/bricks/gv_arbiter/arbiter", true],
            ],
        );
    });

    it("parses a 2+1 disperse volume", () => {
        const disperse = byName.get("gv_disperse")!;
        assert.equal(disperse.type, "Disperse");
        assert.equal(disperse.disperseCount, 3);
        assert.equal(disperse.redundancyCount, 1);
        assert.equal(disperse.replicaCount, 1);
        assert.equal(disperse.bricks.length, 3);
        assert.deepEqual(disperse.options, {
            "storage.fips-mode-rchecksum": "on",
            "transport.address-family": "inet",
            "nfs.disable": "on",
        });
    });

    it("parses a stopped 2 x 3 distributed-replicate volume", () => {
        const distributed = byName.get("gv_distrep")!;
        assert.equal(distributed.type, "Distributed-Replicate");
        assert.equal(distributed.status, "Stopped");
        assert.equal(distributed.brickCount, 6);
        assert.equal(distributed.distCount, 2);
        assert.equal(distributed.replicaCount, 3);
        assert.deepEqual(
            distributed.bricks.map((brick) => `${brick.host}:${brick.path}`),
            [
                "n1:/bricks/gv_distrep_a/brick",
                "n2:/bricks/gv_distrep_a/brick",
                "n3:/bricks/gv_distrep_a/brick",
                "n1:/bricks/gv_distrep_b/brick",
                "n2:/bricks/gv_distrep_b/brick",
                "n3:/bricks/gv_distrep_b/brick",
            ],
        );
    });

    it("handles a single volume with a single brick and a single option", () => {
        assert.deepEqual(parseVolumeInfo(readFixture("volume-info-single.xml")), [
            {
                name: "scratch",
                id: "2fe58a09-3b86-4a55-9257-967cda1460dd",
                status: "Created",
                type: "Distribute",
                brickCount: 1,
                distCount: 1,
                replicaCount: 1,
                arbiterCount: 0,
                disperseCount: 0,
                redundancyCount: 0,
                snapshotCount: 0,
                bricks: [{ host: "n1", path: "/bricks/scratch/brick", hostUuid: N1, isArbiter: false }],
                options: { "transport.address-family": "inet" },
            },
        ]);
    });

    it("handles a volume with no reconfigured options", () => {
        const xml = readFixture("volume-info-single.xml")
            .replace("<optCount>1</optCount>", "<optCount>0</optCount>")
            .replace(/<options>[\s\S]*<\/options>/, "<options/>");
        assert.deepEqual(parseVolumeInfo(xml)[0]!.options, {});
    });
});

describe("parseVolumeStatus", () => {
    it("separates bricks from daemons and reads online state, port and pid", () => {
        const [status] = parseVolumeStatus(readFixture("volume-status-rep3.xml"));
        assert.equal(status!.name, "gv_rep3");
        assert.deepEqual(status!.bricks, [
            { hostname: "n1", path: "/bricks/gv_rep3/brick", peerId: N1, online: true, port: 54917, pid: 2113 },
            { hostname: "n2", path: "/bricks/gv_rep3/brick", peerId: N2, online: false, port: null, pid: null },
            { hostname: "n3", path: "/bricks/gv_rep3/brick", peerId: N3, online: true, port: 59238, pid: 1987 },
        ]);
        assert.deepEqual(status!.daemons, [
            { hostname: "Self-heal Daemon", path: "localhost", peerId: N1, online: true, port: null, pid: 2140 },
            { hostname: "Self-heal Daemon", path: "n2", peerId: N2, online: true, port: null, pid: 2096 },
            { hostname: "Self-heal Daemon", path: "n3", peerId: N3, online: true, port: null, pid: 2021 },
        ]);
    });

    it("parses `volume status all` with several volumes", () => {
        const statuses = parseVolumeStatus(readFixture("volume-status-all.xml"));
        assert.deepEqual(
            statuses.map((status) => [status.name, status.bricks.filter((brick) => brick.online).length]),
            [
                ["gv_rep3", 2],
                ["gv_disperse", 3],
            ],
        );
    });
});

describe("parsePeerStatus / parsePoolList", () => {
    it("parses peers with their alternative host names", () => {
        assert.deepEqual(parsePeerStatus(readFixture("peer-status.xml")), [
            { uuid: N2, hostname: "n2", hostnames: ["n2", "10.77.0.12"], connected: true, state: "Peer in Cluster" },
            { uuid: N3, hostname: "n3", hostnames: ["n3"], connected: false, state: "Peer in Cluster" },
        ]);
    });

    it("handles a single peer and no peers", () => {
        assert.deepEqual(parsePeerStatus(readFixture("peer-status-single.xml")), [
            { uuid: N2, hostname: "n2", hostnames: ["n2"], connected: true, state: "Peer in Cluster" },
        ]);
        assert.deepEqual(parsePeerStatus(readFixture("peer-status-empty.xml")), []);
    });

    it("includes the local node as localhost in pool list", () => {
        assert.deepEqual(parsePoolList(readFixture("pool-list.xml")), [
            { uuid: N2, hostname: "n2", hostnames: ["n2"], connected: true, state: "Peer in Cluster" },
            { uuid: N3, hostname: "n3", hostnames: ["n3"], connected: true, state: "Peer in Cluster" },
            { uuid: N1, hostname: "localhost", hostnames: [], connected: true, state: "" },
        ]);
    });
});

describe("parseHealInfo", () => {
    const brick = (host: string, vg: string, id: string) => `${host}:/var/lib/heketi/mounts/${vg}/brick_${id}/brick`;
    const n1 = brick("10.77.0.11", "vg_93d9887353667f2c", "78a6e7e8c9c12c7e88bc108ba20d768b");
    const n2 = brick("10.77.0.12", "vg_0f1b0dde1508a43d", "e0c7dea87719955b68298d8562af7118");
    const n3 = brick("10.77.0.13", "vg_d7dd49ae045176b6", "fe0dc9f8c388c52e95d32fbd61079fec");

    it("reads a healthy replica 3 volume: every brick connected, nothing to heal", () => {
        const bricks = parseHealInfo(readFixture("heal-info-rep3.xml"));
        assert.deepEqual(bricks, [n3, n1, n2].map((name) => ({ brick: name, status: "Connected", pendingEntries: 0, files: [] })));
        assert.equal(healComplete(bricks), true);
    });

    it("reads pending entries on the live bricks and an unreachable brick while a node is down", () => {
        const bricks = parseHealInfo(readFixture("heal-info-rep3-brick-down.xml"));
        const pending = { status: "Connected", pendingEntries: 4, files: ["/f1", "/", "/dir", "/dir/f2"] };
        assert.deepEqual(bricks, [
            { brick: n3, ...pending },
            { brick: n1, ...pending },
            { brick: n2, status: "Transport endpoint is not connected", pendingEntries: null, files: [] },
        ]);
        assert.equal(healComplete(bricks), false);
    });

    it("does not call a heal with no bricks listed complete", () => {
        assert.equal(healComplete([]), false);
    });

    it("builds the heal info command", () => {
        assert.deepEqual(healInfoArgs("web"), ["gluster", "--mode=script", "--xml", "--", "volume", "heal", "web", "info"]);
    });
});
