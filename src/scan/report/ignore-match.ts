/**
 * Which ignore entries cover which findings. An entry covers a finding when its id is one of the
 * finding's ids (best id, aliases, matched advisory records; case does not matter), and, when the
 * entry names them, the package (a purl, or a name: the package's own, or the source package it was
 * matched as) and a path glob on the package's locations.
 */
import { matchesGlob } from 'node:path';
import type { Finding } from '../../vuln/index.ts';
import type { IgnoreEntry } from './model.ts';
import { isPurl, purlMatcher } from './purl-match.ts';

export type FindingTest = (finding: Finding) => boolean;

/** Every id a finding is known by, upper-cased for comparison. */
export function findingIds(finding: Finding): Set<string> {
  return new Set([finding.id, ...finding.aliases, ...finding.advisoryIds].map((id) => id.toUpperCase()));
}

/** Compiles an entry into a test; purls and ids are parsed once, not per finding. */
export function ignoreTest(entry: IgnoreEntry): FindingTest {
  const id = entry.id.toUpperCase();
  const packageTest = entry.package === undefined ? undefined : packageMatcher(entry.package);
  const glob = entry.path?.replace(/^\/+/, '');
  return (finding) =>
    findingIds(finding).has(id) &&
    (packageTest === undefined || packageTest(finding)) &&
    (glob === undefined || finding.package.locations.some((location) => matchesGlob(location, glob)));
}

function packageMatcher(written: string): FindingTest {
  if (isPurl(written)) {
    const matches = purlMatcher(written);
    return (finding) => matches?.(finding.package.purl) ?? false;
  }
  return (finding) => {
    const { name, namespace, matchedName } = finding.package;
    return written === name || written === matchedName || (namespace !== undefined && (written === `${namespace}/${name}` || written === `${namespace}:${name}`));
  };
}
