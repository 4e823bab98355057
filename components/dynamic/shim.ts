// The provider object of a dynamic resource is serialized into state with the resource, and
// `read` and `delete` later run the copy from state, not the current code. So the object is a
// thin shim: each method loads the implementation module by package name when it runs, inside
// the dynamic provider process, and delegates. All it captures is that module's name.
//
// The provider host evaluates the serialized text with no file name, so a plain `require`
// would not see the package's self-reference; createRequire from the working directory (the
// program's directory) resolves `pulumi-gluster/...` both in a program that installed the
// package and inside this repository (through "exports" in package.json).
import type * as pulumi from "@pulumi/pulumi";

/** What an implementation module exports: the provider's methods as plain functions. */
export type ProviderImplementation = Required<pulumi.dynamic.ResourceProvider>;

/**
 * A serializable provider that delegates every method to `implementationModule`, a module path
 * under this package, e.g. "pulumi-gluster/bin/components/device/provider".
 */
export function dynamicProviderShim(implementationModule: string): pulumi.dynamic.ResourceProvider {
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
        return require("node:module").createRequire(`${process.cwd()}/`)(implementationModule);
    }
}
