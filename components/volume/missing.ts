// When may refresh record a volume as missing? Only when every node holding its bricks answers,
// none of them has the volume, and they are one pool: a node whose glusterd state was wiped (or
// that left the pool) says "no such volume" while the volume lives on the others. Pure.

/** What one brick node said when asked about the volume. */
export interface MissingVolumeWitness {
    /** "n1 (10.0.0.11)". */
    label: string;
    /** The node's storage host, as the other nodes' pool lists name it. */
    storageHost: string;
    /** Undefined: the node could not be asked (why, in `unreachable`). */
    hasVolume?: boolean;
    /** Host names of the peers its `pool list` shows connected (itself excluded). */
    connectedPeers?: readonly string[];
    unreachable?: string;
}

/** "n1 (…), n2 (…) do": the labels with the verb that agrees with them. */
function labels(group: readonly MissingVolumeWitness[], singular: string, plural: string): string {
    return `${group.map((witness) => witness.label).join(", ")} ${group.length === 1 ? singular : plural}`;
}

/** "missing", or why refresh cannot tell (the message for an error that changes nothing). */
export function missingVolumeVerdict(volumeName: string, witnesses: readonly MissingVolumeWitness[]): "missing" | string {
    const volume = `volume '${volumeName}'`;
    const unchanged = "nothing was recorded or changed";
    const unreachable = witnesses.filter((witness) => witness.unreachable !== undefined);
    if (unreachable.length > 0) {
        const asked = witnesses.filter((witness) => witness.hasVolume === false);
        const notListed = asked.length > 0 ? `${labels(asked, "does", "do")} not list it, but ` : "";
        return `${volume}: ${notListed}${unreachable.map((witness) => `${witness.label} (${witness.unreachable})`).join("; ")} could not be asked; ${unchanged}: bring the host back and refresh again`;
    }
    const holders = witnesses.filter((witness) => witness.hasVolume === true);
    const lacking = witnesses.filter((witness) => witness.hasVolume === false);
    if (holders.length > 0) {
        return (
            `${volume}: ${labels(lacking, "does", "do")} not list it but ${labels(holders, "does", "do")}: ` +
            `the glusterd state of the former differs (wiped, reinstalled, or out of the pool); ${unchanged}: ` +
            "restore that node's /var/lib/glusterd or probe it into the pool again from a member, then refresh"
        );
    }
    const outsiders = witnesses.filter((witness) => witnesses.some((other) => other !== witness && !(witness.connectedPeers ?? []).includes(other.storageHost)));
    if (outsiders.length > 0) {
        return (
            `${volume}: no brick node lists it, but ${labels(outsiders, "is", "are")} not connected ` +
            `in one pool with the other brick nodes, so their answer may come from a lost glusterd state; ${unchanged}: repair the pool, then refresh`
        );
    }
    return "missing";
}
