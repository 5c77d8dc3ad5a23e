/**
 * Translation of registry answers and transport failures into PortcullisError codes, in one place:
 * 401/403 -> AUTH, 404 -> NOT_FOUND, 405 -> UNSUPPORTED, other 4xx -> INPUT, 429/5xx -> NETWORK;
 * refused connections, DNS and TLS failures and timeouts -> NETWORK. The distribution spec's JSON
 * error body (`{"errors":[{"code","message","detail"}]}`) is read, bounded and validated, and its
 * codes and messages go into the error message. Messages never carry credentials or tokens.
 */
import { PortcullisError, type ErrorCode } from '../core/index.ts';

/** Error bodies larger than this are not worth reading. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
const MAX_DETAIL_LENGTH = 300;

function statusCode(status: number): ErrorCode {
  if (status === 401 || status === 403) return 'AUTH';
  if (status === 404) return 'NOT_FOUND';
  if (status === 405) return 'UNSUPPORTED';
  if (status === 429 || status >= 500) return 'NETWORK';
  if (status >= 400) return 'INPUT';
  return 'NETWORK';
}

/** Printable, single-line, bounded text from an untrusted string. */
export function sanitize(text: string, max = MAX_DETAIL_LENGTH): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}...` : clean;
}

/** Reads a spec error body into "CODE: message; CODE: message", or undefined if it is not one. */
export async function readErrorBody(response: Response): Promise<string | undefined> {
  if (response.body === null) return undefined;
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_ERROR_BODY_BYTES) {
    await response.body.cancel().catch(() => {});
    return undefined;
  }
  let text: string;
  try {
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length > MAX_ERROR_BODY_BYTES) return undefined;
    text = bytes.toString('utf8');
  } catch {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
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
 * repository ("reading manifest latest of app from localhost:5000").
 */
export async function errorFromResponse(response: Response, action: string): Promise<PortcullisError> {
  const detail = await readErrorBody(response);
  const code = statusCode(response.status);
  const reason = response.status === 401 ? 'unauthorized (HTTP 401)' : response.status === 403 ? 'access denied (HTTP 403)' : `HTTP ${response.status}`;
  return new PortcullisError(code, `${action}: ${reason}${detail === undefined ? '' : ` (${detail})`}`);
}

interface CauseWithCode {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

/** The innermost system error code of a fetch failure (ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED...). */
function systemCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { code, cause } = current as CauseWithCode;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET' && !code.startsWith('ABORT')) return code;
    current = cause;
  }
  return undefined;
}

/** Wraps a transport failure (fetch rejected, body stream broke) as NETWORK, keeping the cause. */
export function networkError(error: unknown, action: string): PortcullisError {
  if (error instanceof PortcullisError) return error;
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  if (name === 'TimeoutError') return new PortcullisError('NETWORK', `${action}: timed out`, { cause: error });
  const code = systemCode(error);
  const tlsHint = code !== undefined && /CERT|TLS|SSL|SELF_SIGNED/.test(code) ? ' (TLS verification failed; use insecure only for a registry you trust)' : '';
  const message = code ?? (error instanceof Error ? error.message : String(error));
  return new PortcullisError('NETWORK', `${action}: ${sanitize(message)}${tlsHint}`, { cause: error });
}
