// How the operations of one provider process share the hosts' placement locks. The first to
// place takes every host's lock (other processes, another stack say, wait), the last to finish
// allocating lets them go. Inside the process, placements run one at a time, and the space each
// one placed stays claimed until its lvcreates ended, so the allocations themselves (slow: LVM
// waits for udev) run at once instead of one volume after another.

import type { HeldCommand } from "../remote";

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

    /** Leaves the session; the last to leave releases the hosts' locks. */
    async leave(): Promise<void> {
        this.users -= 1;
        if (this.users > 0 || this.locks === undefined) {
            return;
        }
        const locks = this.locks;
        this.locks = undefined;
        const held = await locks.catch(() => [] as HeldCommand[]);
        await Promise.all(held.map((lock) => lock.release()));
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

    /** Drops claims whose space is now taken (or given back): a read of the hosts' free space shows them. */
    release(claims: readonly SpaceClaim[]): void {
        for (const claim of claims) {
            this.claims.delete(claim);
        }
    }

    /** Bytes claimed but not yet taken on each "node/vg"; read BEFORE reading the hosts' free space. */
    claimedBytes(): Map<string, number> {
        const claimed = new Map<string, number>();
        for (const { node, vgName, bytes } of this.claims) {
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
