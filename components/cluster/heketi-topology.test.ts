import assert from "node:assert/strict";
import { clusterArgsFromHeketiTopology, nodeName } from "./heketi-topology";
import { validateClusterArgs } from "./validation";

// As heketi's docs and gk-deploy's sample write it: devices as strings or objects.
const TOPOLOGY = {
    clusters: [
        {
            nodes: [
                { node: { hostnames: { manage: ["gluster-1.example.com"], storage: ["10.0.0.11"] }, zone: 1 }, devices: ["/dev/sdb", { name: "/dev/sdc", destroydata: true }] },
                { node: { hostnames: { manage: ["gluster-2.example.com"], storage: ["10.0.0.12"] }, zone: 2 }, devices: [{ name: "/dev/sdb", tags: { tier: "ssd" } }] },
            ],
        },
    ],
};
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDGY/bMxDFMGlbRDhcXKTl/Y/aBRU2Tc1WcqVmmqwOR8";
const defaults = {
    privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n",
    hostKeys: { "gluster-1.example.com": KEY, "gluster-2.example.com": KEY },
};

describe("heketi topology.json", () => {
    it("becomes GlusterCluster arguments whose devices adopt heketi's volume groups", () => {
        const args = clusterArgsFromHeketiTopology(TOPOLOGY, defaults);
        assert.deepEqual(validateClusterArgs(args), []);
        assert.deepEqual(
            args.nodes.map((node) => [node.name, node.manageHost, node.storageHost, node.zone]),
            [
                ["gluster-1", "gluster-1.example.com", "10.0.0.11", 1],
                ["gluster-2", "gluster-2.example.com", "10.0.0.12", 2],
            ],
        );
        assert.deepEqual(args.nodes[0].devices, [
            // heketi's destroydata: true is not carried over.
            { path: "/dev/sdb", tags: {}, adoptVolumeGroup: true },
            { path: "/dev/sdc", tags: {}, adoptVolumeGroup: true },
        ]);
        assert.deepEqual(args.nodes[1].devices[0].tags, { tier: "ssd" });
        assert.deepEqual(args.nodes[0].connection, { user: "root", port: 22, privateKey: defaults.privateKey, hostKey: KEY });
    });

    it("says what is missing", () => {
        assert.throws(() => clusterArgsFromHeketiTopology({}, defaults), /expected \{ "clusters"/);
        assert.throws(() => clusterArgsFromHeketiTopology(TOPOLOGY, { ...defaults, hostKeys: {} }), /clusters\[0\]\.nodes\[0\]: no host key for gluster-1\.example\.com; add it to hostKeys/);
        assert.throws(() => clusterArgsFromHeketiTopology({ clusters: [TOPOLOGY.clusters[0], TOPOLOGY.clusters[0]] }, defaults), /describes 2 clusters/);
    });

    it("names nodes after their manage host", () => {
        assert.equal(nodeName("10.0.0.11"), "10-0-0-11");
        assert.equal(nodeName("Gluster_3.lan"), "gluster-3");
    });
});
