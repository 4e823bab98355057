// Cluster topologies for the volume provider's unit tests.
import type { ClusterDevice, ClusterTopology } from "../../access";

/** Nodes n1..n3 at 10.0.0.<n> in zone <n>, with the devices `devices(n)` gives each. */
export function threeNodeTopology(devices: (n: number) => ClusterDevice[]): ClusterTopology {
    return {
        zoneChecking: "none",
        nodes: [1, 2, 3].map((n) => ({
            name: `n${n}`,
            manageHost: `10.0.0.${n}`,
            storageHost: `10.0.0.${n}`,
            zone: n,
            connection: { user: "root", port: 22, privateKey: "key", hostKey: "ssh-ed25519 AAAA" },
            devices: devices(n),
        })),
    };
}
