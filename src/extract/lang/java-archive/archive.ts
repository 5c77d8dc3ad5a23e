/**
 * Inventories one Java archive and, depth first, the archives inside it (WEB-INF/lib/*.jar,
 * BOOT-INF/lib/*.jar, an ear's lib/*.jar, any nested *.jar), each within the limits below. Nested
 * archives are located as `outer.war!/WEB-INF/lib/inner.jar`.
 */
import { createHash } from 'node:crypto';
import { PortcullisError, isPortcullisError } from '../../../core/index.ts';
import type { ExtractedPackage } from '../../../inventory/index.ts';
import { baseName } from '../support/paths.ts';
import { languagePackage } from '../support/packages.ts';
import { MANIFEST, POM_PROPERTIES, identityFromFileName, identityFromManifest, identityFromPomProperties, type ArchiveIdentity } from './identity.ts';
import { METHOD_STORED, openZip, readZipEntry, type ZipArchive, type ZipEntry } from './zip.ts';

/** Names of the archive kinds Java tools ship: jar, web, enterprise, and plugin archives. */
export const JAVA_ARCHIVE_NAME = /\.(?:jar|war|ear|par|sar|jpi|hpi|kar)$/i;

export interface ArchiveLimits {
  /** Levels of nesting read below the outer archive (a jar in a war in an ear is 2). */
  maxDepth: number;
  /** Entries one archive may list. */
  maxEntries: number;
  /** Entries across the outer archive and everything nested in it. */
  maxTotalEntries: number;
  /** Bytes inflated across the whole file: nested archives and metadata files. */
  maxInflatedBytes: number;
  /** Largest pom.properties or MANIFEST.MF read. */
  maxMetadataBytes: number;
  /** Largest uncompressed:compressed ratio of an entry read; zip bombs reach thousands. */
  maxRatio: number;
}

export const DEFAULT_ARCHIVE_LIMITS: Omit<ArchiveLimits, 'maxInflatedBytes'> = {
  maxDepth: 4,
  maxEntries: 200_000,
  maxTotalEntries: 1_000_000,
  maxMetadataBytes: 1024 * 1024,
  maxRatio: 200,
};

interface Walk {
  limits: ArchiveLimits;
  warn: (message: string) => void;
  entriesLeft: number;
  bytesLeft: number;
  packages: Map<string, ExtractedPackage>;
}

/** Warnings about one file stop here: a hostile archive must not flood the inventory. */
const MAX_WARNINGS = 50;

export function inventoryArchive(bytes: Buffer, location: string, limits: ArchiveLimits, warn: (message: string) => void): ExtractedPackage[] {
  let warnings = 0;
  const limitedWarn = (message: string) => {
    warnings++;
    if (warnings <= MAX_WARNINGS) warn(message);
  };
  const walk: Walk = { limits, warn: limitedWarn, entriesLeft: limits.maxTotalEntries, bytesLeft: limits.maxInflatedBytes, packages: new Map() };
  visit(walk, bytes, location, 0);
  if (warnings > MAX_WARNINGS) warn(`${location}: ${warnings - MAX_WARNINGS} more problems not reported`);
  return [...walk.packages.values()];
}

/** A package for an archive that could not be opened: its file name is all there is to go on. */
export function fileNamePackages(location: string, sha1?: string): ExtractedPackage[] {
  const identity = identityFromFileName(baseName(location));
  return identity === undefined ? [] : [toPackage(identity, location, sha1)];
}

function visit(walk: Walk, bytes: Buffer, location: string, depth: number): void {
  const sha1 = createHash('sha1').update(bytes).digest('hex');
  let archive: ZipArchive;
  try {
    archive = openZip(bytes, { maxEntries: walk.limits.maxEntries }, (problem) => walk.warn(`${location}: ${problem}`));
    walk.entriesLeft -= archive.entries.length;
    if (walk.entriesLeft < 0) {
      throw new PortcullisError('LIMIT', `more than ${walk.limits.maxTotalEntries} entries in all nested archives; the rest not read`);
    }
  } catch (error) {
    if (!isPortcullisError(error)) throw error;
    walk.warn(`${location}: ${error.message}`);
    for (const pkg of fileNamePackages(location, sha1)) add(walk, pkg);
    return;
  }

  for (const identity of identities(walk, bytes, archive, location)) add(walk, toPackage(identity, location, sha1));

  const nested = archive.entries.filter((entry) => JAVA_ARCHIVE_NAME.test(entry.name) && !entry.name.endsWith('/'));
  if (nested.length > 0 && depth >= walk.limits.maxDepth) {
    walk.warn(`${location}: ${nested.length} archive(s) nested deeper than ${walk.limits.maxDepth} levels not read`);
    return;
  }
  for (const entry of nested) {
    const inner = read(walk, bytes, archive, entry, walk.bytesLeft, `${location}!/${entry.name}`);
    if (inner !== undefined) visit(walk, inner, `${location}!/${entry.name}`, depth + 1);
  }
}

function identities(walk: Walk, bytes: Buffer, archive: ZipArchive, location: string): ArchiveIdentity[] {
  const found: ArchiveIdentity[] = [];
  const metadataLimit = Math.min(walk.limits.maxMetadataBytes, walk.bytesLeft);
  for (const entry of archive.entries.filter((candidate) => POM_PROPERTIES.test(candidate.name))) {
    const where = `${location}!/${entry.name}`;
    const content = read(walk, bytes, archive, entry, metadataLimit, where);
    const identity = content && identityFromPomProperties(content, (message) => walk.warn(`${where}: ${message}`));
    if (identity) found.push(identity);
  }
  if (found.length > 0) return found;

  const manifest = archive.entries.find((entry) => MANIFEST.test(entry.name));
  const content = manifest && read(walk, bytes, archive, manifest, metadataLimit, `${location}!/${manifest.name}`);
  const fromManifest = content && identityFromManifest(decodeUtf8(content), baseName(location));
  if (fromManifest) return [fromManifest];
  const fromName = identityFromFileName(baseName(location));
  return fromName === undefined ? [] : [fromName];
}

/** An entry's content, or undefined (with a warning naming it) when it breaks a limit or is malformed. */
function read(walk: Walk, bytes: Buffer, archive: ZipArchive, entry: ZipEntry, maxBytes: number, where: string): Buffer | undefined {
  try {
    const content = readZipEntry(bytes, archive, entry, { maxBytes, maxRatio: walk.limits.maxRatio });
    // Stored entries are views of bytes already held; only inflated ones take new memory.
    if (entry.method !== METHOD_STORED) walk.bytesLeft -= content.length;
    return content;
  } catch (error) {
    if (!isPortcullisError(error)) throw error;
    walk.warn(`${where}: ${error.message}`);
    return undefined;
  }
}

function decodeUtf8(bytes: Buffer): string {
  return new TextDecoder('utf-8').decode(bytes);
}

function toPackage(identity: ArchiveIdentity, location: string, sha1: string | undefined): ExtractedPackage {
  const metadata: Record<string, string> = { source: identity.source };
  if (sha1 !== undefined) metadata.sha1 = sha1;
  return languagePackage(
    { type: 'maven', namespace: identity.groupId, name: identity.artifactId, version: identity.version, metadata },
    location,
  );
}

function add(walk: Walk, pkg: ExtractedPackage): void {
  const key = JSON.stringify([pkg.namespace ?? '', pkg.name, pkg.version, pkg.locations[0]]);
  if (!walk.packages.has(key)) walk.packages.set(key, pkg);
}
