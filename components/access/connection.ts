// The one way the providers reach a storage host: an executor built from a cluster node's SSH
// connection (pooled by the executor: one connection per host, a few commands at once per host).
import { appendFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { SshExecutor } from "../remote";
import type { SshConnection } from "./topology";

/** A file that, when set, receives every host command's end time, class, exit and durations: a profile of a run. */
export const PROFILE_FILE_VARIABLE = "PULUMI_GLUSTER_PROFILE";

export function connectionExecutor(nodeName: string, host: string, connection: SshConnection): SshExecutor {
    const profileFile = process.env[PROFILE_FILE_VARIABLE];
    return new SshExecutor({
        name: nodeName,
        host,
        port: connection.port,
        user: connection.user,
        privateKey: connection.privateKey,
        hostKey: connection.hostKey,
        // Command classes only ("n1 (10.0.0.1): lvcreate: exit 0 in 812 ms (queued 3 ms)"); the executor masks the key anyway.
        onLog: (message) => {
            void pulumi.log.debug(message);
            if (profileFile) {
                // Stamped with the time it ended: a timeline of the run, not only its sums.
                appendFileSync(profileFile, `${new Date().toISOString()} ${message}\n`);
            }
        },
    });
}
