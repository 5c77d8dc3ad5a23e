/**
 * The fastify side of access control: the token endpoint (`GET /token`, distribution's token
 * spec) and helpers the registry routes use to authenticate a request and answer 401/403.
 *
 * Token endpoint: basic auth or anonymous; `scope` repeated or space-separated; `service` must be
 * ours; `account` and `offline_token` are accepted and ignored (identity comes only from the
 * credentials; refresh tokens are not issued). Unauthorized scopes are never an error: the token
 * simply carries fewer actions.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isPortcullisError } from '../core/index.ts';
import { basicChallenge, unauthorizedBody } from './challenge.ts';
import { parseAuthorization } from './credentials.ts';
import { parseScopes } from './scope.ts';
import { loginName, type AuthService } from './service.ts';
import type { AccessEntry, Principal } from './types.ts';

export interface TokenRouteDeps {
  auth: AuthService;
  /** Route path; defaults to "/token". */
  path?: string;
}

function errorBody(code: string, message: string) {
  return { errors: [{ code, message }] };
}

export function registerTokenRoute(app: FastifyInstance, deps: TokenRouteDeps): void {
  const { auth } = deps;
  app.get(deps.path ?? '/token', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const params = new URL(request.url, 'http://token.invalid').searchParams;
    const service = params.get('service');
    if (service !== null && service !== auth.service) {
      return reply.code(400).send(errorBody('DENIED', `this token service issues tokens for ${JSON.stringify(auth.service)}, not ${JSON.stringify(service.slice(0, 120))}`));
    }
    let scopes: AccessEntry[];
    try {
      scopes = parseScopes(params.getAll('scope'));
    } catch (error) {
      if (!isPortcullisError(error)) throw error;
      return reply.code(400).send(errorBody('DENIED', error.message));
    }
    const credentials = (() => {
      try {
        return parseAuthorization(request.headers.authorization);
      } catch (error) {
        if (isPortcullisError(error)) return error;
        throw error;
      }
    })();
    if (isPortcullisError(credentials) || credentials.scheme === 'bearer') {
      const message = isPortcullisError(credentials) ? credentials.message : 'the token endpoint takes basic credentials';
      auth.audit({ actor: 'unknown', action: 'login.failed', target: auth.service, ip: request.ip, outcome: 'failed', detail: { reason: message } });
      return reply.code(401).header('www-authenticate', basicChallenge(auth.realm)).send(unauthorizedBody(message));
    }
    let principal: Principal = { kind: 'anonymous' };
    if (credentials.scheme === 'basic') {
      const found = await auth.login(credentials.username, credentials.password, request.ip);
      if (found === undefined) {
        return reply.code(401).header('www-authenticate', basicChallenge(auth.realm)).send(unauthorizedBody('invalid username or password'));
      }
      principal = found;
      auth.audit({ actor: loginName(found), action: 'login.ok', target: auth.service, ip: request.ip, outcome: 'ok' });
    }
    return reply.send(await auth.issue(principal, scopes, request.ip));
  });
}

/**
 * Who sent a registry request (see AuthService.authenticate). Throws an AUTH PortcullisError for bad
 * credentials or tokens; the caller answers with replyUnauthorized.
 */
export function authenticateRequest(request: FastifyRequest, auth: AuthService): Promise<Principal> {
  return auth.authenticate(parseAuthorization(request.headers.authorization), request.ip);
}

/** 401 with the Bearer challenge for the scopes the request needed, so clients fetch a token. */
export function replyUnauthorized(reply: FastifyReply, auth: AuthService, scopes: readonly AccessEntry[], message = 'authentication required'): FastifyReply {
  return reply.code(401).header('www-authenticate', auth.challenge(scopes)).send(unauthorizedBody(message, scopes));
}

/** 403 for an authenticated principal that lacks the action: retrying with a new token will not help. */
export function replyDenied(reply: FastifyReply, message = 'requested access to the resource is denied'): FastifyReply {
  return reply.code(403).send(errorBody('DENIED', message));
}
