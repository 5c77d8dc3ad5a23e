/**
 * Packagist (Composer) versions. Composer first normalises a version string with its
 * VersionParser (strip a leading `v`, pad to four numbers, expand stability suffixes:
 * `1.2-b3` -> `1.2.0.0-beta3`, `v2.0.1-p1` -> `2.0.1.0-patch1`, date versions, `1.x-dev` and
 * `dev-<branch>` branches), then compares normalised versions with PHP's version_compare()
 * (php-version-compare.ts): `dev < alpha < beta < RC < release < patch`.
 *
 * Composer never orders branches (`dev-main`) against numbered versions; Portcullis sorts them
 * below every numbered version and among themselves by name. Strings Composer's normalize()
 * rejects sort below everything else, ordered by plain string order; `isValid` is normalize()
 * succeeding.
 */
import type { VersionComparator } from './types.ts';
import { compareStrings } from './numeric.ts';
import { canonicalForm, compareCanonicalPhpVersions } from './php-version-compare.ts';
import { invalidLowestComparator } from './invalid-lowest.ts';

/** PCRE's `\s` without the UTF flag: ASCII whitespace only (as a character-class body). */
const SPACE = ' \\t\\n\\v\\f\\r';
const ALIAS = new RegExp(`^([^,${SPACE}]+) +as +([^,${SPACE}]+)$`);
const STABILITY_FLAG = /@(?:stable|RC|beta|alpha|dev)$/i;
const BUILD_METADATA = new RegExp(`^([^,+${SPACE}]+)\\+[^${SPACE}]+$`);
// Composer writes the stability number as the possessive `((?:[.-]?\d+)*+)`. JavaScript has no
// possessive quantifiers, and the plain `*` form backtracks exponentially on long digit runs, so
// this is the same language written unambiguously.
const MODIFIER = '[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\\d+(?:[.-]\\d+)*)?)?)?([.-]?dev)?';
const CLASSICAL = new RegExp(`^v?(\\d{1,5})(\\.\\d+)?(\\.\\d+)?(\\.\\d+)?${MODIFIER}$`, 'i');
const DATE = new RegExp(`^v?(\\d{4}(?:[.:-]?\\d{2}){1,6}(?:[.:-]?\\d{1,3}){0,2})${MODIFIER}$`, 'i');
const DEV_SUFFIX = /^(.*?)[.-]?dev$/i;
const BRANCH = /^v?(\d+)(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?$/i;

/** PHP's trim() character set. */
function phpTrim(s: string): string {
  return s.replace(/^[ \t\n\r\0\v]+|[ \t\n\r\0\v]+$/g, '');
}

function expandStability(stability: string): string {
  const lower = stability.toLowerCase();
  if (lower === 'a') return 'alpha';
  if (lower === 'b') return 'beta';
  if (lower === 'p' || lower === 'pl') return 'patch';
  if (lower === 'rc') return 'RC';
  return lower;
}

/** Appends the stability and dev modifiers captured at `index` (Composer's "add version modifiers"). */
function withModifiers(version: string, m: RegExpExecArray, index: number): string {
  const stability = m[index];
  if (stability !== undefined && stability !== '') {
    if (stability === 'stable') return version;
    const number = m[index + 1];
    version += `-${expandStability(stability)}${number !== undefined && number !== '' ? number.replace(/^[.-]+/, '') : ''}`;
  }
  const dev = m[index + 2];
  if (dev !== undefined && dev !== '') version += '-dev';
  return version;
}

function normalizeBranch(name: string): string {
  const m = BRANCH.exec(phpTrim(name));
  if (m === null) return `dev-${name}`;
  let version = '';
  for (let i = 1; i < 5; i++) version += m[i] === undefined ? '.x' : m[i]!.replace(/[*X]/g, 'x');
  return `${version.replaceAll('x', '9999999')}-dev`;
}

/** Composer's VersionParser::normalize(); null where Composer throws. */
export function normalizeComposerVersion(input: string): string | null {
  let version = phpTrim(input);
  const alias = ALIAS.exec(version);
  if (alias !== null) version = alias[1] as string;
  const flag = STABILITY_FLAG.exec(version);
  if (flag !== null) version = version.slice(0, version.length - flag[0].length);
  if (version === 'master' || version === 'trunk' || version === 'default') version = `dev-${version}`;
  if (version.toLowerCase().startsWith('dev-')) return `dev-${version.slice(4)}`;
  const build = BUILD_METADATA.exec(version);
  if (build !== null) version = build[1] as string;
  const classical = CLASSICAL.exec(version);
  if (classical !== null) {
    const padded = `${classical[1]}${classical[2] || '.0'}${classical[3] || '.0'}${classical[4] || '.0'}`;
    return withModifiers(padded, classical, 5);
  }
  const date = DATE.exec(version);
  if (date !== null) return withModifiers((date[1] as string).replace(/\D/g, '.'), date, 2);
  const dev = DEV_SUFFIX.exec(version);
  if (dev !== null) {
    const branch = normalizeBranch(dev[1] as string);
    if (!branch.includes('dev-')) return branch;
  }
  return null;
}

/** A normalised version and the canonical form PHP's version_compare reads it as. */
interface ComposerVersion {
  normalized: string;
  canonical: string;
  isBranch: boolean;
}

function parseComposerVersion(version: string): ComposerVersion | null {
  const normalized = normalizeComposerVersion(version);
  if (normalized === null) return null;
  return { normalized, canonical: canonicalForm(normalized), isBranch: normalized.startsWith('dev-') };
}

function compareNormalized(a: ComposerVersion, b: ComposerVersion): number {
  if (a.isBranch || b.isBranch) return a.isBranch && b.isBranch ? compareStrings(a.normalized, b.normalized) : a.isBranch ? -1 : 1;
  return compareCanonicalPhpVersions(a.canonical, b.canonical);
}

export const packagistComparator: VersionComparator = invalidLowestComparator(parseComposerVersion, compareNormalized);
