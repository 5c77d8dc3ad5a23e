/**
 * The registry's feedback-loop settings and their validation: per-project pull gates, exceptions
 * for known findings, and labels on artifacts. Every value arrives from an admin command line or
 * API body, so each field is checked here before it reaches the store ("parse, don't trust").
 */
import { inputError, isDigest, isRepository } from '../core/index.ts';
import { SEVERITY_ORDER, type Severity } from '../vuln/index.ts';

/** Severities a gate threshold or grace period can name (NONE blocks nothing, so it is not one). */
export const GATE_SEVERITIES: readonly Severity[] = SEVERITY_ORDER.filter((severity) => severity !== 'NONE');

/** Pull-gate settings of one project (the first path segment of a repository). */
export interface ProjectGate {
  project: string;
  /** Refuse pulls of images with a finding at or above this severity; undefined for no such rule. */
  minSeverity?: Severity;
  /** Refuse pulls of images whose scan has not finished (or failed). */
  blockUnscanned: boolean;
  /** Days a new finding of a severity is tolerated after it was first seen. */
  graceDays: Partial<Record<Severity, number>>;
}

/** What an exception applies to: one image, or every image of a repository. */
export type ExceptionScope = { kind: 'digest'; digest: string } | { kind: 'repository'; repository: string };

export interface PolicyException {
  id: number;
  /** A finding id or alias: CVE-2024-37890, GHSA-3h5v-q93c-6h6q. */
  vulnerability: string;
  scope: ExceptionScope;
  reason: string;
  /** Who answers for it (a person or team). */
  owner: string;
  /** ms since the epoch; the exception stops applying at this instant. */
  expiresAt: number;
  createdAt: number;
}

export type NewException = Omit<PolicyException, 'id' | 'createdAt'>;

export const MAX_REASON_LENGTH = 1000;
export const MAX_OWNER_LENGTH = 128;
export const MAX_LABEL_VALUE_LENGTH = 256;
export const MAX_LABELS_PER_ARTIFACT = 64;
/** Longest grace period: a year; longer is an exception, and exceptions have owners. */
export const MAX_GRACE_DAYS = 365;

const VULNERABILITY_ID = /^[A-Za-z][A-Za-z0-9]{1,15}-[A-Za-z0-9][A-Za-z0-9._:-]{0,62}$/;
const PROJECT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const LABEL_KEY = /^[a-z][a-z0-9._-]{0,62}$/;
// C0/C1 controls and line breaks: they would forge lines in listings and error messages.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** A lone UTF-16 surrogate: text that came from malformed UTF-8 or was cut mid-character. */
const LONE_SURROGATE = /\p{Cs}/u;

function describe(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}...` : text);
}

export function parseSeverity(value: unknown, what = 'severity'): Severity {
  const upper = typeof value === 'string' ? value.toUpperCase() : '';
  const found = GATE_SEVERITIES.find((severity) => severity === upper);
  if (found === undefined) throw inputError(`${what} must be one of ${GATE_SEVERITIES.join(', ')}, got ${describe(value)}`);
  return found;
}

export function parseProject(value: unknown): string {
  if (typeof value !== 'string' || value.length > 255 || !PROJECT.test(value)) throw inputError(`invalid project name ${describe(value)}`);
  return value;
}

/** `LEVEL=DAYS` (`HIGH=7`): the grace period of one severity, in whole days. */
export function parseGraceOption(value: string): [Severity, number] {
  const equals = value.indexOf('=');
  if (equals <= 0) throw inputError(`grace period takes LEVEL=DAYS (HIGH=7), got ${describe(value)}`);
  const severity = parseSeverity(value.slice(0, equals), 'grace period severity');
  const days = value.slice(equals + 1);
  if (!/^\d{1,3}$/.test(days) || Number(days) > MAX_GRACE_DAYS) throw inputError(`grace period days must be a whole number from 0 to ${MAX_GRACE_DAYS}, got ${describe(days)}`);
  return [severity, Number(days)];
}

export function parseVulnerabilityId(value: unknown): string {
  if (typeof value !== 'string' || !VULNERABILITY_ID.test(value)) {
    throw inputError(`invalid vulnerability id ${describe(value)}: expected an advisory id such as CVE-2024-37890 or GHSA-3h5v-q93c-6h6q`);
  }
  // CVE ids are upper case by definition; others (GHSA ids are lower case after the prefix) stay as given.
  return /^cve-/i.test(value) ? value.toUpperCase() : value;
}

/** Free text (reason, owner): non-empty, bounded, one line. */
export function parseText(value: unknown, what: string, maxLength: number): string {
  if (typeof value !== 'string' || value.trim() === '') throw inputError(`${what} is required`);
  if (value.length > maxLength) throw inputError(`${what} is longer than ${maxLength} characters`);
  if (CONTROL.test(value) || LONE_SURROGATE.test(value)) throw inputError(`${what} contains control characters or malformed Unicode`);
  return value.trim();
}

export function parseExceptionScope(input: { digest?: string | undefined; repository?: string | undefined }): ExceptionScope {
  if ((input.digest === undefined) === (input.repository === undefined)) throw inputError('an exception applies to exactly one of an image digest or a repository');
  if (input.digest !== undefined) {
    if (!isDigest(input.digest)) throw inputError(`invalid image digest ${describe(input.digest)}`);
    return { kind: 'digest', digest: input.digest };
  }
  const repository = input.repository ?? '';
  if (!isRepository(repository)) throw inputError(`invalid repository name ${describe(repository)}`);
  return { kind: 'repository', repository };
}

const UNIT_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000 };

/**
 * An expiry: an ISO 8601 instant with a zone (`2027-01-31T00:00:00Z`) or a duration from `now`
 * (`12h`, `30d`). It must lie in the future: an exception that never applied is a mistake.
 */
export function parseExpiry(value: unknown, now: number): number {
  if (typeof value !== 'string') throw inputError('an expiry is required');
  const duration = /^(\d{1,4})([hd])$/.exec(value);
  let at: number | undefined;
  if (duration !== null) at = now + Number(duration[1]) * (UNIT_MS[duration[2] ?? 'd'] ?? 0);
  const iso = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/.exec(value);
  if (iso !== null) {
    const [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    // Date() rolls 2027-02-30 over into March: a day that does not exist is a typo, not an expiry.
    const calendar = new Date(Date.UTC(year, month - 1, day));
    const parsed = Date.parse(value);
    if (calendar.getUTCMonth() === month - 1 && calendar.getUTCDate() === day && !Number.isNaN(parsed)) at = parsed;
  }
  if (at === undefined) throw inputError(`expiry takes an ISO 8601 time with a zone (2027-01-31T00:00:00Z) or a duration (12h, 30d), got ${describe(value)}`);
  if (at <= now) throw inputError(`expiry ${new Date(at).toISOString()} is not in the future`);
  return at;
}

/**
 * A label key (`deprecated`, `production-ready`, `team`, `purpose`, or any lowercase key of the same
 * form) and its value.
 */
export function parseLabel(key: unknown, value: unknown): [string, string] {
  if (typeof key !== 'string' || !LABEL_KEY.test(key)) throw inputError(`invalid label key ${describe(key)}: lowercase letters, digits, '.', '_', '-', starting with a letter`);
  if (typeof value !== 'string' || value.length > MAX_LABEL_VALUE_LENGTH || CONTROL.test(value) || LONE_SURROGATE.test(value)) {
    throw inputError(`label ${key}: the value must be one line of at most ${MAX_LABEL_VALUE_LENGTH} characters`);
  }
  return [key, value];
}
