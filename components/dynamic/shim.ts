// The provider object of a dynamic resource is serialized into state with the resource, and
// `read` and `delete` later run the copy from state, not the current code. So the object is a
// thin shim: each method loads the implementation when it runs, inside the dynamic provider
// process, and delegates. All it captures is a registry module's name and a key in it: neither
// depends on where compiled files sit, so state outlives a reorganised build.
//
// The provider host evaluates the serialized text with no file name, so a plain `require`
// would not see the package's self-reference; createRequire from the working directory (the
// program's directory) resolves `pulumi-gluster/providers` both in a program that installed the
// package and inside this repository (through "exports" in package.json).
import type * as pulumi from "@pulumi/pulumi";

/** What an implementation module exports: the provider's methods as plain functions. */
export type ProviderImplementation = Required<pulumi.dynamic.ResourceProvider>;

/** What a registry module exports: the implementation behind each key. */
export interface ProviderRegistry {
    providerImplementation(key: string): ProviderImplementation;
}

/** The package's registry (components/providers.ts), by the name state stores. */
export const PROVIDER_REGISTRY = "pulumi-gluster/providers";

/**
 * A serializable provider that delegates every method to the implementation that `registry`
 * (a module specifier resolved from the program's directory) holds under `key`.
 */
export function dynamicProviderShim(registry: string, key: string): pulumi.dynamic.ResourceProvider {
    return {
        async check(olds, news) {
            return load().check(olds, news);
        },
        async diff(id, olds, news) {
            return load().diff(id, olds, news);
        },
        async create(inputs) {
            return load().create(inputs);
        },
        async read(id, props) {
            return load().read(id, props);
        },
        async update(id, olds, news) {
            return load().update(id, olds, news);
        },
        async delete(id, props) {
            return load().delete(id, props);
        },
    };

    function load(): ProviderImplementation {
        const loaded: ProviderRegistry = require("node:module").createRequire(`${process.cwd()}/`)(registry);
        return loaded.providerImplementation(key);
    }
}
