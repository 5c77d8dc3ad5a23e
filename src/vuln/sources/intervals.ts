/**
 * Version-range algebra for feeds that publish requirement expressions instead of OSV events
 * (npm semver ranges, RubyGems requirement lists): unions, intersections and complements of
 * intervals under an ecosystem's ordering, and the conversion of the result to OSV events.
 */
import type { RangeEvent } from '../model.ts';

export interface Bound {
  version: string;
  inclusive: boolean;
}

/** A version interval; a missing bound is unbounded on that side. */
export interface Interval {
  lower?: Bound;
  upper?: Bound;
}

export type Compare = (a: string, b: string) => number;

/** Orders lower bounds: unbounded first; at one version an inclusive bound starts earlier. */
function compareLower(a: Bound | undefined, b: Bound | undefined, compare: Compare): number {
  if (!a || !b) return a ? 1 : b ? -1 : 0;
  return compare(a.version, b.version) || (a.inclusive === b.inclusive ? 0 : a.inclusive ? -1 : 1);
}

/** Orders upper bounds: unbounded last; at one version an inclusive bound ends later. */
function compareUpper(a: Bound | undefined, b: Bound | undefined, compare: Compare): number {
  if (!a || !b) return a ? -1 : b ? 1 : 0;
  return compare(a.version, b.version) || (a.inclusive === b.inclusive ? 0 : a.inclusive ? 1 : -1);
}

function isEmpty(interval: Interval, compare: Compare): boolean {
  const { lower, upper } = interval;
  if (!lower || !upper) return false;
  const order = compare(lower.version, upper.version);
  return order > 0 || (order === 0 && !(lower.inclusive && upper.inclusive));
}

/** True when `b` starts inside `a` or right where `a` ends (so the two can be merged). */
function touches(a: Interval, b: Interval, compare: Compare): boolean {
  if (!a.upper || !b.lower) return true;
  const order = compare(b.lower.version, a.upper.version);
  return order < 0 || (order === 0 && (a.upper.inclusive || b.lower.inclusive));
}

/** Sorted, merged, non-empty intervals covering the same versions as `intervals`. */
export function normalize(intervals: readonly Interval[], compare: Compare): Interval[] {
  const sorted = intervals.filter((interval) => !isEmpty(interval, compare)).sort((a, b) => compareLower(a.lower, b.lower, compare));
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged.at(-1);
    if (last && touches(last, interval, compare)) {
      if (!interval.upper) delete last.upper;
      else if (last.upper && compareUpper(interval.upper, last.upper, compare) > 0) last.upper = interval.upper;
    } else {
      merged.push({ ...interval });
    }
  }
  return merged;
}

export function intersect(a: readonly Interval[], b: readonly Interval[], compare: Compare): Interval[] {
  const result: Interval[] = [];
  for (const left of a) {
    for (const right of b) {
      const interval: Interval = {};
      const lower = compareLower(left.lower, right.lower, compare) >= 0 ? left.lower : right.lower;
      const upper = compareUpper(left.upper, right.upper, compare) <= 0 ? left.upper : right.upper;
      if (lower) interval.lower = lower;
      if (upper) interval.upper = upper;
      if (!isEmpty(interval, compare)) result.push(interval);
    }
  }
  return normalize(result, compare);
}

/** Every version not in `intervals`. */
export function complement(intervals: readonly Interval[], compare: Compare): Interval[] {
  const result: Interval[] = [];
  let lower: Bound | undefined;
  let open = true; // no interval has covered -infinity yet
  for (const interval of normalize(intervals, compare)) {
    if (interval.lower) {
      const gap: Interval = { upper: { version: interval.lower.version, inclusive: !interval.lower.inclusive } };
      if (lower) gap.lower = lower;
      if (open || lower) result.push(gap);
    }
    open = false;
    if (!interval.upper) return result;
    lower = { version: interval.upper.version, inclusive: !interval.upper.inclusive };
  }
  result.push(lower ? { lower } : {});
  return result;
}

/**
 * OSV events for sorted, disjoint intervals. OSV has no exclusive lower bound: `exclusiveLower`
 * gives the first version after a bound where the ecosystem has one (semver does); otherwise the
 * bound itself is used and the range reports one version too many, never one too few.
 */
export function toEvents(intervals: readonly Interval[], exclusiveLower: (version: string) => string | undefined): RangeEvent[] {
  const events: RangeEvent[] = [];
  for (const { lower, upper } of intervals) {
    if (!lower) events.push({ introduced: '0' });
    else events.push({ introduced: lower.inclusive ? lower.version : (exclusiveLower(lower.version) ?? lower.version) });
    if (upper) events.push(upper.inclusive ? { last_affected: upper.version } : { fixed: upper.version });
  }
  return events;
}
