/**
 * RubyGems requirement lists ("~> 1.3.8", ">= 4.2.5.1, < 5.0") as intervals, and the rubysec rule
 * that turns them into affected versions: every version outside the union of `patched_versions`
 * and `unaffected_versions`, written as OSV ECOSYSTEM events.
 */
import type { VersionRange } from '../../model.ts';
import { comparatorFor } from '../../versions/index.ts';
import { complement, intersect, normalize, toEvents, type Compare, type Interval } from '../intervals.ts';

const REQUIREMENT = /^\s*(=|!=|>=|<=|>|<|~>)?\s*([0-9][0-9A-Za-z.+-]*)\s*$/;

const compare: Compare = (a, b) => comparatorFor('RubyGems').compare(a, b);

/** The exclusive upper bound of `~> version`: drop the last segment, bump the one before (RubyGems' Version#bump). */
function pessimisticUpper(version: string): string {
  const segments = version.split('.');
  while (segments.length > 1 && !/^\d+$/.test(segments.at(-1)!)) segments.pop();
  if (segments.length > 1) segments.pop();
  const last = Number(segments.pop() ?? '0');
  return [...segments, String(last + 1)].join('.');
}

function single(operator: string, version: string): Interval[] {
  switch (operator) {
    case '':
    case '=':
      return [{ lower: { version, inclusive: true }, upper: { version, inclusive: true } }];
    case '!=':
      return [{ upper: { version, inclusive: false } }, { lower: { version, inclusive: false } }];
    case '>=':
      return [{ lower: { version, inclusive: true } }];
    case '>':
      return [{ lower: { version, inclusive: false } }];
    case '<=':
      return [{ upper: { version, inclusive: true } }];
    case '<':
      return [{ upper: { version, inclusive: false } }];
    case '~>':
      return [{ lower: { version, inclusive: true }, upper: { version: pessimisticUpper(version), inclusive: false } }];
    default:
      return [];
  }
}

/** One requirement string (its comma-separated parts all hold); undefined when it does not parse. */
export function requirementIntervals(requirement: string): Interval[] | undefined {
  let intervals: Interval[] = [{}];
  for (const part of requirement.split(',')) {
    const match = REQUIREMENT.exec(part);
    if (!match) return undefined;
    intervals = intersect(intervals, single(match[1] ?? '', match[2]!), compare);
  }
  return intervals;
}

/** The affected range, or the requirement that could not be parsed. */
export function affectedGemRange(patched: readonly string[], unaffected: readonly string[]): VersionRange | { unparsable: string } {
  const safe: Interval[] = [];
  for (const requirement of [...patched, ...unaffected]) {
    const intervals = requirementIntervals(requirement);
    if (!intervals) return { unparsable: requirement };
    safe.push(...intervals);
  }
  // RubyGems has no "next version after v": an exclusive lower bound is written inclusive (one version too many).
  return { type: 'ECOSYSTEM', events: toEvents(complement(normalize(safe, compare), compare), () => undefined) };
}
