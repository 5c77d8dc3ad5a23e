/**
 * One HTTP exchange with a registry (or its token server or blob storage), over Node's fetch:
 * redirects are followed by hand so that the Authorization header never leaves the origin it was
 * meant for (registries redirect blob downloads to object storage on other hosts), HTTPS is never
 * downgraded to HTTP unless the caller allowed insecure transport, and the time until response
 * headers is bounded. Transport failures surface as NETWORK errors.
 */
import { Agent } from 'undici';
import { PortcullisError } from '../core/index.ts';
import { networkError } from './errors.ts';

export type HttpMethod = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

export interface TransportOptions {
  /** Skip TLS verification and allow redirects from HTTPS to HTTP. */
  insecure: boolean;
  /** Time allowed from sending the request until the final response's headers arrive. */
  timeoutMs: number;
  signal?: AbortSignal;
  userAgent: string;
}

export interface HttpRequest {
  method: HttpMethod;
  url: URL;
  headers?: Record<string, string>;
  /** Sent to `url`'s origin only: dropped for good once a redirect leaves that origin. */
  authorization?: string;
  /** Bodies are buffers so that a request can be replayed after an auth challenge. */
  body?: Buffer | string;
}

const MAX_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Shared by every insecure request: a dispatcher that accepts any certificate. */
let insecureAgent: Agent | undefined;
function dispatcherFor(insecure: boolean): Agent | undefined {
  if (!insecure) return undefined;
  insecureAgent ??= new Agent({ connect: { rejectUnauthorized: false } });
  return insecureAgent;
}

/** Describes a URL for messages without any query string (signed storage URLs carry secrets there). */
export function describeUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/**
 * Sends the request and returns the final, non-redirect response whatever its status; the caller
 * owns its body. `action` prefixes error messages.
 */
export async function send(request: HttpRequest, options: TransportOptions, action: string): Promise<Response> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new DOMException(`no response within ${options.timeoutMs} ms`, 'TimeoutError')), options.timeoutMs);
  const signal = options.signal === undefined ? deadline.signal : AbortSignal.any([deadline.signal, options.signal]);
  try {
    let url = request.url;
    let method = request.method;
    let body = request.body;
    let authorization = request.authorization;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      // identity: fetch would otherwise undo a Content-Encoding and the bytes would no longer match their digest.
      const headers: Record<string, string> = { 'user-agent': options.userAgent, 'accept-encoding': 'identity', ...request.headers };
      if (authorization !== undefined) headers.authorization = authorization;
      const init: RequestInit & { dispatcher?: unknown } = { method, headers, redirect: 'manual', signal };
      if (body !== undefined) init.body = body;
      const dispatcher = dispatcherFor(options.insecure);
      if (dispatcher !== undefined) init.dispatcher = dispatcher;
      let response: Response;
      try {
        response = await fetch(url, init as RequestInit);
      } catch (error) {
        if (options.signal?.aborted === true) throw options.signal.reason;
        throw networkError(signal.reason ?? error, `${action} (${describeUrl(url)})`);
      }
      if (!REDIRECT_STATUSES.has(response.status)) return response;

      await response.body?.cancel().catch(() => {});
      const next = redirectTarget(url, response.headers.get('location'), options.insecure, action);
      if (next.origin !== url.origin) authorization = undefined;
      if (response.status === 303 && method !== 'HEAD') {
        method = 'GET';
        body = undefined;
      }
      url = next;
    }
    throw new PortcullisError('NETWORK', `${action}: more than ${MAX_REDIRECTS} redirects`);
  } finally {
    clearTimeout(timer);
  }
}

function redirectTarget(from: URL, location: string | null, insecure: boolean, action: string): URL {
  if (location === null || location === '') {
    throw new PortcullisError('NETWORK', `${action}: redirect from ${describeUrl(from)} without a Location header`);
  }
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw new PortcullisError('NETWORK', `${action}: redirect from ${describeUrl(from)} to an invalid URL`);
  }
  if (next.protocol !== 'https:' && next.protocol !== 'http:') {
    throw new PortcullisError('NETWORK', `${action}: refusing redirect to a ${next.protocol} URL`);
  }
  if (from.protocol === 'https:' && next.protocol === 'http:' && !insecure) {
    throw new PortcullisError('NETWORK', `${action}: refusing redirect from HTTPS to plain HTTP (${describeUrl(next)})`);
  }
  return next;
}
