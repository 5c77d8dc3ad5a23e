/**
 * One OSV record (https://ossf.github.io/osv-schema/) validated field by field into the model.
 * Ecosystems are kept exactly as OSV spells them, release included ("Debian:7",
 * "Ubuntu:Pro:14.04:LTS"); OSS-Fuzz records and GIT ranges are stored as published, and the
 * matcher leaves what it cannot order alone.
 */
import type { Advisory, AffectedPackage, RangeEvent, SeverityScore, VersionRange } from '../../model.ts';
import type { AdvisoryRecord } from '../types.ts';
import {
  describeProblems,
  isRecord,
  objectList,
  optionalString,
  requiredString,
  stringList,
  type Problems,
} from '../validate.ts';

export const OSV_SOURCE = 'osv';

/** Advisory ids as OSV allows them: a prefix, a dash, and a restricted alphabet; bounded length. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:+-]{0,199}$/;
const RANGE_TYPES: ReadonlySet<string> = new Set(['ECOSYSTEM', 'SEMVER', 'GIT']);
const CVSS_TYPES: ReadonlySet<string> = new Set(['CVSS_V2', 'CVSS_V3', 'CVSS_V4']);
const EVENT_KINDS = ['introduced', 'fixed', 'last_affected', 'limit'] as const;

export type OsvResult = { kind: 'record'; record: AdvisoryRecord } | { kind: 'withdrawn'; id: string } | { kind: 'invalid'; reason: string };

function readEvents(range: Record<string, unknown>, problems: Problems, where: string): RangeEvent[] {
  const events: RangeEvent[] = [];
  for (const [index, event] of objectList(range, 'events', problems, where).entries()) {
    const kinds = EVENT_KINDS.filter((kind) => typeof event[kind] === 'string');
    const kind = kinds[0];
    if (kinds.length !== 1 || kind === undefined) {
      problems.push(`${where}events[${index}]: must have exactly one of ${EVENT_KINDS.join(', ')} as a string`);
      continue;
    }
    events.push({ [kind]: event[kind] as string } as RangeEvent);
  }
  return events;
}

function readRanges(affected: Record<string, unknown>, problems: Problems, where: string): VersionRange[] {
  const ranges: VersionRange[] = [];
  for (const [index, range] of objectList(affected, 'ranges', problems, where).entries()) {
    const at = `${where}ranges[${index}].`;
    const type = requiredString(range, 'type', problems, at);
    const events = readEvents(range, problems, at);
    // Unknown range types are a newer schema's business: dropped, not an error.
    if (type !== undefined && RANGE_TYPES.has(type)) ranges.push({ type: type as VersionRange['type'], events });
  }
  return ranges;
}

function readAffected(record: Record<string, unknown>, id: string, problems: Problems): AffectedPackage[] {
  const packages: AffectedPackage[] = [];
  for (const [index, affected] of objectList(record, 'affected', problems).entries()) {
    const where = `affected[${index}].`;
    const ranges = readRanges(affected, problems, where);
    const versions = stringList(affected, 'versions', problems, where);
    const pkg = affected.package;
    if (pkg === undefined) continue; // a GIT-only entry names no package: nothing a scan could match
    if (!isRecord(pkg)) {
      problems.push(`${where}package: must be an object`);
      continue;
    }
    const ecosystem = requiredString(pkg, 'ecosystem', problems, `${where}package.`);
    const name = requiredString(pkg, 'name', problems, `${where}package.`);
    if (ecosystem === undefined || name === undefined) continue;
    const entry: AffectedPackage = { advisoryId: id, ecosystem, name, ranges, versions };
    const specific = affected.ecosystem_specific;
    if (isRecord(specific) && typeof specific.urgency === 'string') entry.distroSeverity = specific.urgency;
    packages.push(entry);
  }
  return packages;
}

function readSeverity(record: Record<string, unknown>, id: string, problems: Problems): SeverityScore[] {
  const scores: SeverityScore[] = [];
  for (const [index, severity] of objectList(record, 'severity', problems).entries()) {
    const type = requiredString(severity, 'type', problems, `severity[${index}].`);
    const score = requiredString(severity, 'score', problems, `severity[${index}].`);
    if (type === undefined || score === undefined) continue;
    if (CVSS_TYPES.has(type)) scores.push({ type: type as SeverityScore['type'], score });
    else if (type === 'Ubuntu') scores.push({ type: 'DISTRO', score, source: 'ubuntu' });
  }
  const specific = record.database_specific;
  if (isRecord(specific) && typeof specific.severity === 'string' && id.startsWith('GHSA-')) {
    scores.push({ type: 'DISTRO', score: specific.severity.toLowerCase(), source: 'ghsa' });
  }
  return scores;
}

function readReferences(record: Record<string, unknown>, problems: Problems): Advisory['references'] {
  const references: Advisory['references'] = [];
  for (const [index, reference] of objectList(record, 'references', problems).entries()) {
    const url = requiredString(reference, 'url', problems, `references[${index}].`);
    const type = optionalString(reference, 'type', problems, `references[${index}].`) ?? 'WEB';
    if (url !== undefined) references.push({ type, url });
  }
  return references;
}

/** Reads one parsed OSV document; `source` lets OSV-shaped feeds (GHSA) keep their own name. */
export function readOsvRecord(value: unknown, source: string = OSV_SOURCE): OsvResult {
  if (!isRecord(value)) return { kind: 'invalid', reason: 'an OSV record must be an object' };
  const problems: Problems = [];
  const id = requiredString(value, 'id', problems);
  if (id !== undefined && !ID_PATTERN.test(id)) problems.push(`id: ${JSON.stringify(id.slice(0, 80))} is not a valid advisory id`);
  const withdrawn = optionalString(value, 'withdrawn', problems);
  const advisory: Advisory = {
    id: id ?? '',
    aliases: stringList(value, 'aliases', problems).filter((alias) => ID_PATTERN.test(alias)),
    severity: readSeverity(value, id ?? '', problems),
    references: readReferences(value, problems),
    source,
  };
  for (const key of ['summary', 'details', 'published', 'modified'] as const) {
    const text = optionalString(value, key, problems);
    if (text !== undefined) advisory[key] = text;
  }
  const specific = value.database_specific;
  if (isRecord(specific)) {
    const cwes = stringList(specific, 'cwe_ids', problems, 'database_specific.');
    if (cwes.length > 0) advisory.cwes = cwes;
  }
  const affected = readAffected(value, advisory.id, problems);
  if (problems.length > 0 || id === undefined) return { kind: 'invalid', reason: describeProblems(problems) };
  if (withdrawn !== undefined) return { kind: 'withdrawn', id };
  return { kind: 'record', record: { advisory, affected } };
}
