import assert from "node:assert/strict";
import { parseSignatures, signatureProbeArgs } from "./signatures";

// Captured on a lab node (util-linux 2.38).
const WIPEFS_XFS = `{
   "signatures": [
      {
         "device": "ubdc",
         "offset": "0x0",
         "type": "xfs",
         "uuid": "202f7e34-c927-46dc-8c30-b35e565efb84",
         "label": null
      }
   ]
}
`;
const WIPEFS_EMPTY = '{\n   "signatures": [\n\n   ]\n}\n';

describe("wipefs signatures", () => {
    it("probes without changing the device, and parses what it finds; no output means none", () => {
        assert.deepEqual(signatureProbeArgs("/dev/ubdb"), ["wipefs", "--no-act", "--json", "--", "/dev/ubdb"]);
        assert.deepEqual(parseSignatures(WIPEFS_XFS), [{ type: "xfs", offset: "0x0" }]);
        assert.deepEqual(parseSignatures(WIPEFS_EMPTY), []);
        assert.deepEqual(parseSignatures(""), []);
    });
});
