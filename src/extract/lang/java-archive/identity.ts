/**
 * Who an archive says it is, in the order of trust: Maven's pom.properties (groupId, artifactId,
 * version; a shaded jar carries several), else the manifest's Implementation-* or Bundle-* headers,
 * else the Maven file-name convention `artifactId-version.jar`.
 */
import { parseManifestMainSection } from './manifest.ts';
import { parseProperties } from './properties.ts';

export type IdentitySource = 'pom.properties' | 'MANIFEST.MF' | 'file-name';

export interface ArchiveIdentity {
  groupId?: string;
  artifactId: string;
  version: string;
  source: IdentitySource;
}

/** `META-INF/maven/<groupId>/<artifactId>/pom.properties`. */
export const POM_PROPERTIES = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/;
export const MANIFEST = /^META-INF\/MANIFEST\.MF$/i;

/** Coordinates are short and have no whitespace or control characters; anything else is not one. */
function coordinate(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed !== undefined && /^[^\s\x00-\x1f]{1,256}$/.test(trimmed) ? trimmed : undefined;
}

export function identityFromPomProperties(bytes: Buffer, warn: (message: string) => void): ArchiveIdentity | undefined {
  const properties = parseProperties(bytes);
  const groupId = coordinate(properties.get('groupId'));
  const artifactId = coordinate(properties.get('artifactId'));
  const version = coordinate(properties.get('version'));
  if (groupId === undefined || artifactId === undefined || version === undefined) {
    const missing = Object.entries({ groupId, artifactId, version }).filter(([, value]) => value === undefined).map(([key]) => key);
    warn(`no valid ${missing.join(', ')}; skipped`);
    return undefined;
  }
  return { groupId, artifactId, version, source: 'pom.properties' };
}

/**
 * From the manifest, completed by the file name where it is silent. The artifact is the
 * Implementation-Title or the OSGi Bundle-SymbolicName (without its directives); the group is the
 * Implementation-Vendor-Id, which only some builds set.
 */
export function identityFromManifest(text: string, fileName: string): ArchiveIdentity | undefined {
  const headers = parseManifestMainSection(text);
  const title = coordinate(headers.get('implementation-title')) ?? coordinate(headers.get('bundle-symbolicname')?.split(';', 1)[0]);
  const declared = coordinate(headers.get('implementation-version')) ?? coordinate(headers.get('bundle-version'));
  if (title === undefined && declared === undefined) return undefined;
  const fromName = identityFromFileName(fileName);
  const artifactId = title ?? fromName?.artifactId;
  const version = declared ?? fromName?.version;
  if (artifactId === undefined || version === undefined) return undefined;
  const identity: ArchiveIdentity = { artifactId, version, source: 'MANIFEST.MF' };
  const groupId = coordinate(headers.get('implementation-vendor-id'));
  if (groupId !== undefined) identity.groupId = groupId;
  return identity;
}

/**
 * `commons-lang3-3.12.0.jar` -> commons-lang3 3.12.0: the version starts at the first '-' followed
 * by a digit. Artifacts whose own name has such a part (`log4j-1.2-api`) are split too early; the
 * file name is the last resort for that reason.
 */
export function identityFromFileName(fileName: string): ArchiveIdentity | undefined {
  const match = /^(.+?)-(\d[^/]*)\.[A-Za-z]{3}$/.exec(fileName);
  const artifactId = coordinate(match?.[1]);
  const version = coordinate(match?.[2]);
  return artifactId === undefined || version === undefined ? undefined : { artifactId, version, source: 'file-name' };
}
