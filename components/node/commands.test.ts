import assert from "node:assert/strict";
import { GlusterError, type GlusterPeer, parsePoolList, parseVolumeInfo } from "../remote";
import { readFixture } from "../remote/testing/fixtures";
import { bricksOnNode, isNotInPoolError, joinProblems, localUuid, peerDetachArgs, peerProbeArgs, poolListArgs, remotePeers } from "./commands";

const N1 = "733b5a70-f346-4281-9ce2-166a139ccce2";
const N2 = "6d90af0d-9591-415f-91b7-3907e4f411d5";
const N3 = "3e7a8e92-16f3-4c74-8a56-7d50acbdbded";

function peer(hostname: string, uuid: string, connected = true, state = "Peer in Cluster"): GlusterPeer {
    return { hostname, uuid, hostnames: hostname === "localhost" ? [] : [hostname], connected, state: hostname === "localhost" ? "" : state };
}

describe("node: gluster peer commands", () => {
    it("builds heketi's peer commands as script-mode XML calls", () => {
        assert.deepEqual(poolListArgs(), ["gluster", "--mode=script", "--xml", "--", "pool", "list"]);
        assert.deepEqual(peerProbeArgs("10.77.0.12"), ["gluster", "--mode=script", "--xml", "--", "peer", "probe", "10.77.0.12"]);
        assert.deepEqual(peerDetachArgs("10.77.0.12"), ["gluster", "--mode=script", "--xml", "--", "peer", "detach", "10.77.0.12"]);
    });

    it("reads the local UUID and the other peers from pool list", () => {
        const pool = parsePoolList(readFixture("pool-list.xml"));
        assert.equal(localUuid(pool, "n1"), N1);
        assert.deepEqual(remotePeers(pool).map(({ uuid }) => uuid), [N2, N3]);
        assert.throws(() => localUuid(remotePeers(pool), "n1 (10.77.0.11)"), /^Error: n1 \(10\.77\.0\.11\): 'gluster pool list' does not list the node itself \(localhost\), so its gluster UUID is unknown; check glusterd there \(systemctl status glusterd\) and run again$/);
    });

    it("reports a node as joined only when both sides agree and it knows every peer", () => {
        const member = [peer("localhost", N1), peer("10.77.0.12", N2), peer("10.77.0.13", N3)];
        const node = [peer("localhost", N3), peer("10.77.0.11", N1), peer("10.77.0.12", N2)];
        assert.deepEqual(joinProblems(member, node, N3), []);

        assert.deepEqual(joinProblems(member.slice(0, 2), [peer("localhost", N3)], N3), [
            "the member does not list it as a peer",
            `it does not list the member (${N1}) yet`,
            `it does not list 10.77.0.12 (${N2}) yet`,
        ]);
        const halfway = [peer("localhost", N1), peer("10.77.0.12", N2), peer("10.77.0.13", N3, true, "Accepted peer request")];
        const disconnected = [peer("localhost", N3), peer("10.77.0.11", N1), peer("10.77.0.12", N2, false)];
        assert.deepEqual(joinProblems(halfway, disconnected, N3), [
            'the member sees it as connected, "Accepted peer request"',
            `it sees 10.77.0.12 (${N2}) as disconnected, "Peer in Cluster"`,
        ]);
    });

    it("finds a node's bricks by UUID or storage host", () => {
        const volumes = parseVolumeInfo(readFixture("volume-info-single.xml"));
        assert.deepEqual(bricksOnNode(volumes, N1, "10.77.0.11"), ["scratch: n1:/bricks/scratch/brick"]);
        assert.deepEqual(bricksOnNode(volumes, "00000000-0000-0000-0000-000000000000", "n1"), ["scratch: n1:/bricks/scratch/brick"]);
        assert.deepEqual(bricksOnNode(volumes, N2, "10.77.0.12"), []);
    });

    it("treats only gluster's 'is not part of cluster' as an already detached peer", () => {
        assert.equal(isNotInPoolError(new GlusterError("n1 (10.77.0.11): peer detach 10.77.0.12: gluster failed (opRet -1, opErrno 2): 10.77.0.12 is not part of cluster", -1, 2, "")), true);
        assert.equal(isNotInPoolError(new Error("n1 (10.77.0.11): peer detach: One of the peers is probably down")), false);
        assert.equal(isNotInPoolError("is not part of cluster"), false);
    });
});
