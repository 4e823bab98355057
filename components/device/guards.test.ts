import assert from "node:assert/strict";
import { destroyDataCarryOver, replacementBlocker } from "./guards";

describe("device guards", () => {
    it("does not carry destroyData over to a changed path", () => {
        assert.deepEqual(destroyDataCarryOver(undefined, "/dev/sdb", true), [], "a new device may be wiped as declared");
        assert.deepEqual(destroyDataCarryOver("/dev/sdb", "/dev/sdb", true), []);
        assert.deepEqual(destroyDataCarryOver("/dev/sdb", "/dev/sdc", false), []);
        assert.deepEqual(destroyDataCarryOver("/dev/sdb", "/dev/sdc", true), [
            {
                property: "destroyData",
                reason:
                    "was set for /dev/sdb and does not carry over to /dev/sdc; remove it, run 'pulumi up', and only if /dev/sdc holds nothing you need, " +
                    "set it again so that the next create wipes it",
            },
        ]);
    });

    it("refuses to plan away a device whose volume group holds bricks", () => {
        const device = { nodeName: "n1", path: "/dev/sdb", vgName: "vg_1a2b" };
        assert.equal(replacementBlocker(device, [], ["brick_x"]), undefined);
        assert.equal(replacementBlocker(device, ["path"], []), undefined, "an empty VG may go");
        assert.equal(
            replacementBlocker(device, ["path"], ["brick_x", "tp_x"]),
            "device '/dev/sdb' of node 'n1': changing path replaces the device, but its volume group vg_1a2b still holds brick_x, tp_x (bricks with data); " +
                'keep path as it was, or move the bricks off first: mark the device state: "failed" in the cluster and update the volumes that use it',
        );
    });
});
