import assert from "node:assert/strict";
import {
    GLUSTERD_ANSWERS_ARGS,
    hasThinPoolTarget,
    installArgs,
    missingPackages,
    osFamily,
    packageQueryArgs,
    packagesFor,
    PERSIST_THIN_POOL_ARGS,
} from "./bootstrap-commands";

const DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n';
const UBUNTU = 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID="24.04"\n';
const ROCKY = 'NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.4"\n';
const ALPINE = 'NAME="Alpine Linux"\nID=alpine\n';

describe("bootstrap commands", () => {
    it("asks glusterd for its pool in script mode, the sub-command after '--'", () => {
        assert.deepEqual(GLUSTERD_ANSWERS_ARGS, ["gluster", "--mode=script", "--", "pool", "list"]);
    });

    it("tells the OS family from /etc/os-release", () => {
        assert.equal(osFamily(DEBIAN), "debian");
        assert.equal(osFamily(UBUNTU), "debian");
        assert.equal(osFamily(ROCKY), "rhel");
        assert.equal(osFamily(ALPINE), undefined);
    });

    it("asks each family for its own package names", () => {
        assert.deepEqual(packagesFor("debian"), ["glusterfs-server", "lvm2", "thin-provisioning-tools", "xfsprogs"]);
        assert.deepEqual(packagesFor("rhel"), ["glusterfs-server", "lvm2", "device-mapper-persistent-data", "xfsprogs"]);
        assert.deepEqual(packageQueryArgs("debian", ["lvm2"]), ["dpkg-query", "-W", "-f=${Package} ${Status}\\n", "lvm2"]);
        assert.deepEqual(packageQueryArgs("rhel", ["lvm2"]), ["rpm", "-q", "--qf", "%{NAME} installed\\n", "lvm2"]);
    });

    it("finds the packages that are not installed", () => {
        const wanted = packagesFor("debian");
        // dpkg-query as printed on a lab node, with one package removed (config files left) and one unknown.
        const dpkg = "glusterfs-server install ok installed\nlvm2 deinstall ok config-files\nxfsprogs install ok installed\n";
        assert.deepEqual(missingPackages("debian", wanted, dpkg), ["lvm2", "thin-provisioning-tools"]);
        const rpm = "glusterfs-server installed\npackage lvm2 is not installed\ndevice-mapper-persistent-data installed\nxfsprogs installed\n";
        assert.deepEqual(missingPackages("rhel", packagesFor("rhel"), rpm), ["lvm2"]);
    });

    it("installs non-interactively", () => {
        assert.deepEqual(installArgs("debian", ["lvm2"]), [
            ["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "update", "-qq"],
            ["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq", "lvm2"],
        ]);
        assert.deepEqual(installArgs("rhel", ["lvm2"]), [["dnf", "install", "-y", "-q", "lvm2"]]);
    });

    it("sees the thin-pool target in dmsetup's list", () => {
        assert.equal(hasThinPoolTarget("thin-pool        v1.23.0\nthin             v1.23.0\nstriped          v1.6.0\n"), true);
        assert.equal(hasThinPoolTarget("thin             v1.23.0\nstriped          v1.6.0\n"), false);
        assert.deepEqual(PERSIST_THIN_POOL_ARGS, ["sh", "-c", "printf 'dm_thin_pool\\n' > /etc/modules-load.d/pulumi-gluster.conf"]);
    });
});
