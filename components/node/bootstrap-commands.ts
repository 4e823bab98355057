// What preparing a bare storage host takes, as argv and pure readings of their output: the
// packages of its OS family, glusterd enabled and running, device-mapper's thin-pool target
// loaded now and at boot, and the brick mount root.
import { BRICK_MOUNT_ROOT } from "../access";
import { glusterCommand } from "../remote";

export type OsFamily = "debian" | "rhel";

export const OS_RELEASE_ARGS: readonly string[] = ["cat", "/etc/os-release"];

/** The family from /etc/os-release's ID and ID_LIKE, or undefined for one this product cannot prepare. */
export function osFamily(osRelease: string): OsFamily | undefined {
    const field = (name: string) => (new RegExp(`^${name}=["']?([^"'\\n]*)`, "m").exec(osRelease)?.[1] ?? "").toLowerCase().split(/\s+/).filter(Boolean);
    const ids = [...field("ID"), ...field("ID_LIKE")];
    if (ids.some((id) => id === "debian" || id === "ubuntu")) {
        return "debian";
    }
    if (ids.some((id) => ["rhel", "fedora", "centos", "rocky", "almalinux"].includes(id))) {
        return "rhel";
    }
    return undefined;
}

export function packagesFor(family: OsFamily): string[] {
    return family === "debian"
        ? ["glusterfs-server", "lvm2", "thin-provisioning-tools", "xfsprogs"]
        : ["glusterfs-server", "lvm2", "device-mapper-persistent-data", "xfsprogs"];
}

/** Lists the install state of `packages`; exits non-zero when some are unknown (read the output anyway). */
export function packageQueryArgs(family: OsFamily, packages: readonly string[]): string[] {
    return family === "debian" ? ["dpkg-query", "-W", "-f=${Package} ${Status}\\n", ...packages] : ["rpm", "-q", "--qf", "%{NAME} installed\\n", ...packages];
}

/** The packages of `packages` that the query output does not show as installed. */
export function missingPackages(family: OsFamily, packages: readonly string[], queryOutput: string): string[] {
    const installed = new Set(
        queryOutput
            .split("\n")
            .map((line) => line.trim().split(/\s+/))
            .filter((words) => (family === "debian" ? words.slice(1).join(" ") === "install ok installed" : words[1] === "installed"))
            .map((words) => words[0]),
    );
    return packages.filter((name) => !installed.has(name));
}

/** Installs `packages` with the family's package manager, non-interactively. */
export function installArgs(family: OsFamily, packages: readonly string[]): string[][] {
    return family === "debian"
        ? [
              ["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "update", "-qq"],
              ["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq", ...packages],
          ]
        : [["dnf", "install", "-y", "-q", ...packages]];
}

/** Device-mapper targets the kernel has now (built in or loaded). */
export const DM_TARGETS_ARGS: readonly string[] = ["dmsetup", "targets"];

export function hasThinPoolTarget(dmsetupTargets: string): boolean {
    return dmsetupTargets.split("\n").some((line) => line.trim().split(/\s+/)[0] === "thin-pool");
}

export const LOAD_THIN_POOL_ARGS: readonly string[] = ["modprobe", "dm_thin_pool"];

/** Loads dm_thin_pool at every boot (systemd-modules-load). */
export const PERSIST_THIN_POOL_ARGS: readonly string[] = ["sh", "-c", "printf 'dm_thin_pool\\n' > /etc/modules-load.d/pulumi-gluster.conf"];

/** Exit 0 on a host booted with systemd. */
export const HAS_SYSTEMD_ARGS: readonly string[] = ["test", "-d", "/run/systemd/system"];

export const ENABLE_GLUSTERD_ARGS: readonly string[] = ["systemctl", "enable", "--now", "glusterd"];

/** Exit 0 while glusterd answers. */
export const GLUSTERD_ANSWERS_ARGS: readonly string[] = glusterCommand(["pool", "list"], { xml: false });

export const MOUNT_ROOT_ARGS: readonly string[] = ["mkdir", "-p", BRICK_MOUNT_ROOT];
