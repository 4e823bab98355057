import assert from "node:assert/strict";
import { GlusterError, parseCliOutput } from "./gluster";
import { isTransientGlusterError, withGlusterRetry } from "./retry";
import { readFixture } from "./testing/fixtures";

function failingTimes<T>(failures: readonly unknown[], value: T): { fn: () => Promise<T>; calls: () => number } {
    let calls = 0;
    return {
        fn: async () => {
            const failure = failures[calls++];
            if (failure !== undefined) {
                throw failure;
            }
            return value;
        },
        calls: () => calls,
    };
}

const lockHeld = Object.assign(new Error("n1 (10.77.0.11): gluster … exited 1"), {
    stderr: "volume create: gv0: failed: Locking failed on n2. Please check log file for details.\n",
});

describe("withGlusterRetry", () => {
    it("recognises held-lock errors in the message, stderr or gluster XML", () => {
        assert.equal(isTransientGlusterError(lockHeld), true);
        let xmlError: unknown;
        try {
            parseCliOutput(readFixture("volume-create-locked.xml"));
        } catch (error) {
            xmlError = error;
        }
        assert.ok(xmlError instanceof GlusterError);
        assert.equal(isTransientGlusterError(xmlError), true);
        assert.equal(isTransientGlusterError(new Error("volume create: gv0: failed: Volume gv0 already exists")), false);
        assert.equal(isTransientGlusterError("Locking failed"), false);
    });

    it("retries transient failures with growing delays, then returns the result", async () => {
        const { fn, calls } = failingTimes([lockHeld, lockHeld], "done");
        const started = Date.now();
        assert.equal(await withGlusterRetry(fn, { attempts: 3, baseDelayMs: 20 }), "done");
        assert.equal(calls(), 3);
        assert.ok(Date.now() - started >= 20 + 40 - 5, "waited base + 2*base");
    });

    it("does not retry other errors", async () => {
        const other = new GlusterError("gluster failed", -1, 0, "Volume gv0 already exists");
        const { fn, calls } = failingTimes([other], "never");
        await assert.rejects(withGlusterRetry(fn, { attempts: 5, baseDelayMs: 1 }), other);
        assert.equal(calls(), 1);
    });

    it("gives up after the given number of attempts with the last error", async () => {
        const { fn, calls } = failingTimes([lockHeld, lockHeld, lockHeld, lockHeld], "never");
        await assert.rejects(withGlusterRetry(fn, { attempts: 3, baseDelayMs: 1 }), lockHeld);
        assert.equal(calls(), 3);
    });
});
