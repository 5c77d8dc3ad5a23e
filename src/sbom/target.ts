/**
 * How every format names the scanned target (name, version, OCI purl), and the options the two SBOM
 * formats share.
 */
import { randomUUID } from 'node:crypto';
import { PackageURL } from 'packageurl-js';
import { PortcullisError, type Reference, parseReference } from '../core/index.ts';
import type { ImageSummary, Inventory } from '../inventory/index.ts';

/** Options of the SBOM formatters. Tests pin `timestamp` and `serialNumber` for byte-exact output. */
export interface SbomOptions {
  /** Portcullis's own version, recorded as the tool that wrote the document. */
  toolVersion: string;
  /** Creation time; default now. */
  timestamp?: Date;
  /** `urn:uuid:<uuid>`; default a random one. Also the unique part of the SPDX namespace. */
  serialNumber?: string;
}

const SERIAL_NUMBER = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface ResolvedSbomOptions {
  toolVersion: string;
  timestamp: Date;
  serialNumber: string;
}

/** Fills defaults and rejects values the formats cannot carry (a USAGE error: they come from the caller). */
export function resolveSbomOptions(options: SbomOptions): ResolvedSbomOptions {
  const { toolVersion, timestamp = new Date(), serialNumber = `urn:uuid:${randomUUID()}` } = options;
  if (toolVersion.trim() === '') throw new PortcullisError('USAGE', 'SBOM tool version is empty');
  // Both formats write four-digit years; ISO strings of other years do not match their date syntax.
  const year = timestamp.getUTCFullYear();
  if (Number.isNaN(year) || year < 0 || year > 9999) throw new PortcullisError('USAGE', 'SBOM timestamp is not a valid date in years 0-9999');
  if (!SERIAL_NUMBER.test(serialNumber)) {
    throw new PortcullisError('USAGE', `SBOM serial number must be urn:uuid:<lower-case uuid>, got ${JSON.stringify(serialNumber).slice(0, 80)}`);
  }
  return { toolVersion, timestamp, serialNumber };
}

/**
 * The target's name without tag or digest ("docker.io/library/alpine") when the reference is a
 * registry reference; otherwise (transport-prefixed paths, directories) the reference as given.
 */
export function targetName(inventory: Inventory): string {
  const { reference, kind } = inventory.target;
  const parsed = kind === 'image' ? registryReference(reference) : undefined;
  return parsed === undefined ? reference : `${parsed.domain}/${parsed.repository}`;
}

/** Transport prefix of a remote image reference (`docker://alpine:3.20`) in the CLI's target syntax. */
const REGISTRY_TRANSPORT = 'docker://';

/** The reference parsed as a registry reference, or undefined for local paths and archives. */
function registryReference(reference: string): Reference | undefined {
  try {
    return parseReference(reference.startsWith(REGISTRY_TRANSPORT) ? reference.slice(REGISTRY_TRANSPORT.length) : reference);
  } catch {
    return undefined;
  }
}

/** The target's version: the manifest digest of an image, when the source gave one. */
export function targetVersion(inventory: Inventory): string | undefined {
  return inventory.image?.manifestDigest;
}

/**
 * `pkg:oci/<name>@<manifest digest>?repository_url=<registry/repository>` as the purl spec defines
 * it for OCI images; undefined without a manifest digest or a registry reference to name it.
 */
export function ociPurl(reference: string, image: ImageSummary): string | undefined {
  if (image.manifestDigest === undefined) return undefined;
  const parsed = registryReference(reference);
  if (parsed === undefined) return undefined;
  const name = parsed.repository.slice(parsed.repository.lastIndexOf('/') + 1);
  const qualifiers: Record<string, string> = { repository_url: `${parsed.domain}/${parsed.repository}` };
  if (parsed.tag !== undefined) qualifiers['tag'] = parsed.tag;
  return new PackageURL('oci', undefined, name, image.manifestDigest, qualifiers, undefined).toString();
}
