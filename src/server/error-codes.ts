/**
 * The one table from registry error codes to HTTP: status and the spec's standard message
 * (OCI distribution spec v1.1, "Error Codes"). Every error response of the /v2/ API goes through it.
 */
import type { DistributionErrorCode } from '../registry/index.ts';

export interface ErrorCodeInfo {
  status: number;
  message: string;
}

export const ERROR_CODES: Record<DistributionErrorCode, ErrorCodeInfo> = {
  BLOB_UNKNOWN: { status: 404, message: 'blob unknown to registry' },
  BLOB_UPLOAD_INVALID: { status: 400, message: 'blob upload invalid' },
  BLOB_UPLOAD_UNKNOWN: { status: 404, message: 'blob upload unknown to registry' },
  DIGEST_INVALID: { status: 400, message: 'provided digest did not match uploaded content' },
  MANIFEST_BLOB_UNKNOWN: { status: 404, message: 'manifest references a manifest or blob unknown to registry' },
  MANIFEST_INVALID: { status: 400, message: 'manifest invalid' },
  MANIFEST_UNKNOWN: { status: 404, message: 'manifest unknown to registry' },
  // The spec names no code for this; 413 with MANIFEST_INVALID's meaning is what it asks for.
  MANIFEST_TOO_LARGE: { status: 413, message: 'manifest too large' },
  NAME_INVALID: { status: 400, message: 'invalid repository name' },
  NAME_UNKNOWN: { status: 404, message: 'repository name not known to registry' },
  SIZE_INVALID: { status: 400, message: 'provided length did not match content length' },
  RANGE_INVALID: { status: 416, message: 'invalid content range' },
  PAGINATION_NUMBER_INVALID: { status: 400, message: 'invalid number of results requested' },
  UNAUTHORIZED: { status: 401, message: 'authentication required' },
  DENIED: { status: 403, message: 'requested access to the resource is denied' },
  UNSUPPORTED: { status: 415, message: 'the operation is unsupported' },
  TOOMANYREQUESTS: { status: 429, message: 'too many requests' },
  UNKNOWN: { status: 500, message: 'unknown error' },
};

/** The error body the spec defines: `{"errors": [{"code", "message", "detail"}]}`. */
export function errorBody(code: DistributionErrorCode, message: string, detail?: unknown): { errors: Array<Record<string, unknown>> } {
  return { errors: [{ code, message, ...(detail !== undefined && { detail }) }] };
}
