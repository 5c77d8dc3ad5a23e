/**
 * Typed errors. Every error Portcullis raises on purpose is a PortcullisError with a stable string
 * `code`; boundaries (CLI exit codes, HTTP responses) translate codes, never messages.
 */
export type ErrorCode =
  | 'USAGE' // bad command line
  | 'INPUT' // bad or hostile input data (image, manifest, archive, package database)
  | 'NOT_FOUND' // a target, tag, blob or file that does not exist
  | 'DIGEST_MISMATCH' // content does not match its declared digest
  | 'UNSUPPORTED' // a media type, format or feature we do not read
  | 'LIMIT' // a configured size, count or time limit was exceeded
  | 'AUTH' // authentication or authorization failed
  | 'NETWORK' // a remote endpoint could not be reached or answered badly
  | 'INTERNAL'; // a bug: should never happen

export class PortcullisError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PortcullisError';
    this.code = code;
  }
}

export function isPortcullisError(value: unknown): value is PortcullisError {
  return value instanceof PortcullisError;
}

/** Shorthand for the most common case: untrusted input that is malformed. */
export function inputError(message: string, cause?: unknown): PortcullisError {
  return new PortcullisError('INPUT', message, cause === undefined ? undefined : { cause });
}
