import assert from "node:assert/strict";
import { describeFailure } from "../checks";
import { HOSTILE_VALUES } from "../remote/testing/hostile";
import { kubernetesName } from "./manifests";
import { validateDnsLabel, validateDnsSubdomain, validateHostMountPath, validateServiceName } from "./validation";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SUBDOMAIN_RULE = `use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, e.g. "glusterfs-web"`;
const LABEL_RULE = `use lowercase letters, digits and '-', starting and ending with a letter or digit, e.g. "storage"`;
const SERVICE_RULE = `use lowercase letters, digits and '-', starting with a letter and ending with a letter or digit, e.g. "glusterfs-web"`;

describe("Kubernetes names", () => {
    it("accepts DNS-1123 subdomains for PVs and claims, labels for namespaces, DNS-1035 labels for Services", () => {
        for (const name of ["web-data", "glusterfs-web", "a", "0pv", "pv.web.1", "x".repeat(253), UNKNOWN]) {
            assert.deepEqual(validateDnsSubdomain(name, "claim.name"), [], name);
        }
        for (const name of ["default", "storage-1", "0ns", "n".repeat(63), UNKNOWN]) {
            assert.deepEqual(validateDnsLabel(name, "namespace"), [], name);
        }
        for (const name of ["glusterfs-web", "s", "s".repeat(63)]) {
            assert.deepEqual(validateServiceName(name, "Endpoints and Service name"), [], name);
        }
    });

    it("names the field, what is wrong and the rule", () => {
        const cases: Array<[string[], string]> = [
            [validateDnsSubdomain("Web", "claim.name").map(describeFailure), `claim.name: "Web" is not a valid Kubernetes name here; ${SUBDOMAIN_RULE}`],
            [validateDnsSubdomain("web_data", "persistentVolumeName").map(describeFailure), `persistentVolumeName: "web_data" is not a valid Kubernetes name here; ${SUBDOMAIN_RULE}`],
            [validateDnsSubdomain("web.", "claim.name").map(describeFailure), `claim.name: "web." is not a valid Kubernetes name here; ${SUBDOMAIN_RULE}`],
            [validateDnsSubdomain("x".repeat(254), "claim.name").map(describeFailure), "claim.name: is 254 characters long; Kubernetes allows at most 253 here"],
            [validateDnsSubdomain(undefined, "claim.name").map(describeFailure), `claim.name: a Kubernetes name is required; ${SUBDOMAIN_RULE}`],
            [validateDnsLabel("kube.system", "namespace").map(describeFailure), `namespace: "kube.system" is not a valid Kubernetes name here; ${LABEL_RULE}`],
            [validateDnsLabel("n".repeat(64), "namespace").map(describeFailure), "namespace: is 64 characters long; Kubernetes allows at most 63 here"],
            [validateServiceName("0web", "Endpoints and Service name").map(describeFailure), `Endpoints and Service name: "0web" is not a valid Kubernetes name here; ${SERVICE_RULE}`],
        ];
        for (const [actual, expected] of cases) {
            assert.deepEqual(actual, [expected]);
        }
    });

    it("refuses every hostile value as any kind of name", () => {
        for (const [label, value] of HOSTILE_VALUES) {
            assert.equal(validateDnsSubdomain(value, "claim.name").length, 1, label);
            assert.equal(validateDnsLabel(value, "namespace").length, 1, label);
            assert.equal(validateServiceName(value, "service").length, 1, label);
        }
    });

    it("derives a valid Service name from any volume name, hostile ones included", () => {
        for (const [label, value] of [...HOSTILE_VALUES, ["upper case", "Web_Data"], ["digits", "0123"]] as const) {
            assert.deepEqual(validateServiceName(kubernetesName(value), "derived"), [], label);
        }
    });
});

describe("validateHostMountPath", () => {
    const fixExample = 'write it like "/mnt/glusterfs/web"';

    it("accepts absolute, normalized paths outside system directories", () => {
        for (const path of ["/mnt/glusterfs/web", "/srv/data", "/var/data", "/mnt/-web", "/mnt/.hidden", "/libx/data", "/runner", "/var/library", "/mnt/...", `/mnt/${"x".repeat(255)}`, UNKNOWN]) {
            assert.deepEqual(validateHostMountPath(path, "mountPath"), [], path);
        }
    });

    it("refuses relative, unnormalized, odd and system paths, naming the fix", () => {
        const cases: Array<[unknown, string]> = [
            ["", `mountPath: an absolute path is required; ${fixExample}`],
            [7, `mountPath: an absolute path is required; ${fixExample}`],
            ["mnt/web", `mountPath: "mnt/web" must be an absolute path; ${fixExample}`],
            ["./web", `mountPath: "./web" must be an absolute path; ${fixExample}`],
            ["/mnt/../etc", `mountPath: "/mnt/../etc" must be an absolute path without '.', '..', '//' or a trailing '/'; ${fixExample}`],
            ["/mnt/./web", `mountPath: "/mnt/./web" must be an absolute path without '.', '..', '//' or a trailing '/'; ${fixExample}`],
            ["/mnt//web", `mountPath: "/mnt//web" must be an absolute path without '.', '..', '//' or a trailing '/'; ${fixExample}`],
            ["//mnt/web", `mountPath: "//mnt/web" must be an absolute path without '.', '..', '//' or a trailing '/'; ${fixExample}`],
            ["/mnt/web/", `mountPath: "/mnt/web/" must be an absolute path without '.', '..', '//' or a trailing '/'; ${fixExample}`],
            ["/mnt/my web", `mountPath: "/mnt/my web" must be an absolute path of letters, digits, '.', '_', '-' and '/' (fstab separates fields by blanks); ${fixExample}`],
            ["/mnt/x;reboot", `mountPath: "/mnt/x;reboot" must be an absolute path of letters, digits, '.', '_', '-' and '/' (fstab separates fields by blanks); ${fixExample}`],
            [`/mnt/${"x".repeat(256)}`, "mountPath: has a directory name of 256 characters; a directory name has at most 255"],
            ["/", 'mountPath: "/" is the system directory /, which a mount would hide from the host; use a directory such as "/mnt/glusterfs/web"'],
            ["/etc", 'mountPath: "/etc" is the system directory /etc, which a mount would hide from the host; use a directory such as "/mnt/glusterfs/web"'],
            ["/var/lib/kubelet/pods", 'mountPath: "/var/lib/kubelet/pods" is under the system directory /var/lib, which a mount would hide from the host; use a directory such as "/mnt/glusterfs/web"'],
        ];
        for (const [path, message] of cases) {
            assert.deepEqual(validateHostMountPath(path, "mountPath").map(describeFailure), [message], String(path));
        }
    });

    it("refuses every system directory and what is under it", () => {
        for (const directory of ["/etc", "/usr", "/bin", "/sbin", "/lib", "/lib64", "/boot", "/dev", "/proc", "/sys", "/run", "/var/lib", "/root"]) {
            assert.match(validateHostMountPath(directory, "mountPath")[0]?.reason ?? "", /is the system directory/, directory);
            assert.match(validateHostMountPath(`${directory}/gluster/web`, "mountPath")[0]?.reason ?? "", /is under the system directory/, directory);
        }
    });

    it("refuses every hostile value, alone or as a directory under /mnt", () => {
        for (const [label, value] of HOSTILE_VALUES) {
            assert.equal(validateHostMountPath(value, "mountPath").length, 1, label);
            // Allowed under /mnt: "-x" is a plain directory name once the path starts with '/' (and it follows "--" in every command).
            assert.equal(validateHostMountPath(`/mnt/${value}`, "mountPath").length, label === "leading dash" ? 0 : 1, `/mnt/ + ${label}`);
        }
    });
});
