/**
 * Platforms (`os/arch[/variant]`) and the choice of one manifest from an index. Architecture names
 * are normalised the way container runtimes do (x86_64 is amd64, arm64's default variant is v8,
 * arm's is v7), so `linux/arm64` matches an entry that says `arm64/v8`.
 */
import { PortcullisError } from '../core/index.ts';
import type { Descriptor, Platform } from './descriptor.ts';
import type { ImageIndex } from './image-index.ts';
import { isIndexMediaType, isManifestMediaType } from './media-types.ts';

export const DEFAULT_PLATFORM = 'linux/amd64';

export interface PlatformSpec {
  os: string;
  architecture: string;
  variant?: string;
}

const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64', i386: '386', i686: '386' };
const DEFAULT_VARIANTS: Record<string, string> = { arm64: 'v8', arm: 'v7' };
const PLATFORM_PART = /^[a-z0-9_.-]+$/i;

/** Parses `os/arch[/variant]` as given on a command line; malformed text is a USAGE error. */
export function parsePlatform(text: string): PlatformSpec {
  const parts = text.split('/');
  if (parts.length < 2 || parts.length > 3 || !parts.every((part) => PLATFORM_PART.test(part))) {
    throw new PortcullisError('USAGE', `invalid platform ${JSON.stringify(text)}: expected os/arch[/variant], e.g. linux/arm64`);
  }
  const [os, architecture, variant] = parts as [string, string, string?];
  return { os, architecture, ...(variant !== undefined && { variant }) };
}

export function formatPlatform(platform: PlatformSpec): string {
  return [platform.os, platform.architecture, platform.variant].filter((part) => part).join('/');
}

/** The canonical form two platforms are compared in. */
export function normalizePlatform(platform: PlatformSpec): Required<PlatformSpec> {
  const os = platform.os.toLowerCase();
  const architecture = ARCH_ALIASES[platform.architecture.toLowerCase()] ?? platform.architecture.toLowerCase();
  const variant = platform.variant?.toLowerCase() || DEFAULT_VARIANTS[architecture] || '';
  return { os, architecture, variant };
}

export function platformMatches(candidate: PlatformSpec, wanted: PlatformSpec): boolean {
  const a = normalizePlatform(candidate);
  const b = normalizePlatform(wanted);
  return a.os === b.os && a.architecture === b.architecture && a.variant === b.variant;
}

/** Attestation manifests (buildkit) sit in indexes as "unknown/unknown"; nobody can run them. */
const ATTESTATION_ANNOTATION = 'vnd.docker.reference.type';

function isRunnableImage(entry: Descriptor): entry is Descriptor & { platform: Platform } {
  if (entry.platform === undefined || entry.platform.os === 'unknown' || entry.annotations?.[ATTESTATION_ANNOTATION] !== undefined) return false;
  return isManifestMediaType(entry.mediaType) || isIndexMediaType(entry.mediaType);
}

/**
 * The entry of `index` for `platform` (default linux/amd64): the first image manifest or nested
 * index whose platform matches. NOT_FOUND lists the platforms the index does have.
 */
export function selectPlatform(index: ImageIndex, platform: string = DEFAULT_PLATFORM): Descriptor {
  const wanted = parsePlatform(platform);
  const candidates = index.manifests.filter(isRunnableImage);
  const match = candidates.find((entry) => platformMatches(entry.platform, wanted));
  if (match !== undefined) return match;
  const available = [...new Set(candidates.map((entry) => formatPlatform(entry.platform)))];
  throw new PortcullisError(
    'NOT_FOUND',
    `no image for platform ${formatPlatform(wanted)} in the index; it has: ${available.length > 0 ? available.join(', ') : 'no platforms'}`,
  );
}
