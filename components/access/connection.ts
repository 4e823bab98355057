// The one way the providers reach a storage host: an executor built from a cluster node's SSH
// connection (pooled by the executor: one connection per host, commands queued per host).
import * as pulumi from "@pulumi/pulumi";
import { SshExecutor } from "../remote";
import type { SshConnection } from "./topology";

export function connectionExecutor(nodeName: string, host: string, connection: SshConnection): SshExecutor {
    return new SshExecutor({
        name: nodeName,
        host,
        port: connection.port,
        user: connection.user,
        privateKey: connection.privateKey,
        hostKey: connection.hostKey,
        // Command classes only ("n1 (10.0.0.1): lvcreate"); the executor masks the key anyway.
        onLog: (message) => void pulumi.log.debug(message),
    });
}
