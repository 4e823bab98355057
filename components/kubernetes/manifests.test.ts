import assert from "node:assert/strict";
import {
    claimSpec,
    glusterEndpointsSubsets,
    hostMountFstabLine,
    kubernetesName,
    kubernetesNameCollisions,
    modeProblem,
    parseServerVersion,
    persistentVolumeAnnotations,
    persistentVolumeSpec,
    quantity,
    storageHosts,
    type VolumeSource,
} from "./manifests";
import { validateHostMountInputs } from "./host-mount-provider";
import { HOSTILE_VALUES } from "../remote/testing/hostile";

const GiB = 1024 ** 3;
const volume: VolumeSource = {
    volumeName: "web_data",
    sizeBytes: 2 * GiB,
    mountSource: "10.77.0.11:/web_data",
    backupVolfileServers: ["10.77.0.12", "10.77.0.13"],
    bricks: [{ host: "10.77.0.11" }, { host: "10.77.0.12" }, { host: "10.77.0.13" }, { host: "10.77.0.11" }],
    gid: 2001,
};

describe("kubernetes manifests", () => {
    it("names objects as DNS-1123 labels derived from the volume name", () => {
        assert.equal(kubernetesName("web_data"), "glusterfs-web-data");
        assert.equal(kubernetesName("Web.Data-"), "glusterfs-web-data");
        assert.equal(kubernetesName("x".repeat(80)).length, 63);
    });

    it("writes sizes as exact quantities", () => {
        assert.equal(quantity(GiB), "1Gi");
        assert.equal(quantity(1536 * 1024 ** 2), "1536Mi");
        assert.equal(quantity(4 * 1024 ** 4), "4Ti");
        assert.equal(quantity(GiB + 1), String(GiB + 1));
    });

    it("lists each storage host once in the Endpoints, on port 1", () => {
        assert.deepEqual(storageHosts(volume), ["10.77.0.11", "10.77.0.12", "10.77.0.13"]);
        assert.deepEqual(glusterEndpointsSubsets(storageHosts(volume)), [
            { addresses: [{ ip: "10.77.0.11" }, { ip: "10.77.0.12" }, { ip: "10.77.0.13" }], ports: [{ port: 1, protocol: "TCP" }] },
        ]);
    });

    it("refuses host names in Endpoints, naming the fix", () => {
        assert.throws(() => glusterEndpointsSubsets(["10.0.0.1", "gluster-2.example"]), /Endpoints need IP addresses, but the volume's storage hosts include gluster-2\.example; give the cluster nodes' storageHost as IP addresses/);
        assert.throws(() => glusterEndpointsSubsets([]), /no bricks/);
    });

    it("builds a glusterfs PV reserved for its claim, with the volume's gid", () => {
        const spec = persistentVolumeSpec({
            volume,
            mode: "glusterfs",
            accessModes: ["ReadWriteMany"],
            reclaimPolicy: "Retain",
            endpointsName: "glusterfs-web-data",
            namespace: "shop",
            claimName: "web-data",
        });
        assert.deepEqual(spec, {
            capacity: { storage: "2Gi" },
            accessModes: ["ReadWriteMany"],
            persistentVolumeReclaimPolicy: "Retain",
            storageClassName: "glusterfs-static",
            claimRef: { namespace: "shop", name: "web-data" },
            glusterfs: { endpoints: "glusterfs-web-data", endpointsNamespace: "shop", path: "web_data" },
        });
        assert.deepEqual(persistentVolumeAnnotations(volume), { "pv.beta.kubernetes.io/gid": "2001" });
        assert.deepEqual(persistentVolumeAnnotations({ ...volume, gid: undefined }), {});
    });

    it("builds a hostMount PV: a local path pinned to the workers that mount it", () => {
        const spec = persistentVolumeSpec({
            volume,
            mode: "hostMount",
            accessModes: ["ReadWriteMany"],
            reclaimPolicy: "Retain",
            endpointsName: "unused",
            namespace: "shop",
            mountPath: "/mnt/glusterfs/web_data",
            workerNodeNames: ["w1", "w2"],
        });
        assert.deepEqual(spec, {
            capacity: { storage: "2Gi" },
            accessModes: ["ReadWriteMany"],
            persistentVolumeReclaimPolicy: "Retain",
            storageClassName: "glusterfs-static",
            local: { path: "/mnt/glusterfs/web_data" },
            nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: ["w1", "w2"] }] }] } },
        });
        assert.throws(() => persistentVolumeSpec({ volume, mode: "hostMount", accessModes: [], reclaimPolicy: "Retain", endpointsName: "", namespace: "" }), /needs the mount path and at least one worker/);
    });

    it("pre-binds the claim by volume name, asking for the whole volume", () => {
        assert.deepEqual(claimSpec("glusterfs-web-data", volume, ["ReadWriteMany"]), {
            accessModes: ["ReadWriteMany"],
            storageClassName: "glusterfs-static",
            volumeName: "glusterfs-web-data",
            resources: { requests: { storage: "2Gi" } },
        });
    });

    it("knows which servers can mount which mode", () => {
        assert.deepEqual(parseServerVersion("v1.34.10"), [1, 34]);
        assert.deepEqual(parseServerVersion("1.25"), [1, 25]);
        assert.deepEqual(parseServerVersion("v1.27.3+k3s1"), [1, 27]);
        assert.equal(parseServerVersion("latest"), undefined);
        assert.equal(modeProblem("glusterfs", "v1.25.16"), undefined);
        assert.match(modeProblem("glusterfs", "v1.26.0")!, /mode "glusterfs" needs the in-tree glusterfs plugin, which Kubernetes removed in 1\.26; this server is v1\.26\.0: .*Use mode "hostMount"/);
        assert.equal(modeProblem("hostMount", "v1.34.10"), undefined);
        assert.match(modeProblem("hostMount", "soon")!, /kubernetesVersion 'soon' is not a version/);
    });

    it("writes the worker's fstab line with the backup servers, after the network", () => {
        assert.equal(
            hostMountFstabLine(volume, "/mnt/glusterfs/web_data"),
            "10.77.0.11:/web_data /mnt/glusterfs/web_data glusterfs defaults,_netdev,backup-volfile-servers=10.77.0.12:10.77.0.13 0 0",
        );
        assert.equal(hostMountFstabLine({ ...volume, backupVolfileServers: [] }, "/m"), "10.77.0.11:/web_data /m glusterfs defaults,_netdev 0 0");
    });

    it("refuses to write a field that is not one fstab field, or a server that is not one list entry", () => {
        assert.throws(() => hostMountFstabLine(volume, "/mnt/my web"), /^Error: fstab mount point "\/mnt\/my web": contains a blank, line break, backslash or NUL; use a value without them$/);
        assert.throws(() => hostMountFstabLine({ ...volume, mountSource: "10.77.0.11:/web\n/dev/sda1" }, "/mnt/web"), /^Error: fstab spec /);
        for (const server of ["fd00::12", "10.77.0.12,exec", "x=y", "a b", ""]) {
            assert.throws(
                () => hostMountFstabLine({ ...volume, backupVolfileServers: ["10.77.0.12", server] }, "/mnt/web"),
                (error: Error) => error.message === `fstab backup-volfile-servers ${JSON.stringify(server)}: is not a host name or IPv4 address; list the servers by name or IPv4 address`,
                server,
            );
        }
    });
});

describe("kubernetesNameCollisions", () => {
    it("finds volumes whose Kubernetes names are the same, naming both", () => {
        const long = "v".repeat(60);
        const cases: Array<[string[], string[]]> = [
            [["web", "blog", "db"], []],
            [[], []],
            [["data", "Data"], ["volumes[1]: volume 'Data' and volume 'data' (volumes[0]) both become the Kubernetes name 'glusterfs-data'; rename one of the volumes"]],
            [["a_b", "x", "a-b", "A.B"], [
                "volumes[2]: volume 'a-b' and volume 'a_b' (volumes[0]) both become the Kubernetes name 'glusterfs-a-b'; rename one of the volumes",
                "volumes[3]: volume 'A.B' and volume 'a_b' (volumes[0]) both become the Kubernetes name 'glusterfs-a-b'; rename one of the volumes",
            ]],
            [[`${long}-one`, `${long}-two`], [`volumes[1]: volume '${long}-two' and volume '${long}-one' (volumes[0]) both become the Kubernetes name 'glusterfs-${"v".repeat(53)}'; rename one of the volumes`]],
        ];
        for (const [names, expected] of cases) {
            assert.deepEqual(kubernetesNameCollisions(names).map((failure) => `${failure.property}: ${failure.reason}`), expected, names.join(" "));
        }
        assert.deepEqual(kubernetesNameCollisions(["web", "WEB"], "spec.volumes").map((failure) => failure.property), ["spec.volumes[1]"]);
    });
});

describe("host mount validation", () => {
    const valid = {
        workerName: "w1",
        manageHost: "10.77.0.11",
        connection: { user: "root", port: 22, privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDGY/bMxDFMGlbRDhcXKTl/Y/aBRU2Tc1WcqVmmqwOR8" },
        mountSource: "10.77.0.11:/web_data",
        backupVolfileServers: ["10.77.0.12"],
        mountPath: "/mnt/glusterfs/web_data",
    };

    it("accepts a well-formed mount", () => {
        assert.deepEqual(validateHostMountInputs(valid), []);
    });

    it("names the field of a path fstab cannot hold, or a source that is not host:/volume", () => {
        assert.deepEqual(validateHostMountInputs({ ...valid, mountPath: "/etc/glusterfs" }).map((failure) => failure.property), ["mountPath"]);
        assert.deepEqual(
            validateHostMountInputs({ ...valid, mountPath: "/mnt/my volume", mountSource: "10.77.0.11:web" }).map((failure) => failure.property),
            ["mountSource", "mountPath"],
        );
        assert.match(validateHostMountInputs({ ...valid, mountPath: "relative/path" })[0].reason, /must be an absolute path/);
        assert.match(validateHostMountInputs({ ...valid, mountPath: "/mnt/x;reboot" })[0].reason, /must be an absolute path/);
    });

    it("checks the worker's and the volfile servers' addresses", () => {
        assert.deepEqual(validateHostMountInputs({ ...valid, manageHost: "10.77.0.11 -oProxyCommand=x", backupVolfileServers: ["10.77.0.12", "10.77.0.13,exec"] }).map((failure) => failure.property), [
            "manageHost",
            "backupVolfileServers[1]",
        ]);
        assert.deepEqual(validateHostMountInputs({ ...valid, backupVolfileServers: ["fd00::12"] }), [
            {
                property: "backupVolfileServers[0]",
                reason: '"fd00::12" is an IPv6 address, which backup-volfile-servers cannot list (mount.glusterfs splits it at \':\'); give the storage hosts as names or IPv4 addresses',
            },
        ]);
        assert.deepEqual(validateHostMountInputs({ ...valid, manageHost: "fd00::21" }), [], "IPv6 is fine for SSH");
    });

    it("refuses every hostile value as worker address, volfile server or mount path", () => {
        for (const [label, value] of HOSTILE_VALUES) {
            assert.deepEqual(validateHostMountInputs({ ...valid, manageHost: value }).map((failure) => failure.property), ["manageHost"], label);
            assert.deepEqual(validateHostMountInputs({ ...valid, backupVolfileServers: [value] }).map((failure) => failure.property), ["backupVolfileServers[0]"], label);
            assert.deepEqual(validateHostMountInputs({ ...valid, mountPath: value }).map((failure) => failure.property), ["mountPath"], label);
        }
    });
});
