// Options shared by the dynamic resources whose state holds SSH keys.
import type * as pulumi from "@pulumi/pulumi";

/**
 * `opts` with `names` added to additionalSecretOutputs: outputs that carry keys stay secret,
 * since the engine re-marks only top-level properties of what a dynamic provider returns.
 */
export function withSecretOutputs<Options extends pulumi.CustomResourceOptions>(opts: Options | undefined, ...names: string[]): Options {
    return { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...names] } as Options;
}
