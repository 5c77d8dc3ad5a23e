/**
 * The scan a Portcullis server keeps for an image: when an image's registry is a Portcullis server,
 * its stored scan (GET /api/v1/repositories/{repo}/artifacts/{digest}/scan, with the same
 * credentials and session as the registry) is the evidence `sign --require-scan` and
 * `policy eval` judge, instead of scanning again. Other registries answer that path with something
 * that is not Portcullis's JSON, and then the caller falls back (a fresh scan, or no scan).
 *
 * The answer is untrusted: it is size-bounded, its body may not stall, and it is validated field by
 * field. Validation is strict for every field a decision reads: one malformed finding refuses the
 * whole answer instead of being left out with a warning. Leaving a finding out would hand the
 * policy a cleaner image than the server scanned (a deny turned into an allow, for signing and for
 * admission alike), and a server that breaks its own contract is not evidence to sign on. Fields
 * this version does not know are ignored, so a newer server may add optional ones.
 */
import { PortcullisError } from '../core/index.ts';
import { Issues, decodeJsonObject, describeValue, joinPath, readArray, readObject, readString, readStringArray } from '../oci/index.ts';
import { readLimited, type RegistryClient } from '../registry-client/index.ts';
import { SEVERITY_ORDER, type FindingStatus, type Severity } from '../vuln/index.ts';

export const SCAN_STATES = ['completed', 'pending', 'failed', 'none'] as const;
export type StoredScanState = (typeof SCAN_STATES)[number];
const FINDING_STATUSES: readonly FindingStatus[] = ['fixed', 'unfixed', 'will-not-fix'];

export interface StoredFinding {
  id: string;
  aliases: string[];
  severity: Severity;
  package: { name: string; version: string; ecosystem?: string; purl?: string };
  fixedVersion?: string;
  status: FindingStatus;
  /** ISO time the server first saw the finding on this image (starts a policy's grace period). */
  firstSeen?: string;
}

export interface StoredScan {
  repository: string;
  digest: string;
  state: StoredScanState;
  completedAt?: string;
  summary: Record<string, number>;
  /** Lifecycle labels of the artifact (deprecated, production-ready, team, ...). */
  labels: Record<string, string>;
  findings: StoredFinding[];
}

/** What the server said: its stored scan, or that it does not serve them (not a Portcullis server). */
export type StoredScanAnswer = { offered: true; scan: StoredScan } | { offered: false; reason: string };

/** Real reports are well under a megabyte; thousands of findings fit in this. */
export const MAX_STORED_SCAN_BYTES = 16 * 1024 * 1024;
export const MAX_STORED_FINDINGS = 100_000;
/** Ids, names, versions and label values are short; longer text is a broken or hostile server. */
const MAX_TEXT = 1024;
/** RFC 3339 date-time, as the server writes it (toISOString). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

type JsonObject = Record<string, unknown>;

/** A string field of bounded length. */
function readText(object: JsonObject, key: string, path: string, issues: Issues, required: boolean): string | undefined {
  const text = readString(object, key, path, issues, required);
  if (text === undefined || text.length <= MAX_TEXT) return text;
  issues.add(joinPath(path, key), `is ${text.length} characters, more than ${MAX_TEXT}`);
  return undefined;
}

/** A date-time field: the policy engine computes ages and grace periods from it. */
function readTime(object: JsonObject, key: string, path: string, issues: Issues): string | undefined {
  const text = readString(object, key, path, issues, false);
  if (text === undefined || (DATE_TIME.test(text) && !Number.isNaN(Date.parse(text)))) return text;
  issues.add(joinPath(path, key), `must be an RFC 3339 date-time, got ${describeValue(text)}`);
  return undefined;
}

function readOneOf<T extends string>(object: JsonObject, key: string, path: string, issues: Issues, allowed: readonly T[]): T | undefined {
  const text = readString(object, key, path, issues, true);
  if (text === undefined) return undefined;
  if ((allowed as readonly string[]).includes(text)) return text as T;
  issues.add(joinPath(path, key), `must be one of ${allowed.join(', ')}`);
  return undefined;
}

function parseFinding(value: unknown, path: string, issues: Issues): StoredFinding | undefined {
  const object = readObject(value, path, issues);
  if (object === undefined) return undefined;
  const id = readText(object, 'id', path, issues, true);
  const aliases = readStringArray(object, 'aliases', path, issues, true) ?? [];
  const severity = readOneOf(object, 'severity', path, issues, SEVERITY_ORDER);
  const status = readOneOf(object, 'status', path, issues, FINDING_STATUSES);
  const fixedVersion = readText(object, 'fixedVersion', path, issues, false);
  const firstSeen = readTime(object, 'firstSeen', path, issues);
  const packagePath = joinPath(path, 'package');
  const pkg = readObject(object.package, packagePath, issues);
  const name = pkg === undefined ? undefined : readText(pkg, 'name', packagePath, issues, true);
  const version = pkg === undefined ? undefined : readText(pkg, 'version', packagePath, issues, true);
  const ecosystem = pkg === undefined ? undefined : readText(pkg, 'ecosystem', packagePath, issues, false);
  const purl = pkg === undefined ? undefined : readText(pkg, 'purl', packagePath, issues, false);
  if (id === undefined || severity === undefined || status === undefined || name === undefined || version === undefined) return undefined;
  return {
    id,
    aliases,
    severity,
    status,
    package: { name, version, ...(ecosystem !== undefined && { ecosystem }), ...(purl !== undefined && { purl }) },
    ...(fixedVersion !== undefined && { fixedVersion }),
    ...(firstSeen !== undefined && { firstSeen }),
  };
}

function parseLabels(value: unknown, issues: Issues): Record<string, string> {
  if (value === undefined) return {};
  const object = readObject(value, 'labels', issues) ?? {};
  const labels: Record<string, string> = {};
  for (const [key, text] of Object.entries(object)) {
    // The key goes into the message: a hostile one is shown cut short.
    const path = joinPath('labels', key.length > 60 ? `${key.slice(0, 60)}...` : key);
    if (typeof text !== 'string') issues.add(path, 'must be a string');
    else if (text.length > MAX_TEXT) issues.add(path, `is ${text.length} characters, more than ${MAX_TEXT}`);
    else labels[key] = text;
  }
  return labels;
}

function parseSummary(value: unknown, issues: Issues): Record<string, number> {
  const object = readObject(value, 'summary', issues) ?? {};
  const summary: Record<string, number> = {};
  for (const [key, count] of Object.entries(object)) {
    if (typeof count === 'number' && Number.isSafeInteger(count) && count >= 0) summary[key] = count;
    else issues.add(joinPath('summary', key), 'must be a whole number');
  }
  return summary;
}

/** Parses the scan route's answer for `repository@digest`; anything malformed is an INPUT error. */
export function parseStoredScan(bytes: Uint8Array, repository: string, digest: string): StoredScan {
  const what = `stored scan of ${repository}@${digest}`;
  const object = decodeJsonObject(bytes, what, MAX_STORED_SCAN_BYTES);
  const issues = new Issues();
  const answeredRepository = readString(object, 'repository', '', issues, true);
  const answeredDigest = readString(object, 'digest', '', issues, true);
  const state = readOneOf(object, 'state', '', issues, SCAN_STATES);
  const completedAt = readTime(object, 'completedAt', '', issues);
  const summary = parseSummary(object.summary, issues);
  const labels = parseLabels(object.labels, issues);
  const rawFindings = readArray(object, 'findings', '', issues, true) ?? [];
  if (rawFindings.length > MAX_STORED_FINDINGS) throw new PortcullisError('LIMIT', `${what} lists ${rawFindings.length} findings, more than ${MAX_STORED_FINDINGS}`);
  const findings = rawFindings.map((finding, index) => parseFinding(finding, joinPath('findings', index), issues));
  // The server must answer about the image asked for: another image's scan would be false evidence.
  if (answeredDigest !== undefined && answeredDigest !== digest) issues.add('digest', `is ${describeValue(answeredDigest)}, not the digest asked for`);
  if (answeredRepository !== undefined && answeredRepository !== repository) issues.add('repository', `is ${describeValue(answeredRepository)}, not the repository asked for`);
  issues.throwIfAny(what);
  return {
    repository,
    digest,
    state: state as StoredScanState,
    ...(completedAt !== undefined && { completedAt }),
    summary,
    labels,
    findings: findings.filter((finding): finding is StoredFinding => finding !== undefined),
  };
}

/** Error answers are short; a longer one (a registry's HTML page) is not read for its message. */
const MAX_ERROR_BYTES = 64 * 1024;

/** The server's own error message, when the body is Portcullis's JSON error form. */
async function apiErrorMessage(response: Response, idleMs: number, action: string): Promise<string | undefined> {
  let body: Buffer;
  try {
    body = await readLimited(response, MAX_ERROR_BYTES, idleMs, action);
  } catch (error) {
    if (error instanceof PortcullisError && error.code === 'LIMIT') return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { error?: { message?: unknown } };
    // The message ends up on a terminal: no control characters from an untrusted server.
    return typeof parsed.error?.message === 'string' ? parsed.error.message.slice(0, 300).replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Asks the registry for its stored scan of `repository@digest`. Any 4xx but 401/403 means the
 * registry does not offer one (not a Portcullis server, or one without the route): `offered: false`
 * with the reason. Refused access, server errors and a 200 that does not parse are errors, never a
 * reason to fall back. The request goes through the client's session: its credentials and token,
 * its signal and its time limits (until the headers arrive, and for every pause while the body
 * streams).
 */
export async function fetchStoredScan(client: RegistryClient, repository: string, digest: string): Promise<StoredScanAnswer> {
  const session = client.session;
  const what = `reading the stored scan of ${digest}`;
  const action = session.describe(what, repository);
  const response = await session.request({
    method: 'GET',
    repository,
    actions: ['pull'],
    path: `/api/v1/repositories/${encodeURIComponent(repository)}/artifacts/${digest}/scan`,
    headers: { accept: 'application/json' },
    accept: (status) => status === 200 || (status >= 400 && status < 500 && status !== 401 && status !== 403),
    what,
  });
  if (response.status !== 200) {
    const message = await apiErrorMessage(response, session.idleTimeoutMs, action);
    return { offered: false, reason: `the registry answered HTTP ${response.status}${message === undefined ? '' : `: ${message}`}` };
  }
  const body = await readLimited(response, MAX_STORED_SCAN_BYTES, session.idleTimeoutMs, action);
  return { offered: true, scan: parseStoredScan(body, repository, digest) };
}
