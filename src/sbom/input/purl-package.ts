/**
 * From a package URL found in someone else's SBOM back to the fields of an inventory package: the
 * inverse of inventory/purl.ts. OS package versions are rebuilt the way Portcullis's own extractors
 * spell them (dpkg `epoch:version`, rpm version and release apart), so matching treats a package read
 * from an SBOM exactly like one read from an image.
 */
import { PackageURL } from 'packageurl-js';
import type { OSInfo, PackageType } from '../../inventory/index.ts';

/** purl types Portcullis has a package type for; every other type is reported and skipped. */
const PACKAGE_TYPES: ReadonlySet<string> = new Set<PackageType>(['deb', 'apk', 'rpm', 'npm', 'pypi', 'golang', 'maven', 'gem', 'cargo', 'composer', 'nuget']);

/** The identity fields a purl gives; the caller adds locations, layer and the rest. */
export interface PurlIdentity {
  type: PackageType;
  name: string;
  namespace?: string;
  version: string;
  epoch?: number;
  release?: string;
  arch?: string;
  /** The `distro` qualifier of an OS package ("debian-12"). */
  distro?: string;
}

export type PurlResult = { identity: PurlIdentity } | { error: string } | { unsupportedType: string };

/**
 * Parses an untrusted purl. `fallbackVersion` (the component's own version field) is used when the
 * purl has none; a package with neither is an error, since nothing can be matched against it.
 */
export function identityFromPurl(text: string, fallbackVersion: string | undefined): PurlResult {
  let purl: PackageURL;
  try {
    purl = PackageURL.fromString(text);
  } catch (error) {
    return { error: `invalid purl: ${(error as Error).message}` };
  }
  if (!PACKAGE_TYPES.has(purl.type)) return { unsupportedType: purl.type };
  const type = purl.type as PackageType;
  const rawVersion = purl.version ?? fallbackVersion;
  if (rawVersion === undefined || rawVersion === '') return { error: 'purl has no version' };
  const qualifiers = purl.qualifiers ?? {};
  const identity: PurlIdentity = { type, name: purl.name, version: rawVersion };

  switch (type) {
    case 'deb':
    case 'apk':
    case 'rpm': {
      const epoch = parseEpoch(qualifiers['epoch']);
      if (epoch === null) return { error: `invalid epoch qualifier ${JSON.stringify(qualifiers['epoch'])}` };
      if (epoch !== undefined) identity.epoch = epoch;
      if (qualifiers['arch'] !== undefined) identity.arch = qualifiers['arch'];
      if (qualifiers['distro'] !== undefined) identity.distro = qualifiers['distro'];
      if (type === 'deb' && epoch !== undefined && epoch > 0) identity.version = `${epoch}:${rawVersion}`;
      if (type === 'rpm') splitRelease(identity, rawVersion);
      break;
    }
    case 'golang':
      // Portcullis names a Go module by its whole path; the purl splits it at the last '/'.
      if (purl.namespace !== undefined) identity.name = `${purl.namespace}/${purl.name}`;
      break;
    case 'npm':
    case 'pypi':
    case 'maven':
    case 'gem':
    case 'cargo':
    case 'composer':
    case 'nuget':
      if (purl.namespace !== undefined) identity.namespace = purl.namespace;
      break;
  }
  return { identity };
}

/** undefined when absent, null when present but not a non-negative integer. */
function parseEpoch(value: string | undefined): number | undefined | null {
  if (value === undefined) return undefined;
  return /^\d{1,9}$/.test(value) ? Number(value) : null;
}

/** rpm purls carry `version-release`; the inventory keeps them apart, as the rpm database does. */
function splitRelease(identity: PurlIdentity, version: string): void {
  const dash = version.lastIndexOf('-');
  if (dash <= 0 || dash === version.length - 1) return;
  identity.version = version.slice(0, dash);
  identity.release = version.slice(dash + 1);
}

/**
 * The OS a `distro` qualifier names: "debian-12" -> debian 12, "alpine-3.20.3", "opensuse-leap-15.5"
 * (the version is the part after the last '-' when it starts with a digit), "wolfi" -> no version.
 */
export function osFromDistro(distro: string, source: string): OSInfo | undefined {
  const match = /^([a-z][a-z0-9._-]*?)(?:-(\d[A-Za-z0-9._~+]*))?$/.exec(distro.trim().toLowerCase());
  if (match === null) return undefined;
  const os: OSInfo = { id: match[1] as string, source };
  if (match[2] !== undefined) os.versionId = match[2];
  return os;
}
