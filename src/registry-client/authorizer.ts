/**
 * Authorization for one registry: remembers which scheme the registry asked for, answers Basic
 * challenges with credentials, and runs the Docker token flow for Bearer challenges (GET the realm
 * with service and scope, with Basic credentials when there are any; the answer's `token` or
 * `access_token` is cached per scope until it expires).
 *
 * Scopes follow the distribution token spec: `repository:<name>:<actions>` with actions such as
 * "pull" or "pull,push", so write operations get their own tokens.
 */
import { PortcullisError, silentLogger, type Logger } from '../core/index.ts';
import type { Credentials } from './auth-file.ts';
import { readLimited } from './body.ts';
import { errorFromResponse } from './error-response.ts';
import { describeUrl, send, type TransportOptions } from './transport.ts';
import type { Challenge } from './www-authenticate.ts';

/** Token responses are small; anything bigger is refused. */
const MAX_TOKEN_RESPONSE_BYTES = 1024 * 1024;
/** The token spec's default lifetime when the server gives none. */
const DEFAULT_TOKEN_SECONDS = 60;
/** Tokens are dropped this long before they expire, so a request never races the expiry. */
const EXPIRY_MARGIN_MS = 5000;

export interface AuthorizerOptions {
  transport: TransportOptions;
  /** Credentials for a repository; looked up once per repository, the first time a challenge needs them. */
  credentials: (repository: string) => Promise<Credentials | undefined>;
  idleTimeoutMs: number;
  logger?: Logger;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

type KnownScheme = { type: 'none' } | { type: 'basic' } | { type: 'bearer'; realm: URL; service?: string };

export function basicAuthorization(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

export class Authorizer {
  readonly #options: AuthorizerOptions;
  readonly #tokens = new Map<string, CachedToken>();
  #scheme: KnownScheme = { type: 'none' };
  readonly #credentials = new Map<string, Promise<Credentials | undefined>>();

  constructor(options: AuthorizerOptions) {
    this.#options = options;
  }

  #getCredentials(repository: string): Promise<Credentials | undefined> {
    let found = this.#credentials.get(repository);
    if (found === undefined) {
      found = this.#options.credentials(repository);
      this.#credentials.set(repository, found);
    }
    return found;
  }

  /** Whether requests for the repository carry credentials (explicit or from an auth file). */
  async hasCredentials(repository: string): Promise<boolean> {
    return (await this.#getCredentials(repository)) !== undefined;
  }

  /** The header to send up front, from what earlier challenges taught; undefined means anonymous. */
  async current(repository: string, scope: string | undefined): Promise<string | undefined> {
    const scheme = this.#scheme;
    switch (scheme.type) {
      case 'none':
        return undefined;
      case 'basic': {
        const credentials = await this.#getCredentials(repository);
        return credentials === undefined ? undefined : basicAuthorization(credentials);
      }
      case 'bearer': {
        const cached = this.#tokens.get(this.#cacheKey(scheme, scope));
        return cached !== undefined && cached.expiresAt > Date.now() ? `Bearer ${cached.token}` : undefined;
      }
    }
  }

  /**
   * Answers a challenge: returns the header to retry with, or throws AUTH when the challenge cannot
   * be met. `target` names the registry and repository for messages.
   */
  async answer(challenges: Challenge[], repository: string, scope: string | undefined, target: string): Promise<string> {
    const bearer = challenges.find((challenge) => challenge.scheme === 'bearer');
    if (bearer !== undefined) return this.#answerBearer(bearer, repository, scope, target);
    if (challenges.some((challenge) => challenge.scheme === 'basic')) {
      this.#scheme = { type: 'basic' };
      const credentials = await this.#getCredentials(repository);
      if (credentials === undefined) {
        throw new PortcullisError('AUTH', `${target}: the registry requires credentials and none were given or found in an auth file`);
      }
      return basicAuthorization(credentials);
    }
    const schemes = challenges.map((challenge) => challenge.scheme).join(', ');
    throw new PortcullisError('AUTH', `${target}: the registry asks for an unsupported auth scheme (${schemes})`);
  }

  async #answerBearer(challenge: Challenge, repository: string, scope: string | undefined, target: string): Promise<string> {
    const { realm, service } = challenge.params;
    if (realm === undefined || realm === '') throw new PortcullisError('AUTH', `${target}: Bearer challenge without a realm`);
    let realmUrl: URL;
    try {
      realmUrl = new URL(realm);
    } catch {
      throw new PortcullisError('AUTH', `${target}: Bearer challenge with an invalid realm URL`);
    }
    if (realmUrl.protocol !== 'https:' && !(realmUrl.protocol === 'http:' && this.#options.transport.insecure)) {
      throw new PortcullisError('AUTH', `${target}: refusing token realm ${describeUrl(realmUrl)}: it must be HTTPS unless insecure is set`);
    }
    const scheme: KnownScheme = { type: 'bearer', realm: realmUrl };
    if (service !== undefined) scheme.service = service;
    this.#scheme = scheme;

    const scopes = new Set<string>();
    if (scope !== undefined) scopes.add(scope);
    for (const extra of (challenge.params.scope ?? '').split(' ')) if (extra !== '') scopes.add(extra);
    const token = await this.#fetchToken(scheme, [...scopes], await this.#getCredentials(repository), target);
    this.#tokens.set(this.#cacheKey(scheme, scope), token);
    return `Bearer ${token.token}`;
  }

  #cacheKey(scheme: { realm: URL; service?: string }, scope: string | undefined): string {
    return `${scheme.realm.href} ${scheme.service ?? ''} ${scope ?? ''}`;
  }

  async #fetchToken(scheme: { realm: URL; service?: string }, scopes: string[], credentials: Credentials | undefined, target: string): Promise<CachedToken> {
    const url = new URL(scheme.realm);
    if (scheme.service !== undefined) url.searchParams.set('service', scheme.service);
    for (const scope of scopes) url.searchParams.append('scope', scope);
    if (credentials !== undefined) url.searchParams.set('account', credentials.username);
    const action = `${target}: getting a token from ${describeUrl(scheme.realm)}`;
    (this.#options.logger ?? silentLogger).debug(`${action} for ${scopes.join(' ') || 'no scope'}${credentials === undefined ? ' anonymously' : ''}`);

    const request = { method: 'GET' as const, url, headers: { accept: 'application/json' }, ...(credentials === undefined ? {} : { authorization: basicAuthorization(credentials) }) };
    const response = await send(request, this.#options.transport, action);
    if (!response.ok) throw await errorFromResponse(response, action);
    const body = await readLimited(response, MAX_TOKEN_RESPONSE_BYTES, this.#options.idleTimeoutMs, action);
    return parseTokenResponse(body, action);
  }
}

/** Validates a token server's answer; the token itself never appears in a message. */
export function parseTokenResponse(body: Buffer, action: string): CachedToken {
  const bad = (what: string) => new PortcullisError('AUTH', `${action}: the token server's answer ${what}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw bad('is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw bad('is not a JSON object');
  const { token, access_token: accessToken, expires_in: expiresIn, issued_at: issuedAt } = parsed as Record<string, unknown>;
  const value = typeof token === 'string' && token !== '' ? token : typeof accessToken === 'string' && accessToken !== '' ? accessToken : undefined;
  if (value === undefined) throw bad('has neither "token" nor "access_token"');
  if (!/^[\x21-\x7e]+$/.test(value)) throw bad('has a token with characters not allowed in a header');
  if (expiresIn !== undefined && (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn < 0)) {
    throw bad('has an "expires_in" that is not a number of seconds');
  }
  const seconds = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : DEFAULT_TOKEN_SECONDS;
  const issued = typeof issuedAt === 'string' ? Date.parse(issuedAt) : Number.NaN;
  // A server clock ahead of ours must not make the token look valid for longer than it lasts.
  const start = Number.isNaN(issued) ? Date.now() : Math.min(issued, Date.now());
  return { token: value, expiresAt: start + seconds * 1000 - EXPIRY_MARGIN_MS };
}
