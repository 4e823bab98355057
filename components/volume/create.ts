// Creating a volume, heketi's way with one undo: place and take the bricks' space under the
// hosts' placement lock, make their file systems, create, set options, start and flush; any failure
// removes exactly what was made. A create an interrupted run left is finished or cleaned first.

import * as pulumi from "@pulumi/pulumi";
import { ClusterAccess, findVolumeAmongAll, glusterStep, volumeStartArgs } from "../access";
import { placeBricks } from "../placement";
import type { GlusterVolumeInfo, HostExecutor } from "../remote";
import { parseSize } from "../sizes";
import { adoptVolume } from "./adopt-volume";
import { finishBricks, flush, placeAndAllocate } from "./allocate";
import { addBrickArgs, ownerTag, volumeCreateArgs } from "./commands";
import { placementLimits, type VolumeInputs, type VolumeOutputs } from "./inputs";
import { findOwnPools, isOwnVolume, type OwnPool, removeStrayBricks } from "./interrupted";
import { brickSets, volumeBricks, volumeOutputs } from "./layout";
import { setVolumeOptions } from "./options";
import { type Made, rollBack } from "./rollback";
import { allSucceed, settle } from "./settle";

export async function createVolume(cluster: ClusterAccess, inputs: VolumeInputs): Promise<pulumi.dynamic.CreateResult<VolumeOutputs>> {
    const doing = `creating volume '${inputs.volumeName}'`;
    // The hosts' placement locks are taken while the reads before placement run.
    cluster.beginPlacement(doing);
    try {
        return await placeAndCreate(cluster, inputs, doing);
    } finally {
        await cluster.endPlacement();
    }
}

async function placeAndCreate(cluster: ClusterAccess, inputs: VolumeInputs, doing: string): Promise<pulumi.dynamic.CreateResult<VolumeOutputs>> {
    // What a create of this same resource left when the engine was stopped before it reported;
    // read on every host at once (their connections open meanwhile) while a peer is found.
    const ownPools = inputs.owner === undefined ? Promise.resolve([]) : findOwnPools(cluster, ownerTag(inputs.owner));
    try {
        const peer = await cluster.anyPeer();
        // One `volume info` for creates starting together: its answer is shared.
        const lookup = findVolumeAmongAll(peer, inputs.volumeName);
        try {
            return await createAfterLookup(cluster, inputs, doing, peer, lookup, ownPools);
        } finally {
            // A create that failed before it awaited a read it started returns only after that read ended (its failure handled here).
            await settle([lookup]);
        }
    } finally {
        await settle([ownPools]);
    }
}

/** The lookup (`volume info` of the name) is awaited before placing when the create may adopt or clean up, else before the first lvcreate. */
async function createAfterLookup(
    cluster: ClusterAccess,
    inputs: VolumeInputs,
    doing: string,
    peer: HostExecutor,
    lookup: Promise<GlusterVolumeInfo | undefined>,
    ownPoolsRead: Promise<OwnPool[]>,
): Promise<pulumi.dynamic.CreateResult<VolumeOutputs>> {
    const name = inputs.volumeName;
    const ownPools = await ownPoolsRead;
    // Taking over or cleaning up needs the lookup's answer first; otherwise placement's reads run beside it.
    if (inputs.adopt === true || ownPools.length > 0) {
        const existing = await lookup;
        if (existing && inputs.adopt === true) {
            return adoptVolume(cluster, peer, inputs, existing);
        }
        if (existing && isOwnVolume(existing, inputs.topology, ownPools)) {
            void pulumi.log.info(`volume '${name}': found as an earlier create of this resource left it (that run was stopped before it reported); finishing it`);
            const finished = await adoptVolume(cluster, peer, inputs, existing);
            await flush(cluster, name, finished.outs!.bricks);
            return finished;
        }
        if (existing) {
            throw nameTaken(name, peer);
        }
        await removeStrayBricks(cluster, name, ownPools);
    }
    const sizeBytes = parseSize(inputs.size);
    const made: Made = { progress: [], volumeCreated: false };
    const { placement, bricks } = await placeAndAllocate(cluster, peer, inputs, made, doing, async () => {
        const placement = placeBricks(
            await cluster.liveInventory(),
            { volumeName: name, sizeBytes, durability: inputs.durability, snapshotFactor: inputs.snapshotFactor, zoneChecking: inputs.topology.zoneChecking ?? "none" },
            placementLimits(sizeBytes, inputs.durability),
        );
        return { placement, bricks: volumeBricks(name, placement, 0) };
    }, async () => {
        if (await lookup) {
            throw nameTaken(name, peer);
        }
    });
    try {
        await finishBricks(cluster, made, inputs.gid);
        const sets = brickSets(bricks);
        await glusterStep(peer, "gluster volume create", volumeCreateArgs(name, inputs.durability, sets[0]));
        made.volumeCreated = true;
        for (const set of sets.slice(1)) {
            await glusterStep(peer, "gluster volume add-brick", addBrickArgs(name, inputs.durability, set));
        }
        await setVolumeOptions(peer, name, Object.entries(inputs.options));
        // What must survive a power cut (fstab lines, the brick directories and the xattrs `volume
        // create` set) is written by now: it is flushed while gluster starts the brick processes.
        await allSucceed([glusterStep(peer, "gluster volume start", volumeStartArgs(name)), flush(cluster, name, bricks)]);
    } catch (error) {
        throw await rollBack(cluster, peer, name, made, error, doing);
    }
    void pulumi.log.info(`volume '${name}': started with ${bricks.length} bricks in ${placement.sets.length} set(s)`);
    return { id: name, outs: volumeOutputs(inputs, sizeBytes, bricks, []) };
}

function nameTaken(name: string, peer: HostExecutor): Error {
    return new Error(`volume '${name}': the cluster already has a gluster volume of that name (seen from ${peer.label}); choose another name, delete that volume, or set adopt: true to take it over`);
}
