// How the operations of one provider process share the hosts' placement locks. The first to
// place takes every host's lock (other processes, another stack say, wait), the last to finish
// allocating lets them go. Inside the process, placements run one at a time, and the space each
// one placed stays claimed until its lvcreates ended, so the allocations themselves (slow: LVM
// waits for udev) run at once instead of one volume after another. The hosts' free space is read
// once per session: while the locks are held, only this session takes space, and it counts what
// it took since the read instead of asking LVM again (a vgs costs seconds on a busy host).

import type { HeldCommand, VolumeGroup } from "../remote";

/** Space a placement chose on one VG, not yet taken by its lvcreate. */
export interface SpaceClaim {
    readonly node: string;
    readonly vgName: string;
    readonly bytes: number;
}

export class PlacementSession {
    private users = 0;
    private locks: Promise<HeldCommand[]> | undefined;
    private placing: Promise<unknown> = Promise.resolve();
    private readonly claims = new Set<SpaceClaim>();
    /** Each node's VGs as read under the current locks. */
    private readonly volumeGroupsRead = new Map<string, Promise<VolumeGroup[]>>();
    /** Claims whose lvcreates ended after those reads: the reads do not show them. */
    private readonly taken = new Set<SpaceClaim>();
    /** Claims placed before the reads were last forgotten: a later read may already show them. */
    private readonly placedBeforeRead = new Set<SpaceClaim>();

    /** Joins the session; the first to join takes the hosts' locks with `takeLocks`, the others wait for them. */
    async enter(takeLocks: () => Promise<HeldCommand[]>): Promise<void> {
        this.users += 1;
        this.locks ??= takeLocks();
        try {
            await this.locks;
        } catch (error) {
            await this.leave();
            throw error;
        }
    }

    /**
     * Leaves the session; the last to leave lets the hosts' locks go. Their release (closing each
     * holder's stdin; the remote shell ends and the flock with it) is not waited for: the caller's
     * next steps need no lock, and a later session's flock waits on the host until the shell ended.
     */
    async leave(): Promise<void> {
        this.users -= 1;
        if (this.users > 0 || this.locks === undefined) {
            return;
        }
        const locks = this.locks;
        this.locks = undefined;
        this.forgetReads();
        const held = await locks.catch(() => [] as HeldCommand[]);
        // A release that fails still lets go: the lock ends with its channel, at the latest when the connection closes.
        void Promise.all(held.map((lock) => lock.release())).catch(() => undefined);
    }

    /** Runs `place` after every earlier placement of the process; the claims it returns hold from then on. */
    async place<T>(place: () => Promise<{ placed: T; claims: SpaceClaim[] }>): Promise<{ placed: T; claims: SpaceClaim[] }> {
        // The claims are recorded before the next placement's turn starts.
        const run = async () => {
            const result = await place();
            for (const claim of result.claims) {
                this.claims.add(claim);
            }
            return result;
        };
        const turn = this.placing.then(run, run);
        this.placing = turn.catch(() => undefined);
        return turn;
    }

    /**
     * A node's VGs, read with `read` once while the locks are held; later placements get the same
     * read, from which claimedBytes() subtracts what the session placed since.
     */
    volumeGroups(node: string, read: () => Promise<VolumeGroup[]>): Promise<VolumeGroup[]> {
        let groups = this.volumeGroupsRead.get(node);
        if (groups === undefined) {
            groups = read();
            this.volumeGroupsRead.set(node, groups);
            // A node that did not answer is asked again by the next placement.
            const failed = groups;
            failed.catch(() => this.volumeGroupsRead.get(node) === failed && this.volumeGroupsRead.delete(node));
        }
        return groups;
    }

    /**
     * Ends claims whose lvcreates ended. `allocated`: their space is taken, and stays counted
     * against the reads; otherwise an undo gave back some or all of it, which only a new read knows.
     */
    release(claims: readonly SpaceClaim[], allocated: boolean): void {
        for (const claim of claims) {
            this.claims.delete(claim);
            if (allocated && !this.placedBeforeRead.has(claim)) {
                this.taken.add(claim);
            }
            this.placedBeforeRead.delete(claim);
        }
        if (!allocated) {
            this.forgetReads();
        }
    }

    private forgetReads(): void {
        this.volumeGroupsRead.clear();
        this.taken.clear();
        for (const claim of this.claims) {
            this.placedBeforeRead.add(claim);
        }
    }

    /** Bytes on each "node/vg" that the hosts' free space as read (volumeGroups) still counts as free but the session placed. */
    claimedBytes(): Map<string, number> {
        const claimed = new Map<string, number>();
        for (const { node, vgName, bytes } of [...this.claims, ...this.taken]) {
            const key = `${node}/${vgName}`;
            claimed.set(key, (claimed.get(key) ?? 0) + bytes);
        }
        return claimed;
    }
}

const sessions = new Map<string, PlacementSession>();

/** The process's session for a set of hosts (each named by node name and address). */
export function placementSession(hosts: ReadonlyArray<{ name: string; manageHost: string }>): PlacementSession {
    const key = hosts.map((host) => `${host.name}@${host.manageHost}`).sort().join(" ");
    let session = sessions.get(key);
    if (session === undefined) {
        session = new PlacementSession();
        sessions.set(key, session);
    }
    return session;
}
