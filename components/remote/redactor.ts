// Masks secrets (private keys, passwords, values a caller names) in anything that leaves the
// executor: error messages, command lines, log lines.

const REDACTED = "***";

export class Redactor {
    private readonly secrets: string[];

    constructor(secrets: readonly string[]) {
        this.secrets = [...new Set(secrets.filter((secret) => secret.length > 0))].sort((a, b) => b.length - a.length);
    }

    with(more: readonly string[] | undefined): Redactor {
        return more && more.length > 0 ? new Redactor([...this.secrets, ...more]) : this;
    }

    apply(text: string): string {
        return this.secrets.reduce((masked, secret) => masked.split(secret).join(REDACTED), text);
    }
}

export function privateKeySecrets(privateKey: string): string[] {
    // The whole key, and each body line in case only part of it ends up in a message.
    return [privateKey, ...privateKey.split(/\r?\n/).filter((line) => line.trim().length >= 16 && !line.startsWith("-----"))];
}

