/**
 * OSV range evaluation: is a version inside an affected record, and which fixes does the record
 * name. Follows the OSV schema's `IsVulnerable` pseudocode exactly:
 *   - a version listed in `versions` is affected;
 *   - per range, only when the version is below some `limit` (none means no limit, "*" is
 *     infinity), walk the events sorted by version: `introduced` at or below the version turns
 *     "vulnerable" on ("0" sorts before everything), `fixed` at or below turns it off,
 *     `last_affected` strictly below turns it off;
 *   - ECOSYSTEM ranges use the ecosystem's comparator, SEMVER ranges SemVer 2.0, GIT ranges are
 *     never matched (commit hashes say nothing about version strings).
 *
 * Records are evaluated against many installed versions, so each record's events are sorted once
 * and kept in a WeakMap keyed by the record object (dropped with it).
 */
import type { AffectedPackage, RangeEvent } from '../model.ts';
import { comparatorFor, type VersionComparator } from '../versions/index.ts';
import { semverComparator } from './semver.ts';

type EventKind = 'introduced' | 'fixed' | 'last_affected';

interface PreparedEvent {
  kind: EventKind;
  version: string;
}

interface PreparedRange {
  comparator: VersionComparator;
  /** Sorted by version; at equal versions `introduced` first (a later `fixed` then wins). */
  events: PreparedEvent[];
  /** Finite limits; empty when the range has none (or only "*"), which means unlimited. */
  limits: string[];
}

export interface PreparedRecord {
  ranges: PreparedRange[];
  versions: ReadonlySet<string>;
  /** Every `fixed` version of the record's ECOSYSTEM and SEMVER ranges. */
  fixed: string[];
}

const KIND_ORDER: Readonly<Record<EventKind, number>> = { introduced: 0, last_affected: 1, fixed: 2 };
const prepared = new WeakMap<AffectedPackage, PreparedRecord>();

/** The OSV "0": a version that sorts before any other. */
function isZero(event: PreparedEvent): boolean {
  return event.kind === 'introduced' && event.version === '0';
}

function compareEvents(comparator: VersionComparator, a: PreparedEvent, b: PreparedEvent): number {
  const az = isZero(a);
  const bz = isZero(b);
  if (az || bz) return az === bz ? 0 : az ? -1 : 1;
  return comparator.compare(a.version, b.version) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
}

/** One event's kind and version; undefined for events that carry no string (hostile or corrupt data). */
function readEvent(event: RangeEvent): { kind: EventKind | 'limit'; version: string } | undefined {
  const record = event as Partial<Record<EventKind | 'limit', unknown>>;
  for (const kind of ['introduced', 'fixed', 'last_affected', 'limit'] as const) {
    const version = record[kind];
    if (typeof version === 'string') return { kind, version };
  }
  return undefined;
}

function prepare(record: AffectedPackage): PreparedRecord {
  const ranges: PreparedRange[] = [];
  const fixed: string[] = [];
  for (const range of record.ranges) {
    if (range.type === 'GIT') continue;
    const comparator = range.type === 'SEMVER' ? semverComparator : comparatorFor(record.ecosystem);
    const events: PreparedEvent[] = [];
    const limits: string[] = [];
    for (const raw of range.events) {
      const event = readEvent(raw);
      if (event === undefined) continue;
      if (event.kind === 'limit') {
        if (!event.version.includes('*')) limits.push(event.version);
        continue;
      }
      events.push({ kind: event.kind, version: event.version });
      if (event.kind === 'fixed') fixed.push(event.version);
    }
    events.sort((a, b) => compareEvents(comparator, a, b));
    ranges.push({ comparator, events, limits });
  }
  return { ranges, versions: new Set(record.versions), fixed };
}

export function preparedRecord(record: AffectedPackage): PreparedRecord {
  let hit = prepared.get(record);
  if (hit === undefined) {
    hit = prepare(record);
    prepared.set(record, hit);
  }
  return hit;
}

function beforeLimits(range: PreparedRange, version: string): boolean {
  if (range.limits.length === 0) return true;
  return range.limits.some((limit) => range.comparator.compare(version, limit) < 0);
}

function inRange(range: PreparedRange, version: string): boolean {
  if (!beforeLimits(range, version)) return false;
  let vulnerable = false;
  for (const event of range.events) {
    if (isZero(event)) {
      vulnerable = true;
      continue;
    }
    const order = range.comparator.compare(version, event.version);
    // Events are sorted: once one lies above the version, none after it can change the verdict.
    if (order < 0) break;
    if (event.kind === 'introduced') vulnerable = true;
    else if (event.kind === 'fixed') vulnerable = false;
    else if (order > 0) vulnerable = false;
  }
  return vulnerable;
}

/** True when `version` lies in one of the record's ranges or is listed in its `versions`. */
export function isAffected(record: AffectedPackage, version: string): boolean {
  const prepared = preparedRecord(record);
  if (prepared.versions.has(version)) return true;
  return prepared.ranges.some((range) => inRange(range, version));
}
