/**
 * AdmissionReview (admission.k8s.io/v1) as the Kubernetes API server sends it to a webhook, parsed
 * field by field: the envelope is untrusted input, so anything off (wrong apiVersion or kind, no
 * uid, an operation the API does not have) is an INPUT error the route answers with 400, which the
 * API server treats as a webhook failure (failurePolicy Fail: the request is refused). The object
 * inside is read later, by the workload reader, and only along the paths it needs.
 */
import { inputError } from '../core/index.ts';

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';
export const ADMISSION_KIND = 'AdmissionReview';
/** The API server's own limit on a request body (3 MiB); a review larger than that is not from it. */
export const MAX_REVIEW_BYTES = 3 * 1024 * 1024;

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
const OPERATIONS: readonly AdmissionOperation[] = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface AdmissionRequest {
  uid: string;
  kind: GroupVersionKind;
  operation: AdmissionOperation;
  /** `ephemeralcontainers` for `kubectl debug`, `status`, ...; undefined for the resource itself. */
  subResource?: string;
  namespace?: string;
  name?: string;
  /** The user who asked, for the audit trail. */
  username?: string;
  /** The new object (CREATE, UPDATE); undefined for DELETE and most CONNECT. */
  object?: Record<string, unknown>;
  /** A dry-run request must have no side effects (no records, no audit, no alerts). */
  dryRun: boolean;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code: number; message: string; reason?: string };
  patchType?: 'JSONPatch';
  /** base64 of the JSON Patch (RFC 6902) document. */
  patch?: string;
  warnings?: string[];
}

/** Longest uid accepted: the API server sends a UUID (36 characters). */
const MAX_UID_LENGTH = 128;
const MAX_NAME_LENGTH = 253;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}...` : text;
}

function optionalString(object: Record<string, unknown>, field: string, problems: string[], maxLength = MAX_NAME_LENGTH): string | undefined {
  const value = object[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || value.length > maxLength) {
    problems.push(`request.${field} must be a string of at most ${maxLength} characters, got ${describe(value)}`);
    return undefined;
  }
  return value;
}

/** Parses an AdmissionReview body; every problem found is named in one INPUT error. */
export function parseAdmissionReview(body: unknown): AdmissionRequest {
  if (!isObject(body)) throw inputError('the AdmissionReview must be a JSON object');
  const problems: string[] = [];
  if (body.apiVersion !== ADMISSION_API_VERSION) problems.push(`apiVersion must be ${ADMISSION_API_VERSION}, got ${describe(body.apiVersion)}`);
  if (body.kind !== ADMISSION_KIND) problems.push(`kind must be ${ADMISSION_KIND}, got ${describe(body.kind)}`);
  const request = body.request;
  if (!isObject(request)) {
    problems.push('request is missing or not an object');
    throw inputError(`malformed AdmissionReview: ${problems.join('; ')}`);
  }
  const uid = request.uid;
  if (typeof uid !== 'string' || uid === '' || uid.length > MAX_UID_LENGTH) problems.push(`request.uid must be a non-empty string of at most ${MAX_UID_LENGTH} characters, got ${describe(uid)}`);
  const operation = request.operation;
  if (typeof operation !== 'string' || !OPERATIONS.includes(operation as AdmissionOperation)) problems.push(`request.operation must be one of ${OPERATIONS.join(', ')}, got ${describe(operation)}`);
  const kind = parseKind(request.kind, problems);
  const namespace = optionalString(request, 'namespace', problems);
  const name = optionalString(request, 'name', problems);
  const subResource = optionalString(request, 'subResource', problems);
  const object = request.object;
  if (object !== undefined && object !== null && !isObject(object)) problems.push(`request.object must be an object, got ${describe(object)}`);
  if ((operation === 'CREATE' || operation === 'UPDATE') && !isObject(object)) problems.push(`request.object is required for ${operation}`);
  const dryRun = request.dryRun;
  if (dryRun !== undefined && typeof dryRun !== 'boolean') problems.push(`request.dryRun must be true or false, got ${describe(dryRun)}`);
  const userInfo = request.userInfo;
  const username = isObject(userInfo) && typeof userInfo.username === 'string' ? userInfo.username.slice(0, MAX_NAME_LENGTH) : undefined;
  if (problems.length > 0 || kind === undefined) throw inputError(`malformed AdmissionReview: ${problems.join('; ')}`);
  return {
    uid: uid as string,
    kind,
    operation: operation as AdmissionOperation,
    ...(subResource !== undefined && { subResource }),
    ...(namespace !== undefined && { namespace }),
    ...(name !== undefined && { name }),
    ...(username !== undefined && { username }),
    ...(isObject(object) && { object }),
    dryRun: dryRun === true,
  };
}

function parseKind(value: unknown, problems: string[]): GroupVersionKind | undefined {
  if (!isObject(value)) {
    problems.push(`request.kind must be an object {group, version, kind}, got ${describe(value)}`);
    return undefined;
  }
  const fields = ['group', 'version', 'kind'] as const;
  for (const field of fields) {
    const text = value[field];
    if (typeof text !== 'string' || text.length > MAX_NAME_LENGTH || (field !== 'group' && text === '')) {
      problems.push(`request.kind.${field} must be a string, got ${describe(text)}`);
      return undefined;
    }
  }
  return { group: value.group as string, version: value.version as string, kind: value.kind as string };
}

/** The AdmissionReview the webhook answers with: the same apiVersion and kind, the request's uid. */
export function reviewResponse(response: AdmissionResponse): { apiVersion: string; kind: string; response: AdmissionResponse } {
  return { apiVersion: ADMISSION_API_VERSION, kind: ADMISSION_KIND, response };
}

/**
 * Warnings as the API server wants them: printable, short (it truncates long ones and drops the
 * rest of a long list), no duplicates.
 */
export function cleanWarnings(warnings: readonly string[]): string[] {
  const clean = warnings.map((warning) => {
    const printable = warning.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
    return printable.length > 256 ? `${printable.slice(0, 253)}...` : printable;
  });
  return [...new Set(clean)].slice(0, 50);
}
