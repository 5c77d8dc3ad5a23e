/**
 * A conversation with one registry's `/v2/` API: picks the scheme (HTTPS; plain HTTP only for
 * local or insecure registries), attaches authorization, answers 401 challenges once per request,
 * and turns unexpected statuses into PortcullisErrors. Every operation of the client (and later
 * push, tag and delete operations) goes through `request`.
 */
import { PortcullisError, inputError, isLocalhost, isRepository, registryHost, silentLogger, type Logger } from '../core/index.ts';
import { findCredentials, type Credentials } from './auth-file.ts';
import { Authorizer } from './authorizer.ts';
import { errorFromResponse } from './error-response.ts';
import { send, type HttpMethod, type TransportOptions } from './transport.ts';
import { parseChallenges } from './www-authenticate.ts';

export interface RegistrySessionOptions {
  /** Registry domain as in a Reference: "docker.io", "ghcr.io", "localhost:5000". */
  domain: string;
  /** Allow plain HTTP and skip TLS verification. */
  insecure?: boolean;
  /** Credentials to use; when absent they come from the auth files (see auth-file.ts). */
  credentials?: Credentials;
  /** An explicit docker-style auth file. */
  authFile?: string;
  /** Time allowed until response headers arrive; default 30 s. */
  timeoutMs?: number;
  /** Longest pause allowed while a body streams; default 60 s. */
  idleTimeoutMs?: number;
  signal?: AbortSignal;
  logger?: Logger;
  /** Environment for auth-file lookup; default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface RegistryRequest {
  method: HttpMethod;
  /** Repository the request acts on: it decides the token scope and names the target in errors. */
  repository: string;
  /** Token scope actions: ["pull"] to read, ["pull", "push"] to write. */
  actions: string[];
  /** Path below the registry origin ("/v2/<name>/manifests/<ref>"), or an absolute URL on it (pagination links). */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Statuses returned to the caller instead of thrown; default: any 2xx. */
  accept?: (status: number) => boolean;
  /** What is being done, for messages: "reading manifest latest". */
  what: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
export const USER_AGENT = 'portcullis/0.1';

export class RegistrySession {
  readonly domain: string;
  readonly idleTimeoutMs: number;
  readonly #transport: TransportOptions;
  readonly #authorizer: Authorizer;
  readonly #logger: Logger;
  readonly #insecure: boolean;
  #origin: Promise<URL> | undefined;

  constructor(options: RegistrySessionOptions) {
    this.domain = options.domain;
    this.#insecure = options.insecure ?? false;
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.#logger = options.logger ?? silentLogger;
    this.#transport = { insecure: this.#insecure, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, userAgent: USER_AGENT };
    if (options.signal !== undefined) this.#transport.signal = options.signal;
    const explicit = options.credentials;
    const authFileOptions = { logger: this.#logger, ...(options.authFile === undefined ? {} : { authFile: options.authFile }), ...(options.env === undefined ? {} : { env: options.env }) };
    this.#authorizer = new Authorizer({
      transport: this.#transport,
      idleTimeoutMs: this.idleTimeoutMs,
      logger: this.#logger,
      credentials: async (repository) => explicit ?? (await findCredentials(this.domain, repository, authFileOptions)),
    });
  }

  /** The registry origin: HTTPS, or plain HTTP for a local or insecure registry that does not speak TLS. */
  origin(): Promise<URL> {
    this.#origin ??= this.#probeOrigin();
    return this.#origin;
  }

  async #probeOrigin(): Promise<URL> {
    const host = registryHost(this.domain);
    const https = new URL(`https://${host}`);
    if (!this.#insecure && !isLocalhost(this.domain)) return https;
    try {
      const response = await send({ method: 'GET', url: new URL('/v2/', https) }, this.#transport, `probing ${this.domain} over HTTPS`);
      await response.body?.cancel().catch(() => {});
      return https;
    } catch (error) {
      if (!(error instanceof PortcullisError) || error.code !== 'NETWORK') throw error;
      this.#logger.debug(`${this.domain} does not answer HTTPS (${error.message}); using plain HTTP`);
      return new URL(`http://${host}`);
    }
  }

  /** Sends a request, answering at most one auth challenge; returns the response for an accepted status. */
  async request(request: RegistryRequest): Promise<Response> {
    // The name goes into URL paths and token scopes: only the reference grammar may get there.
    if (!isRepository(request.repository)) throw inputError(`invalid repository name ${JSON.stringify(request.repository.slice(0, 300))}`);
    const origin = await this.origin();
    const url = new URL(request.path, origin);
    if (url.origin !== origin.origin) throw new PortcullisError('NETWORK', `${this.#target(request)}: refusing to follow a link to ${url.origin}`);
    const scope = `repository:${request.repository}:${request.actions.join(',')}`;
    const action = this.#target(request);
    const accept = request.accept ?? ((status: number) => status >= 200 && status < 300);
    const base = { method: request.method, url, ...(request.headers === undefined ? {} : { headers: request.headers }), ...(request.body === undefined ? {} : { body: request.body }) };

    const upfront = await this.#authorizer.current(request.repository, scope);
    let response = await send({ ...base, ...(upfront === undefined ? {} : { authorization: upfront }) }, this.#transport, action);
    if (response.status === 401 && !accept(401)) {
      const header = response.headers.get('www-authenticate');
      await response.body?.cancel().catch(() => {});
      if (header === null) throw new PortcullisError('AUTH', `${action}: the registry answered 401 without a WWW-Authenticate challenge`);
      const authorization = await this.#authorizer.answer(parseChallenges(header, this.domain), request.repository, scope, action);
      response = await send({ ...base, authorization }, this.#transport, action);
      if (response.status === 401 && !accept(401)) {
        const refused = (await this.#authorizer.hasCredentials(request.repository)) ? 'the registry rejected the credentials' : 'anonymous access refused';
        throw await errorFromResponse(response, `${action}: ${refused}`);
      }
    }
    if (!accept(response.status)) throw await errorFromResponse(response, action);
    return response;
  }

  /** How messages name an operation: "reading manifest latest of app on localhost:5000". */
  describe(what: string, repository: string): string {
    return `${what} of ${repository} on ${this.domain}`;
  }

  #target(request: RegistryRequest): string {
    return this.describe(request.what, request.repository);
  }
}
