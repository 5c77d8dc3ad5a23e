/**
 * Transport failures as PortcullisErrors: refused connections, DNS and TLS failures and timeouts
 * are NETWORK errors that keep their cause. Messages never carry credentials or tokens.
 */
import { PortcullisError } from '../core/index.ts';

const MAX_DETAIL_LENGTH = 300;

/** Printable, single-line, bounded text from an untrusted string. */
export function sanitize(text: string, max = MAX_DETAIL_LENGTH): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}...` : clean;
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
