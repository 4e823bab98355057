// The registry behind every dynamic resource's shim ("pulumi-gluster/providers" in package.json):
// state stores a key of this table, never a file path, so a build that moves its files still
// refreshes and deletes what an older build made. Keys are part of the state format: never
// rename or reuse one. Modules load on first use, inside the dynamic provider process only.
import { endWithEngine, isDynamicProviderHost, type ProviderImplementation } from "./dynamic";

const implementations: Record<string, () => ProviderImplementation> = {
    node: () => require("./node/provider"),
    bootstrap: () => require("./node/bootstrap-provider"),
    device: () => require("./device/provider"),
    volume: () => require("./volume/provider"),
    snapshot: () => require("./snapshot/provider"),
    clone: () => require("./snapshot/clone-provider"),
    hostMount: () => require("./kubernetes/host-mount-provider"),
};

export function providerImplementation(key: string): ProviderImplementation {
    const load = Object.hasOwn(implementations, key) ? implementations[key] : undefined;
    if (load === undefined) {
        throw new Error(
            `dynamic provider '${key}': this version of pulumi-gluster has no provider of that name; ` +
                "the state was written by another version: install that version, or one that knows the key",
        );
    }
    if (isDynamicProviderHost(require.main?.filename)) {
        endWithEngine();
    }
    return load();
}

/** Every key, for tests. */
export const PROVIDER_KEYS: readonly string[] = Object.keys(implementations);
