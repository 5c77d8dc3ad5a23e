/**
 * Which OS description wins when a target has several. The os-release extractor reports each file
 * separately (the walker offers them one by one), with the file's path as `source`; whoever
 * assembles the inventory picks one with `selectOS`. systemd's rule: etc/os-release overrides
 * usr/lib/os-release; the one-line release files are only fallbacks for images without either.
 */
import type { OSInfo } from '../../../inventory/index.ts';

/** Sources in decreasing precedence. */
export const OS_SOURCE_PRECEDENCE: readonly string[] = [
  'etc/os-release',
  'usr/lib/os-release',
  'etc/alpine-release',
  'etc/redhat-release',
  'etc/debian_version',
];

/**
 * The candidate from the highest-precedence source; undefined when there is none. Candidates come
 * in layer order, so among two from the same path the later one (the upper layer) wins.
 */
export function selectOS(candidates: readonly OSInfo[]): OSInfo | undefined {
  let best: OSInfo | undefined;
  let bestRank = Infinity;
  for (const candidate of candidates) {
    const rank = OS_SOURCE_PRECEDENCE.indexOf(candidate.source);
    const effective = rank === -1 ? OS_SOURCE_PRECEDENCE.length : rank;
    if (effective <= bestRank) {
      best = candidate;
      bestRank = effective;
    }
  }
  return best;
}
