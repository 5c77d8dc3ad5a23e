/**
 * The fastify side of access control: the token endpoint (distribution's token spec) and helpers
 * the registry routes use to authenticate a request and answer 401/403.
 *
 * `GET /token`: basic auth or anonymous; `scope` repeated or space-separated; `service` must be ours;
 * `account` and `offline_token` are accepted and ignored (identity comes only from the credentials;
 * refresh tokens are not issued). `POST /token` takes the OAuth2 password grant that containerd
 * tries first (form fields grant_type=password, username, password, scope, service). Unauthorized
 * scopes are never an error: the token simply carries fewer actions.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isPortcullisError, PortcullisError } from '../core/index.ts';
import { basicChallenge, unauthorizedBody, type BearerError } from './challenge.ts';
import { parseAuthorization, type Credentials } from './credentials.ts';
import { parseScopes } from './scope.ts';
import { loginName, type AuthService } from './service.ts';
import type { AccessEntry, Principal } from './types.ts';

export interface TokenRouteDeps {
  auth: AuthService;
  /** Route path; defaults to "/token". */
  path?: string;
}

/** Form bodies are a few hundred bytes; anything near this is hostile. */
const MAX_FORM_BYTES = 16384;
const FORM = 'application/x-www-form-urlencoded';

function errorBody(code: string, message: string) {
  return { errors: [{ code, message }] };
}

interface TokenQuery {
  service: string | null;
  scopes: string[];
  credentials: Credentials | PortcullisError;
}

function credentialsFromHeader(request: FastifyRequest): Credentials | PortcullisError {
  try {
    const credentials = parseAuthorization(request.headers.authorization);
    return credentials.scheme === 'bearer' ? new PortcullisError('AUTH', 'the token endpoint takes basic credentials') : credentials;
  } catch (error) {
    if (isPortcullisError(error)) return error;
    throw error;
  }
}

function credentialsFromForm(form: URLSearchParams): Credentials | PortcullisError {
  if (form.get('grant_type') !== 'password') return new PortcullisError('AUTH', 'only the password grant is supported');
  const username = form.get('username') ?? '';
  const password = form.get('password') ?? '';
  if (username === '' || username.length > 255) return new PortcullisError('AUTH', 'malformed username');
  return { scheme: 'basic', username, password };
}

async function answer(auth: AuthService, request: FastifyRequest, reply: FastifyReply, query: TokenQuery): Promise<FastifyReply> {
  reply.header('cache-control', 'no-store');
  if (query.service !== null && query.service !== auth.service) {
    return reply.code(400).send(errorBody('DENIED', `this token service issues tokens for ${JSON.stringify(auth.service)}, not ${JSON.stringify(query.service.slice(0, 120))}`));
  }
  let scopes;
  try {
    scopes = parseScopes(query.scopes);
  } catch (error) {
    if (!isPortcullisError(error)) throw error;
    return reply.code(400).send(errorBody('DENIED', error.message));
  }
  const { credentials } = query;
  const unauthorized = (message: string) => reply.code(401).header('www-authenticate', basicChallenge(auth.realm)).send(unauthorizedBody(message));
  if (isPortcullisError(credentials)) {
    auth.audit({ actor: 'unknown', action: 'login.failed', target: auth.service, ip: request.ip, outcome: 'failed', detail: { reason: credentials.message } });
    return unauthorized(credentials.message);
  }
  let principal: Principal = { kind: 'anonymous' };
  if (credentials.scheme === 'basic') {
    let found: Principal | undefined;
    try {
      found = await auth.login(credentials.username, credentials.password, request.ip);
    } catch (error) {
      if (!isPortcullisError(error) || error.code !== 'LIMIT') throw error;
      return reply.code(429).send(errorBody('TOOMANYREQUESTS', error.message));
    }
    if (found === undefined) return unauthorized('invalid username or password');
    principal = found;
    auth.audit({ actor: loginName(found), action: 'login.ok', target: auth.service, ip: request.ip, outcome: 'ok' });
  }
  const issued = await auth.issue(principal, scopes, request.ip);
  return reply.send({ ...issued, scope: query.scopes.join(' ') });
}

/** Registers GET and POST on the token path, in an encapsulated context (its form parser stays local). */
export function registerTokenRoute(app: FastifyInstance, deps: TokenRouteDeps): void {
  const { auth } = deps;
  const path = deps.path ?? '/token';
  app.register(async (scope) => {
    scope.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: MAX_FORM_BYTES }, (_request, body, done) => done(null, new URLSearchParams(String(body))));
    scope.get(path, (request, reply) => {
      const params = new URL(request.url, 'http://token.invalid').searchParams;
      return answer(auth, request, reply, { service: params.get('service'), scopes: params.getAll('scope'), credentials: credentialsFromHeader(request) });
    });
    scope.post(path, (request, reply) => {
      if (!(request.body instanceof URLSearchParams)) return reply.code(400).send(errorBody('UNSUPPORTED', `the token endpoint takes ${FORM} bodies`));
      const form = request.body;
      return answer(auth, request, reply, { service: form.get('service'), scopes: form.getAll('scope'), credentials: credentialsFromForm(form) });
    });
  });
}

/**
 * Who sent a registry request (see AuthService.authenticate). Throws an AUTH PortcullisError for bad
 * credentials or tokens (answer with replyUnauthorized, error "invalid_token") and a LIMIT one while
 * failed basic logins are throttled (answer 429 TOOMANYREQUESTS).
 */
export function authenticateRequest(request: FastifyRequest, auth: AuthService): Promise<Principal> {
  return auth.authenticate(parseAuthorization(request.headers.authorization), request.ip);
}

/** 401 with the Bearer challenge for the scopes the request needed, so clients fetch a token. */
export function replyUnauthorized(reply: FastifyReply, auth: AuthService, scopes: readonly AccessEntry[] = [], message = 'authentication required', error?: BearerError): FastifyReply {
  return reply.code(401).header('www-authenticate', auth.challenge(scopes, error)).send(unauthorizedBody(message, scopes));
}

/** 403 for an authenticated principal that lacks the action: retrying with a new token will not help. */
export function replyDenied(reply: FastifyReply, message = 'requested access to the resource is denied'): FastifyReply {
  return reply.code(403).send(errorBody('DENIED', message));
}
