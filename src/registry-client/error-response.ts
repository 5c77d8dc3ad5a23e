/**
 * Translation of unexpected registry answers into PortcullisError codes, in one place:
 * 401/403 -> AUTH, 404 -> NOT_FOUND, 405 -> UNSUPPORTED, other 4xx -> INPUT, 429/5xx -> NETWORK.
 * The distribution spec's JSON error body (`{"errors":[{"code","message","detail"}]}`) is read,
 * bounded and validated, and its codes and messages go into the error message.
 */
import { PortcullisError, type ErrorCode } from '../core/index.ts';
import { readLimited } from './body.ts';
import { sanitize } from './errors.ts';

/** Error bodies larger than this are not worth reading. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** An error body that stalls is given up on quickly: the status alone is enough to report. */
const ERROR_BODY_IDLE_MS = 5000;

function statusCode(status: number): ErrorCode {
  if (status === 401 || status === 403) return 'AUTH';
  if (status === 404) return 'NOT_FOUND';
  if (status === 405) return 'UNSUPPORTED';
  if (status === 429 || status >= 500) return 'NETWORK';
  if (status >= 400) return 'INPUT';
  return 'NETWORK';
}

/** Reads a spec error body into "CODE: message; CODE: message", or undefined if it is not one. */
export async function readErrorBody(response: Response): Promise<string | undefined> {
  let parsed: unknown;
  try {
    const bytes = await readLimited(response, MAX_ERROR_BODY_BYTES, ERROR_BODY_IDLE_MS, 'error body');
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined; // too big, stalled or not JSON: the status speaks for itself
  }
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray((parsed as { errors?: unknown }).errors)) return undefined;
  const parts: string[] = [];
  for (const entry of (parsed as { errors: unknown[] }).errors.slice(0, 5)) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { code, message } = entry as { code?: unknown; message?: unknown };
    const codeText = typeof code === 'string' ? sanitize(code, 64) : undefined;
    const messageText = typeof message === 'string' ? sanitize(message) : undefined;
    if (codeText !== undefined || messageText !== undefined) parts.push([codeText, messageText].filter(Boolean).join(': '));
  }
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/**
 * The error for an unexpected status. `action` says what was being done, naming the registry and
 * repository ("reading manifest latest of app on localhost:5000").
 */
export async function errorFromResponse(response: Response, action: string): Promise<PortcullisError> {
  const detail = await readErrorBody(response);
  const reason = response.status === 401 ? 'unauthorized (HTTP 401)' : response.status === 403 ? 'access denied (HTTP 403)' : `HTTP ${response.status}`;
  return new PortcullisError(statusCode(response.status), `${action}: ${reason}${detail === undefined ? '' : ` (${detail})`}`);
}
