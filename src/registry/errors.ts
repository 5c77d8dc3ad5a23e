/**
 * Errors of the registry domain, named by the OCI distribution spec's error codes so the HTTP layer
 * translates them with one table (src/server/error-codes.ts). Each also carries the generic
 * Portcullis code, so non-HTTP callers (the CLI, tests) handle them like any PortcullisError.
 */
import { type ErrorCode, PortcullisError } from '../core/index.ts';

/** The distribution spec's codes (v1.1 "Error Codes" table), plus RANGE_INVALID and UNKNOWN. */
export type DistributionErrorCode =
  | 'BLOB_UNKNOWN'
  | 'BLOB_UPLOAD_INVALID'
  | 'BLOB_UPLOAD_UNKNOWN'
  | 'DIGEST_INVALID'
  | 'MANIFEST_BLOB_UNKNOWN'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_UNKNOWN'
  | 'MANIFEST_TOO_LARGE'
  | 'NAME_INVALID'
  | 'NAME_UNKNOWN'
  | 'SIZE_INVALID'
  | 'RANGE_INVALID'
  | 'PAGINATION_NUMBER_INVALID'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'UNSUPPORTED'
  | 'TOOMANYREQUESTS'
  | 'UNKNOWN';

const GENERIC: Record<DistributionErrorCode, ErrorCode> = {
  BLOB_UNKNOWN: 'NOT_FOUND',
  BLOB_UPLOAD_INVALID: 'INPUT',
  BLOB_UPLOAD_UNKNOWN: 'NOT_FOUND',
  DIGEST_INVALID: 'DIGEST_MISMATCH',
  MANIFEST_BLOB_UNKNOWN: 'INPUT',
  MANIFEST_INVALID: 'INPUT',
  MANIFEST_UNKNOWN: 'NOT_FOUND',
  MANIFEST_TOO_LARGE: 'LIMIT',
  NAME_INVALID: 'INPUT',
  NAME_UNKNOWN: 'NOT_FOUND',
  SIZE_INVALID: 'INPUT',
  RANGE_INVALID: 'INPUT',
  PAGINATION_NUMBER_INVALID: 'INPUT',
  UNAUTHORIZED: 'AUTH',
  DENIED: 'AUTH',
  UNSUPPORTED: 'UNSUPPORTED',
  TOOMANYREQUESTS: 'LIMIT',
  UNKNOWN: 'INTERNAL',
};

export class RegistryError extends PortcullisError {
  readonly registryCode: DistributionErrorCode;
  /** Structured detail for the error body (e.g. the missing digest). */
  readonly detail: unknown;
  /** Response headers the error needs (WWW-Authenticate on UNAUTHORIZED, Range on RANGE_INVALID). */
  readonly headers: Record<string, string>;

  constructor(
    registryCode: DistributionErrorCode,
    message: string,
    options: { detail?: unknown; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(GENERIC[registryCode], message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RegistryError';
    this.registryCode = registryCode;
    this.detail = options.detail;
    this.headers = options.headers ?? {};
  }
}

export function isRegistryError(value: unknown): value is RegistryError {
  return value instanceof RegistryError;
}
