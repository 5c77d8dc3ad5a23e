/**
 * npm semver ranges ("<=1.5.1", ">=2.0.0 <2.3.1 || ^3.0.0") as OSV SEMVER events, through the
 * `semver` package's own Range parsing. Every comparator set becomes an interval; their union is
 * written as one OSV range. The conversion is exact: a `>v` bound becomes `introduced` at the
 * smallest version after v (`1.2.4-0` after `1.2.3`). One difference remains and is documented:
 * npm ranges skip prereleases unless asked, OSV SEMVER ranges include them.
 */
import semver from 'semver';
import type { VersionRange } from '../../model.ts';
import { complement, normalize, toEvents, type Interval } from '../intervals.ts';

const compare = (a: string, b: string): number => semver.compare(a, b);

/** The smallest semver version greater than `version`. */
function nextVersion(version: string): string | undefined {
  const parsed = semver.parse(version);
  if (!parsed) return undefined;
  return parsed.prerelease.length > 0 ? `${parsed.version}.0` : `${parsed.major}.${parsed.minor}.${parsed.patch + 1}-0`;
}

function setToInterval(comparators: readonly semver.Comparator[]): Interval {
  const interval: Interval = {};
  for (const comparator of comparators) {
    if (comparator.value === '') continue; // the "any version" comparator
    const version = comparator.semver.version;
    const { operator } = comparator;
    const lower = operator === '>=' || operator === '' ? { version, inclusive: true } : operator === '>' ? { version, inclusive: false } : undefined;
    const upper = operator === '<=' || operator === '' ? { version, inclusive: true } : operator === '<' ? { version, inclusive: false } : undefined;
    // Several bounds on one side (">=1 >=2") keep the tighter one.
    if (lower && (!interval.lower || compare(lower.version, interval.lower.version) > 0)) interval.lower = lower;
    if (upper && (!interval.upper || compare(upper.version, interval.upper.version) < 0)) interval.upper = upper;
  }
  return interval;
}

/** The intervals an npm range covers; undefined when `semver` rejects the range. */
export function semverIntervals(range: string): Interval[] | undefined {
  let parsed: semver.Range;
  try {
    parsed = new semver.Range(range);
  } catch {
    return undefined;
  }
  return normalize(parsed.set.map(setToInterval), compare);
}

/**
 * The affected versions as one OSV SEMVER range: `vulnerable` when given, otherwise every version
 * `patched` leaves out. Undefined when a given range cannot be parsed.
 */
export function affectedSemverRange(vulnerable: string | undefined, patched: string | undefined): VersionRange | undefined {
  let intervals: Interval[] | undefined;
  if (vulnerable !== undefined && vulnerable.trim() !== '') intervals = semverIntervals(vulnerable);
  else if (patched !== undefined && patched.trim() !== '') {
    const fixed = semverIntervals(patched);
    intervals = fixed && complement(fixed, compare);
  } else intervals = [{}];
  if (!intervals) return undefined;
  return { type: 'SEMVER', events: toEvents(intervals, nextVersion) };
}
