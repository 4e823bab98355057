import assert from "node:assert/strict";
import { makeDirectoryArgs, mountFromFstabArgs, mountpointArgs, removeEmptyDirectoryArgs, unmountArgs } from "./mount";
import { HOSTILE_VALUES } from "./testing/hostile";

describe("mount point commands", () => {
    const builders: Array<[(path: string) => string[], string[]]> = [
        [mountpointArgs, ["mountpoint", "-q", "--"]],
        [mountFromFstabArgs, ["mount", "--"]],
        [unmountArgs, ["umount", "--"]],
        [makeDirectoryArgs, ["mkdir", "-p", "--"]],
        [removeEmptyDirectoryArgs, ["rmdir", "--"]],
    ];

    it("end the options before the path", () => {
        for (const [build, prefix] of builders) {
            assert.deepEqual(build("/mnt/glusterfs/web"), [...prefix, "/mnt/glusterfs/web"]);
        }
    });

    it("keep a hostile path one word after '--'", () => {
        for (const [build, prefix] of builders) {
            for (const [label, value] of HOSTILE_VALUES) {
                assert.deepEqual(build(value), [...prefix, value], `${prefix[0]}: ${label}`);
            }
        }
    });
});
