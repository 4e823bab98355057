// The errors a remote command can end in. Their messages name the host and never carry secrets
// (the executor masks them before building one).

export class RemoteCommandError extends Error {
    constructor(
        message: string,
        readonly host: string,
        /** The command line as run (secrets masked). */
        readonly command: string,
        readonly exitCode: number,
        readonly stdout: string,
        readonly stderr: string,
        readonly signal?: string,
    ) {
        super(message);
        this.name = "RemoteCommandError";
    }
}

/** A remote command outlived its timeout and was stopped. */
export class RemoteTimeoutError extends Error {
    constructor(
        message: string,
        readonly host: string,
        readonly command: string,
        readonly timeoutMs: number,
        /** False when the kill could not be confirmed (the connection was then dropped). */
        readonly processStopped: boolean,
    ) {
        super(message);
        this.name = "RemoteTimeoutError";
    }
}

/** The host presented a key other than the configured one. */
export class HostKeyMismatchError extends Error {
    constructor(
        readonly host: string,
        readonly expectedFingerprint: string,
        readonly actualFingerprint: string,
    ) {
        super(
            `${host}: host key verification failed: expected ${expectedFingerprint}, but the server presented ${actualFingerprint}; refusing to connect`,
        );
        this.name = "HostKeyMismatchError";
    }
}

/** The SSH connection could not be established or was lost mid-command. */
export class SshConnectionError extends Error {
    constructor(
        message: string,
        readonly host: string,
    ) {
        super(message);
        this.name = "SshConnectionError";
    }
}
