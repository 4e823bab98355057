// GlusterCluster's argument checks: every failure names its field, e.g. "nodes[0].devices[1].path".
// Values not known yet (Outputs) are skipped; the cluster checks them again once they resolve.
import { DEVICE_STATES, validateConnection, type DeviceState } from "../access";
import { firstRepeats, isRecord, isUnknownInput, quoteValue, validateHost, validateNodeName, validateOptionalBoolean, type ValidationFailure } from "../checks";
import { duplicateDevicePaths, validateDevicePath, validateTags } from "../device/validation";
import { validateZoneChecking } from "../placement/validation";

export function validateClusterArgs(args: unknown): ValidationFailure[] {
    if (!isRecord(args)) {
        return [{ property: "args", reason: "expected { nodes, zoneChecking? }" }];
    }
    const failures: ValidationFailure[] = [];
    const { nodes, zoneChecking } = args;
    if (!Array.isArray(nodes) || nodes.length === 0) {
        failures.push({ property: "nodes", reason: "at least one node is required" });
    } else {
        failures.push(...nodes.flatMap((node, index) => validateNode(node, `nodes[${index}]`)));
        failures.push(...repeatedValues(nodes, "name"), ...repeatedValues(nodes, "storageHost"));
    }
    if (zoneChecking !== undefined && !isUnknownInput(zoneChecking)) {
        failures.push(...validateZoneChecking(zoneChecking, "zoneChecking"));
    }
    return failures;
}

/** "nodes[0].zone: 0 is not a whole number >= 1" … one line per failure. */
export function formatFailures(failures: readonly ValidationFailure[]): string {
    return failures.map(({ property, reason }) => `${property}: ${reason}`).join("\n");
}

function validateNode(node: unknown, property: string): ValidationFailure[] {
    if (!isRecord(node)) {
        return [{ property, reason: "expected { name, manageHost, storageHost, zone, connection, devices }" }];
    }
    const failures = [
        ...validateNodeName(node.name, `${property}.name`),
        ...validateHost(node.manageHost, `${property}.manageHost`),
        ...validateHost(node.storageHost, `${property}.storageHost`),
        ...validateZone(node.zone, `${property}.zone`),
        ...validateConnection(node.connection, `${property}.connection`),
    ];
    failures.push(...validateOptionalBoolean(node.bootstrap, `${property}.bootstrap`));
    const { devices } = node;
    if (!Array.isArray(devices)) {
        failures.push({ property: `${property}.devices`, reason: "expected a list of devices, e.g. [{ path: \"/dev/sdb\" }] (it may be empty)" });
        return failures;
    }
    devices.forEach((device, index) => failures.push(...validateDevice(device, `${property}.devices[${index}]`)));
    const paths = devices.map((device) => (isRecord(device) ? device.path : undefined));
    failures.push(...duplicateDevicePaths(paths, (index) => `${property}.devices[${index}].path`));
    return failures;
}

function validateDevice(device: unknown, property: string): ValidationFailure[] {
    if (!isRecord(device)) {
        return [{ property, reason: "expected { path, tags?, destroyData?, adoptVolumeGroup?, state? }" }];
    }
    return [
        ...validateDevicePath(device.path, `${property}.path`),
        ...validateTags(device.tags, `${property}.tags`),
        ...validateOptionalBoolean(device.destroyData, `${property}.destroyData`),
        ...validateOptionalBoolean(device.adoptVolumeGroup, `${property}.adoptVolumeGroup`),
        ...validateDeviceState(device.state, `${property}.state`),
    ];
}

function validateDeviceState(state: unknown, property: string): ValidationFailure[] {
    if (state === undefined || isUnknownInput(state) || DEVICE_STATES.includes(state as DeviceState)) {
        return [];
    }
    return [{ property, reason: `${quoteValue(state)} is not a device state; use "online" or "failed" (volumes then move their bricks off the device)` }];
}

function validateZone(zone: unknown, property: string): ValidationFailure[] {
    if (isUnknownInput(zone) || (typeof zone === "number" && Number.isInteger(zone) && zone >= 1)) {
        return [];
    }
    return [{ property, reason: `${quoteValue(zone)} is not a zone; zones are whole numbers >= 1 (a failure domain, e.g. a rack)` }];
}

/** A failure for each node repeating an earlier node's `field`. */
function repeatedValues(nodes: readonly unknown[], field: "name" | "storageHost"): ValidationFailure[] {
    const values = nodes.map((node) => (isRecord(node) ? node[field] : undefined));
    return firstRepeats(values).map(({ value, index, first }) => ({
        property: `nodes[${index}].${field}`,
        reason: `${quoteValue(value)} is already used by nodes[${first}]; each node needs its own`,
    }));
}
