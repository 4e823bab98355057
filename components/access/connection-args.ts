// SSH access as the resources take it (a node, device, bootstrap, worker mount or cluster), and
// the check every provider runs on it before the connection is stored as an SshConnection.
import type * as pulumi from "@pulumi/pulumi";
import { isRecord, isUnknownInput, quoteValue, type ValidationFailure } from "../checks";
import { parseHostKey } from "../remote";

/** How to reach a host over SSH; the private key should be a Pulumi secret. */
export interface SshConnectionArgs {
    /** Default "root". */
    readonly user?: pulumi.Input<string>;
    /** Default 22. */
    readonly port?: pulumi.Input<number>;
    /** Private key, PEM or OpenSSH format. */
    readonly privateKey: pulumi.Input<string>;
    /** The host's public key as ssh-keyscan prints it: "ssh-ed25519 AAAA…". */
    readonly hostKey: pulumi.Input<string>;
}

/** An SshConnection. Never echoes the private key. */
export function validateConnection(value: unknown, property: string): ValidationFailure[] {
    if (isUnknownInput(value)) {
        return [];
    }
    if (!isRecord(value)) {
        return [{ property, reason: "expected { privateKey, hostKey, user?, port? }" }];
    }
    const failures: ValidationFailure[] = [];
    const { privateKey, hostKey, user, port } = value;
    if (!isUnknownInput(privateKey) && (typeof privateKey !== "string" || privateKey.trim() === "")) {
        failures.push({ property: `${property}.privateKey`, reason: "a private key (PEM or OpenSSH text) is required" });
    }
    if (!isUnknownInput(hostKey)) {
        if (typeof hostKey !== "string" || hostKey.trim() === "") {
            failures.push({ property: `${property}.hostKey`, reason: "the host's public key is required, as ssh-keyscan prints it: \"ssh-ed25519 AAAA…\"; host key checking cannot be turned off" });
        } else {
            try {
                parseHostKey(hostKey);
            } catch (error) {
                failures.push({ property: `${property}.hostKey`, reason: (error as Error).message });
            }
        }
    }
    if (user !== undefined && !isUnknownInput(user) && (typeof user !== "string" || !/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(user))) {
        failures.push({ property: `${property}.user`, reason: `${quoteValue(user)} is not a user name` });
    }
    if (port !== undefined && !isUnknownInput(port) && (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535)) {
        failures.push({ property: `${property}.port`, reason: `${quoteValue(port)} is not a TCP port (1 to 65535)` });
    }
    return failures;
}
