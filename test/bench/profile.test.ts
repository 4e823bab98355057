import assert from "node:assert/strict";
import { commandCosts } from "./profile";

describe("bench profile", () => {
    it("sums the executor's lines per command class (stamped with a time or not), costliest first, and skips other lines", () => {
        const lines = [
            "n1 (10.77.0.11): lvcreate: exit 0 in 800 ms (queued 40 ms)",
            "2026-11-27T08:50:01.250Z n2 (10.77.0.12): lvcreate: exit 5 in 1250 ms (queued 0 ms)",
            "n1 (10.77.0.11): sequence [mkfs.xfs, mkdir, sh, mount, mkdir]: exit 0 in 2000 ms (queued 100 ms)",
            "n3 (10.77.0.13): gluster volume info: lost in 3 ms (queued 7 ms)",
            "n1 (10.77.0.11): connecting",
            "volume 'web': started with 3 bricks in 1 set(s)",
        ];
        assert.deepEqual(commandCosts(lines), [
            { command: "lvcreate", count: 2, runSeconds: 2.1, queuedSeconds: 0 },
            { command: "sequence [mkfs.xfs, mkdir, sh, mount, mkdir]", count: 1, runSeconds: 2, queuedSeconds: 0.1 },
            { command: "gluster volume info", count: 1, runSeconds: 0, queuedSeconds: 0 },
        ]);
    });
});
