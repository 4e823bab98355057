import assert from "node:assert/strict";
import { commandLine } from "./quote";
import { LvmReportError, lvsArgs, parseLvs, parsePvs, parseVgs, pvsArgs, vgsArgs } from "./lvm";
import { readFixture } from "./testing/fixtures";

describe("LVM report builders", () => {
    it("asks for JSON in plain bytes with a fixed field list", () => {
        assert.equal(commandLine(vgsArgs()), "vgs --reportformat json --units b --nosuffix -o vg_name,vg_size,vg_free,pv_count,lv_count");
        assert.equal(
            commandLine(lvsArgs(["vg_gluster"])),
            "lvs --reportformat json --units b --nosuffix -o lv_name,vg_name,lv_size,pool_lv,data_percent,thin_count,lv_attr,lv_metadata_size,lv_tags vg_gluster",
        );
        assert.equal(commandLine(pvsArgs(["/dev/vdb"])), "pvs --reportformat json --units b --nosuffix -o pv_name,vg_name,pv_size,pv_free,dev_size /dev/vdb");
    });

    it("reads without LVM's locks when asked (--readonly)", () => {
        assert.equal(commandLine(vgsArgs([], { withoutLocks: true })), "vgs --readonly --reportformat json --units b --nosuffix -o vg_name,vg_size,vg_free,pv_count,lv_count");
        assert.equal(commandLine(lvsArgs(["@tag"], { withoutLocks: true })).split(" ").slice(0, 2).join(" "), "lvs --readonly");
    });
});

describe("parseVgs", () => {
    it("returns sizes and counts as numbers", () => {
        assert.deepEqual(parseVgs(readFixture("vgs.json")), [
            { vgName: "vg_gluster", vgSize: 107369988096, vgFree: 8585740288, pvCount: 1, lvCount: 3 },
            { vgName: "vg_root", vgSize: 21470642176, vgFree: 0, pvCount: 1, lvCount: 1 },
        ]);
    });

    it("returns no rows for a host without volume groups", () => {
        assert.deepEqual(parseVgs(readFixture("vgs-empty.json")), []);
    });

    it("rejects sizes that still carry a unit", () => {
        const withSuffix = readFixture("vgs.json").replace('"vg_size":"107369988096"', '"vg_size":"107369988096B"');
        assert.throws(() => parseVgs(withSuffix), (error: unknown) => error instanceof LvmReportError && /vg_size/.test(error.message));
    });

    it("rejects output that is not an LVM JSON report", () => {
        assert.throws(() => parseVgs("  WARNING: Not using device /dev/vdb\n"), LvmReportError);
        assert.throws(() => parseVgs('{"report":[{"lv":[]}]}'), /no "vg" rows/);
    });
});

describe("parseLvs", () => {
    it("parses thin pools, thin volumes and plain volumes", () => {
        assert.deepEqual(parseLvs(readFixture("lvs.json")), [
            { lvName: "brick_gv_arbiter", vgName: "vg_gluster", lvSize: 10737418240, poolLv: "tp_bricks", dataPercent: 0.52, thinCount: null, lvAttr: "Vwi-aotz--", lvMetadataSize: null, tags: [] },
            { lvName: "brick_gv_rep3", vgName: "vg_gluster", lvSize: 10737418240, poolLv: "tp_bricks", dataPercent: 3.17, thinCount: null, lvAttr: "Vwi-aotz--", lvMetadataSize: null, tags: [] },
            { lvName: "tp_bricks", vgName: "vg_gluster", lvSize: 96636764160, poolLv: null, dataPercent: 0.41, thinCount: 2, lvAttr: "twi-aotz--", lvMetadataSize: 494927872, tags: ["pulumi_gluster_0123456789abcdef", "other"] },
            { lvName: "root", vgName: "vg_root", lvSize: 21470642176, poolLv: null, dataPercent: null, thinCount: null, lvAttr: "-wi-ao----", lvMetadataSize: null, tags: [] },
        ]);
    });
});

describe("parsePvs", () => {
    it("parses PVs, including one outside any volume group", () => {
        assert.deepEqual(parsePvs(readFixture("pvs.json")), [
            { pvName: "/dev/vda3", vgName: "vg_root", pvSize: 21470642176, pvFree: 0, devSize: 21474836480 },
            { pvName: "/dev/vdb", vgName: "vg_gluster", pvSize: 107369988096, pvFree: 8585740288, devSize: 107374182400 },
            { pvName: "/dev/vdc", vgName: null, pvSize: 53687091200, pvFree: 53687091200, devSize: 53687091200 },
        ]);
    });
});
