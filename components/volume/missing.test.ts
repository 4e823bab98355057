import assert from "node:assert/strict";
import { missingVolumeVerdict, type MissingVolumeWitness } from "./missing";

const node = (n: number, answer: Partial<MissingVolumeWitness>): MissingVolumeWitness => ({
    label: `n${n} (10.0.0.1${n})`,
    storageHost: `10.0.0.1${n}`,
    ...answer,
});
const pooled = (n: number, hasVolume: boolean) => node(n, { hasVolume, connectedPeers: [1, 2, 3].filter((other) => other !== n).map((other) => `10.0.0.1${other}`) });

describe("is a volume missing?", () => {
    it("only when every brick node answers, none lists it, and they are one pool", () => {
        assert.equal(missingVolumeVerdict("web", [pooled(1, false), pooled(2, false), pooled(3, false)]), "missing");
    });

    it("not when other nodes still list it: one node's glusterd state was wiped", () => {
        assert.equal(
            missingVolumeVerdict("web", [node(1, { hasVolume: false, connectedPeers: [] }), pooled(2, true), pooled(3, true)]),
            "volume 'web': n1 (10.0.0.11) does not list it but n2 (10.0.0.12), n3 (10.0.0.13) do: the glusterd state of the former differs (wiped, reinstalled, or out of the pool); " +
                "nothing was recorded or changed: restore that node's /var/lib/glusterd or probe it into the pool again from a member, then refresh",
        );
    });

    it("not when a node that lacks it is out of the pool, even if all agree", () => {
        assert.equal(
            missingVolumeVerdict("web", [node(1, { hasVolume: false, connectedPeers: [] }), node(2, { hasVolume: false, connectedPeers: ["10.0.0.13"] }), node(3, { hasVolume: false, connectedPeers: ["10.0.0.12"] })]),
            "volume 'web': no brick node lists it, but n1 (10.0.0.11), n2 (10.0.0.12), n3 (10.0.0.13) are not connected in one pool with the other brick nodes, " +
                "so their answer may come from a lost glusterd state; nothing was recorded or changed: repair the pool, then refresh",
        );
    });

    it("not while a brick node cannot be asked", () => {
        assert.equal(
            missingVolumeVerdict("web", [pooled(1, false), pooled(2, false), node(3, { unreachable: "connection refused" })]),
            "volume 'web': n1 (10.0.0.11), n2 (10.0.0.12) do not list it, but n3 (10.0.0.13) (connection refused) could not be asked; nothing was recorded or changed: bring the host back and refresh again",
        );
    });
});
