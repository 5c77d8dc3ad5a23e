/**
 * The foundation every JSON API of `portcullis serve` stands on (management API under /api/v1,
 * metadata API under /v1): a Fastify scope with its own JSON body parser and size limit, errors in
 * one JSON shape, and who the caller is.
 *
 * Error bodies follow Google's JSON error form, which Grafeas clients already read:
 *   { "error": { "code": 404, "message": "no such repository", "status": "NOT_FOUND" } }
 * Messages are written for the caller; internal errors are logged and answered without detail.
 */
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { type AuthService, authenticateRequest, type Principal } from '../../auth/index.ts';
import { type Logger, isPortcullisError, silentLogger } from '../../core/index.ts';

/** Google API status names and the HTTP status each answers with. */
export const API_STATUS = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  ABORTED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;
export type ApiStatus = keyof typeof API_STATUS;

/** An answer other than success, raised anywhere under an API scope. */
export class ApiError extends Error {
  readonly status: ApiStatus;
  readonly headers: Record<string, string>;

  constructor(status: ApiStatus, message: string, options?: { headers?: Record<string, string>; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ApiError';
    this.status = status;
    this.headers = options?.headers ?? {};
  }
}

export function apiErrorBody(status: ApiStatus, message: string): { error: { code: number; message: string; status: ApiStatus } } {
  return { error: { code: API_STATUS[status], message, status } };
}

/** PortcullisError codes in the API's vocabulary; anything else is an internal error. */
function toApiError(error: unknown, logger: Logger): ApiError {
  if (error instanceof ApiError) return error;
  if (isPortcullisError(error)) {
    switch (error.code) {
      case 'USAGE':
      case 'INPUT':
      case 'DIGEST_MISMATCH':
      case 'UNSUPPORTED':
        return new ApiError('INVALID_ARGUMENT', error.message, { cause: error });
      case 'NOT_FOUND':
        return new ApiError('NOT_FOUND', error.message, { cause: error });
      case 'AUTH':
        return new ApiError('UNAUTHENTICATED', error.message, { cause: error, headers: { 'www-authenticate': BASIC_CHALLENGE } });
      case 'LIMIT':
        return new ApiError('RESOURCE_EXHAUSTED', error.message, { cause: error });
      case 'NETWORK':
        return new ApiError('UNAVAILABLE', error.message, { cause: error });
      case 'INTERNAL':
        break;
    }
  }
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new ApiError('PAYLOAD_TOO_LARGE', fastifyError.message ?? 'request body too large');
  if (fastifyError.statusCode === 415) return new ApiError('UNSUPPORTED_MEDIA_TYPE', fastifyError.message ?? 'unsupported content type');
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
    return new ApiError('INVALID_ARGUMENT', fastifyError.message ?? 'bad request', { cause: error });
  }
  logger.error(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return new ApiError('INTERNAL', 'internal error', { cause: error });
}

const BASIC_CHALLENGE = 'Basic realm="portcullis"';
export const DEFAULT_API_BODY_LIMIT = 1024 * 1024;

export interface JsonApiOptions {
  /** URL prefix of the scope: "/api/v1", "/v1". */
  prefix: string;
  /** Access control; without it every caller is the local administrator (`allowAll` servers only). */
  auth?: AuthService;
  logger?: Logger;
  /** Largest request body in bytes (default 1 MiB); larger ones answer 413. */
  bodyLimit?: number;
}

/** The local administrator of a server that runs without access control. */
export const LOCAL_ADMIN: Principal = { kind: 'user', name: 'local', admin: true };

const callers = new WeakMap<FastifyRequest, Principal>();

/**
 * Who sent the request: basic credentials (user or `robot$name` with its secret), a bearer token
 * from /token, or anonymous. Bad credentials answer 401. Memoised per request.
 */
export async function callerOf(request: FastifyRequest): Promise<Principal> {
  const known = callers.get(request);
  if (known !== undefined) return known;
  const auth = authOf(request);
  const principal = auth === undefined ? LOCAL_ADMIN : await authenticateRequest(request, auth);
  callers.set(request, principal);
  return principal;
}

const authServices = new WeakMap<FastifyRequest, AuthService>();

/** The AuthService of the API scope that serves the request (undefined without access control). */
export function authOf(request: FastifyRequest): AuthService | undefined {
  return authServices.get(request);
}

/** Anonymous callers get 401 with a Basic challenge; others pass. */
export async function requireAuthenticated(request: FastifyRequest): Promise<Exclude<Principal, { kind: 'anonymous' }>> {
  const principal = await callerOf(request);
  if (principal.kind === 'anonymous') throw new ApiError('UNAUTHENTICATED', 'authentication required', { headers: { 'www-authenticate': BASIC_CHALLENGE } });
  return principal;
}

/** System administrators only (a bearer token from /token never carries administration). */
export async function requireAdmin(request: FastifyRequest): Promise<Principal> {
  const principal = await requireAuthenticated(request);
  if (principal.kind !== 'user' || !principal.admin || principal.limitTo !== undefined) {
    throw new ApiError('PERMISSION_DENIED', 'this needs a system administrator');
  }
  return principal;
}

/**
 * The caller may perform `action` on the repository (the registry's own rules: roles, robot scopes,
 * public projects, IP allowlists, token limits). Anonymous callers without access get 401.
 */
export async function requireRepositoryAction(request: FastifyRequest, repository: string, action: 'pull' | 'push' | 'delete'): Promise<Principal> {
  const principal = await callerOf(request);
  const auth = authOf(request);
  if (auth === undefined) return principal;
  if (auth.authorize(principal, { repository, actions: [action], ip: request.ip }).includes(action)) return principal;
  if (principal.kind === 'anonymous') throw new ApiError('UNAUTHENTICATED', 'authentication required', { headers: { 'www-authenticate': BASIC_CHALLENGE } });
  throw new ApiError('PERMISSION_DENIED', `${action} on ${repository} is not allowed`);
}

/**
 * The caller administers the project: a system administrator, or a user whose project role is
 * `admin` or `maintainer` (labels, rules and policies of their own project).
 */
export async function requireProjectMaintainer(request: FastifyRequest, project: string): Promise<Principal> {
  const principal = await requireAuthenticated(request);
  const auth = authOf(request);
  if (auth === undefined || (principal.kind === 'user' && principal.admin && principal.limitTo === undefined)) return principal;
  const role = principal.kind === 'user' && principal.limitTo === undefined ? auth.store.getRole(project, principal.name) : undefined;
  if (role === 'admin' || role === 'maintainer') return principal;
  throw new ApiError('PERMISSION_DENIED', `this needs the maintainer or admin role in project ${project}`);
}

/** The JSON request body as an object, or 400. */
export function bodyObject(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError('INVALID_ARGUMENT', 'the request body must be a JSON object');
  return body as Record<string, unknown>;
}

const notFoundHandled = new WeakMap<FastifyInstance, Set<string>>();

function notFoundPrefixes(app: FastifyInstance): Set<string> {
  let prefixes = notFoundHandled.get(app);
  if (prefixes === undefined) {
    prefixes = new Set();
    notFoundHandled.set(app, prefixes);
  }
  return prefixes;
}

/**
 * Registers `routes` in their own scope under `options.prefix`: JSON bodies parsed up to the limit
 * (other content types answer 415 unless a route adds its own parser), errors and unknown paths
 * answered in the API's error form.
 */
export function registerJsonApi(app: FastifyInstance, options: JsonApiOptions, routes: (scope: FastifyInstance) => void | Promise<void>): void {
  const logger = options.logger ?? silentLogger;
  app.register(
    async (scope) => {
      const auth = options.auth;
      if (auth !== undefined) scope.addHook('onRequest', async (request) => void authServices.set(request, auth));
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: options.bodyLimit ?? DEFAULT_API_BODY_LIMIT }, (_request, body, done) => {
        const text = String(body);
        if (text.trim() === '') return done(null, undefined);
        try {
          done(null, JSON.parse(text) as unknown);
        } catch (error) {
          done(new ApiError('INVALID_ARGUMENT', `the request body is not valid JSON: ${(error as Error).message}`), undefined);
        }
      });
      scope.setErrorHandler((error, _request, reply) => {
        const answer = toApiError(error, logger);
        return reply.code(API_STATUS[answer.status]).headers(answer.headers).type('application/json').send(apiErrorBody(answer.status, answer.message));
      });
      // Several APIs may share a prefix (each in its own scope); Fastify takes one 404 handler per prefix.
      if (!notFoundPrefixes(app).has(options.prefix)) {
        notFoundPrefixes(app).add(options.prefix);
        scope.setNotFoundHandler((request, reply) => reply.code(404).type('application/json').send(apiErrorBody('NOT_FOUND', `no such endpoint: ${request.method} ${request.url.split('?')[0]}`)));
      }
      await routes(scope);
    },
    { prefix: options.prefix },
  );
}
