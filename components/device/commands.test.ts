import assert from "node:assert/strict";
import {
    blockDeviceTestArgs,
    deviceHoldsDataMessage,
    flushDeviceArgs,
    isVgNotFound,
    parsePvReport,
    pvcreateArgs,
    pvremoveArgs,
    pvReportArgs,
    vgcreateArgs,
    vgNameFor,
    vgremoveArgs,
    removeVgMountDirArgs,
    wipeArgs,
} from "./commands";

// Captured on a lab node (LVM 2.03.16).
const PVS_EMPTY = '  {\n      "report": [\n          {\n              "pv": [\n              ]\n          }\n      ]\n  }\n';
const PVS_TWO = `  {
      "report": [
          {
              "pv": [
                  {"pv_name":"/dev/ubdb", "vg_name":"vg_93d9887353667f2c", "pv_uuid":"dnXQ3c-Gq1E-1pPq-aYbN-6oEX-5kXQ-3hLm2a"},
                  {"pv_name":"/dev/ubdc", "vg_name":"", "pv_uuid":"Zp1iTi-ncf3-7Gmc-2bO1-E2cS-UnWv-Hc8iXy"}
              ]
          }
      ]
  }
`;

describe("device: LVM and wipefs commands", () => {
    it("names the VG after the node and path, the same way every time", () => {
        assert.equal(vgNameFor("n1", "/dev/ubdb"), "vg_93d9887353667f2c");
        assert.notEqual(vgNameFor("n2", "/dev/ubdb"), vgNameFor("n1", "/dev/ubdb"));
        // The separator keeps ("n1", "/dev/x") and ("n1/dev", "/x")-like pairs apart.
        assert.notEqual(vgNameFor("n1/dev", "/ubdb"), vgNameFor("n1", "/dev/ubdb"));
        assert.match(vgNameFor("node-with-a-long-name", "/dev/disk/by-id/wwn-0x5000c500a1b2c3d4"), /^vg_[0-9a-f]{16}$/);
    });

    it("builds heketi's exact LVM commands", () => {
        assert.deepEqual(pvcreateArgs("/dev/ubdb"), ["pvcreate", "-qq", "--metadatasize=128M", "--dataalignment=256K", "/dev/ubdb"]);
        assert.deepEqual(vgcreateArgs("vg_93d9887353667f2c", "/dev/ubdb"), ["vgcreate", "-qq", "--physicalextentsize=4M", "--autobackup=n", "vg_93d9887353667f2c", "/dev/ubdb"]);
        assert.deepEqual(flushDeviceArgs("/dev/ubdb"), ["sync", "--", "/dev/ubdb"]);
        assert.deepEqual(vgremoveArgs("vg_93d9887353667f2c"), ["vgremove", "-qq", "vg_93d9887353667f2c"]);
        assert.deepEqual(pvremoveArgs("/dev/ubdb"), ["pvremove", "-qq", "/dev/ubdb"]);
        assert.deepEqual(removeVgMountDirArgs("vg_93d9887353667f2c"), ["rm", "-d", "-f", "/var/lib/heketi/mounts/vg_93d9887353667f2c"]);
        assert.deepEqual(wipeArgs("/dev/ubdb"), ["wipefs", "--all", "--", "/dev/ubdb"]);
        assert.deepEqual(blockDeviceTestArgs("/dev/ubdb"), ["test", "-b", "/dev/ubdb"]);
        assert.deepEqual(pvReportArgs("/dev/ubdb"), ["pvs", "--reportformat", "json", "-o", "pv_name,vg_name,pv_uuid", "/dev/ubdb"]);
        assert.deepEqual(pvReportArgs(), ["pvs", "--reportformat", "json", "-o", "pv_name,vg_name,pv_uuid"]);
    });

    it("parses pvs reports, with and without a VG", () => {
        assert.deepEqual(parsePvReport(PVS_EMPTY), []);
        assert.deepEqual(parsePvReport(PVS_TWO), [
            { pvName: "/dev/ubdb", vgName: "vg_93d9887353667f2c", pvUuid: "dnXQ3c-Gq1E-1pPq-aYbN-6oEX-5kXQ-3hLm2a" },
            { pvName: "/dev/ubdc", vgName: null, pvUuid: "Zp1iTi-ncf3-7Gmc-2bO1-E2cS-UnWv-Hc8iXy" },
        ]);
        assert.throws(() => parsePvReport("{}"), /^Error: pvs printed no report: \{\}$/);
    });

    it("explains a refused device: node, device, what was found and the fix", () => {
        assert.equal(
            deviceHoldsDataMessage("n3 (10.77.0.13)", "/dev/ubdc", [{ type: "xfs", offset: "0x0" }, { type: "gpt", offset: "0x200" }]),
            "n3 (10.77.0.13): device /dev/ubdc is not empty: wipefs found xfs at offset 0x0, gpt at offset 0x200. " +
                "Refusing to use it. If its contents may be destroyed, set destroyData: true on this device (it then runs 'wipefs --all /dev/ubdc'); " +
                "otherwise list another device",
        );
    });

    it("recognises LVM's missing-VG message", () => {
        assert.equal(isVgNotFound('  Volume group "vg_nope" not found\n  Cannot process volume group vg_nope\n'), true);
        assert.equal(isVgNotFound("  Device /dev/ubdb not found.\n"), false);
    });
});
