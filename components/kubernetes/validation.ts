// Checks for what GlusterPersistentVolume and GlusterHostMount put into Kubernetes objects and
// onto workers: object names (DNS-1123/1035, as the API server checks them) and the host path a
// volume is mounted at. Pure; failures name the field and the fix.
import { hasUnnormalizedSegment, isUnknownInput, quoteValue, type ValidationFailure } from "../checks";

const MAX_SUBDOMAIN_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
const SUBDOMAIN = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/;
const LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const RFC1035_LABEL = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;

/** PersistentVolume, PersistentVolumeClaim, Endpoints and node names: DNS-1123 subdomains. */
export function validateDnsSubdomain(value: unknown, property: string): ValidationFailure[] {
    return validateName(value, property, MAX_SUBDOMAIN_LENGTH, SUBDOMAIN, "lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, e.g. \"glusterfs-web\"");
}

/** Namespaces: DNS-1123 labels. */
export function validateDnsLabel(value: unknown, property: string): ValidationFailure[] {
    return validateName(value, property, MAX_LABEL_LENGTH, LABEL, "lowercase letters, digits and '-', starting and ending with a letter or digit, e.g. \"storage\"");
}

/** Service names (and so the Endpoints that share them): DNS-1035 labels, which start with a letter. */
export function validateServiceName(value: unknown, property: string): ValidationFailure[] {
    return validateName(value, property, MAX_LABEL_LENGTH, RFC1035_LABEL, "lowercase letters, digits and '-', starting with a letter and ending with a letter or digit, e.g. \"glusterfs-web\"");
}

function validateName(value: unknown, property: string, maxLength: number, pattern: RegExp, rule: string): ValidationFailure[] {
    if (isUnknownInput(value)) {
        return [];
    }
    if (typeof value !== "string" || value === "") {
        return [{ property, reason: `a Kubernetes name is required; use ${rule}` }];
    }
    if (value.length > maxLength) {
        return [{ property, reason: `is ${value.length} characters long; Kubernetes allows at most ${maxLength} here` }];
    }
    if (!pattern.test(value)) {
        return [{ property, reason: `${quoteValue(value)} is not a valid Kubernetes name here; use ${rule}` }];
    }
    return [];
}

/** Directories a mount must not hide: the host needs what is in them. */
const SYSTEM_DIRECTORIES = ["/etc", "/usr", "/bin", "/sbin", "/lib", "/lib64", "/boot", "/dev", "/proc", "/sys", "/run", "/var/lib", "/root"];
/** fstab separates fields by blanks and awk -v reads backslashes: path segments stay plain. */
const PATH_SEGMENT = /^[A-Za-z0-9._-]+$/;
/** NAME_MAX: longer directory names cannot be made. */
const MAX_SEGMENT_LENGTH = 255;
const EXAMPLE = 'write it like "/mnt/glusterfs/web"';

/** Where a worker mounts a volume: absolute, normalized, plain, and outside the system's directories. */
export function validateHostMountPath(value: unknown, property: string): ValidationFailure[] {
    if (isUnknownInput(value)) {
        return [];
    }
    if (typeof value !== "string" || value === "") {
        return [{ property, reason: `an absolute path is required; ${EXAMPLE}` }];
    }
    const shown = quoteValue(value);
    if (!value.startsWith("/")) {
        return [{ property, reason: `${shown} must be an absolute path; ${EXAMPLE}` }];
    }
    const segments = value === "/" ? [] : value.slice(1).split("/");
    if (value !== "/" && hasUnnormalizedSegment(value)) {
        return [{ property, reason: `${shown} must be an absolute path without '.', '..', '//' or a trailing '/'; ${EXAMPLE}` }];
    }
    if (!segments.every((segment) => PATH_SEGMENT.test(segment))) {
        return [{ property, reason: `${shown} must be an absolute path of letters, digits, '.', '_', '-' and '/' (fstab separates fields by blanks); ${EXAMPLE}` }];
    }
    const long = segments.find((segment) => segment.length > MAX_SEGMENT_LENGTH);
    if (long !== undefined) {
        return [{ property, reason: `has a directory name of ${long.length} characters; a directory name has at most ${MAX_SEGMENT_LENGTH}` }];
    }
    const system = value === "/" ? "/" : SYSTEM_DIRECTORIES.find((directory) => value === directory || value.startsWith(`${directory}/`));
    if (system !== undefined) {
        return [{ property, reason: `${shown} is ${value === system ? "" : "under "}the system directory ${system}, which a mount would hide from the host; use a directory such as "/mnt/glusterfs/web"` }];
    }
    return [];
}
