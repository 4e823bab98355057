// Host keys as ssh-keyscan prints them: parsed, fingerprinted like OpenSSH, and matched to the
// signature algorithms a server negotiates for them. Verification cannot be turned off.

import { createHash } from "node:crypto";
import type { ServerHostKeyAlgorithm } from "ssh2";

export interface ParsedHostKey {
    algorithm: string;
    blob: Buffer;
    /** "SHA256:…" as OpenSSH prints it. */
    fingerprint: string;
}

/** Parses "ssh-ed25519 AAAA… [comment]", optionally preceded by a host field as in known_hosts. */
export function parseHostKey(line: string): ParsedHostKey {
    const fields = line.trim().split(/\s+/);
    const typeIndex = fields.findIndex((field) => /^(ssh-|ecdsa-|sk-)/.test(field));
    const algorithm = fields[typeIndex];
    const base64 = fields[typeIndex + 1];
    if (typeIndex < 0 || algorithm === undefined || base64 === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) {
        throw new Error(`hostKey must look like "ssh-ed25519 AAAA…" (as ssh-keyscan prints it), got "${line.slice(0, 40)}…"`);
    }
    const blob = Buffer.from(base64, "base64");
    if (blobAlgorithm(blob) !== algorithm) {
        throw new Error(`hostKey says ${algorithm} but its key data is of type ${blobAlgorithm(blob) ?? "unknown"}; copy the host's line from ssh-keyscan unchanged`);
    }
    return { algorithm, blob, fingerprint: fingerprint(blob) };
}

/** OpenSSH-style SHA256 fingerprint of a public key blob. */
export function fingerprint(blob: Buffer): string {
    return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/** The algorithm name stored at the start of an SSH public key blob. */
export function blobAlgorithm(blob: Buffer): string | undefined {
    if (blob.length < 4) {
        return undefined;
    }
    const length = blob.readUInt32BE(0);
    return length > 0 && 4 + length <= blob.length ? blob.toString("latin1", 4, 4 + length) : undefined;
}

// ssh-rsa keys are negotiated under the SHA-2 signature names.
export function hostKeyAlgorithms(algorithm: string): ServerHostKeyAlgorithm[] {
    return (algorithm === "ssh-rsa" ? ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"] : [algorithm]) as ServerHostKeyAlgorithm[];
}

