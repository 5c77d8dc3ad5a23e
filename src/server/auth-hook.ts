/**
 * Access control of the /v2/ API over the AuthService: the `Authorize` hook that build() calls for
 * every request, and the audit of pulls, pushes and deletes once their answer is known.
 *
 * Answers, as the distribution spec and Docker token auth expect them:
 *  - no credentials and not enough access (anonymous): 401 with the Bearer challenge for the scopes
 *    the request needs, so clients fetch a token and retry;
 *  - a bad or expired token, or wrong basic credentials: 401 with `error="invalid_token"`;
 *  - a token that lacks an action the principal does hold: 401 with `error="insufficient_scope"`;
 *  - a principal that may not perform the action at all: 403 DENIED;
 *  - too many failed basic logins: 429 TOOMANYREQUESTS.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type AccessEntry, type AuthService, authenticateRequest, loginName, type Principal } from '../auth/index.ts';
import { isPortcullisError } from '../core/index.ts';
import { RegistryError } from '../registry/index.ts';
import type { AccessRequest, Authorize } from './authorize.ts';
import { matchEndpoint } from './routes/match.ts';

/** The token scopes a request needs: `repository:NAME:ACTIONS` or `registry:catalog:*`. */
export function scopesFor(access: AccessRequest): AccessEntry[] {
  if (access.repository !== undefined) {
    const actions = access.actions.filter((action) => action !== 'catalog');
    return actions.length > 0 ? [{ type: 'repository', name: access.repository, actions }] : [];
  }
  return access.actions.includes('catalog') ? [{ type: 'registry', name: 'catalog', actions: ['*'] }] : [];
}

/** The actions of `scope` the principal may perform (for a bearer principal, within its token). */
function granted(auth: AuthService, principal: Principal, scope: AccessEntry, ip: string): string[] {
  if (scope.type === 'registry') return auth.authorizeRegistry(principal, scope.name, scope.actions);
  return auth.authorize(principal, { repository: scope.name, actions: scope.actions, ip });
}

function missingActions(auth: AuthService, principal: Principal, scopes: readonly AccessEntry[], ip: string): AccessEntry[] {
  const missing: AccessEntry[] = [];
  for (const scope of scopes) {
    const allowed = new Set(granted(auth, principal, scope, ip));
    const lacking = scope.actions.filter((action) => !allowed.has(action));
    if (lacking.length > 0) missing.push({ ...scope, actions: lacking });
  }
  return missing;
}

function unauthorized(auth: AuthService, scopes: readonly AccessEntry[], message: string, error?: 'invalid_token' | 'insufficient_scope'): RegistryError {
  const detail = scopes.map((scope) => ({ Type: scope.type, Name: scope.name, Action: scope.actions.join(',') }));
  return new RegistryError('UNAUTHORIZED', message, { headers: { 'www-authenticate': auth.challenge(scopes, error) }, ...(detail.length > 0 && { detail }) });
}

/** Who sent the request; the auth errors translated into the registry's 401 and 429. */
async function principalOf(auth: AuthService, request: FastifyRequest, scopes: readonly AccessEntry[]): Promise<Principal> {
  try {
    return await authenticateRequest(request, auth);
  } catch (error) {
    if (!isPortcullisError(error)) throw error;
    if (error.code === 'LIMIT') throw new RegistryError('TOOMANYREQUESTS', error.message);
    if (error.code === 'AUTH') throw unauthorized(auth, scopes, error.message, 'invalid_token');
    throw error;
  }
}

/** Principals of answered requests, for the audit in onResponse (a WeakMap: nothing outlives the request). */
const principals = new WeakMap<FastifyRequest, Principal>();

/** Who an authorised request came from (undefined before authorisation, or without an AuthService). */
export function requestPrincipal(request: FastifyRequest): Principal | undefined {
  return principals.get(request);
}

/** The Authorize hook for build(): every /v2/ request is checked against the AuthService. */
export function authServiceAuthorize(auth: AuthService): Authorize {
  return async (request, access) => {
    const scopes = scopesFor(access);
    const principal = await principalOf(auth, request, scopes);
    // `/v2/` asks only "who are you?": clients read the challenge there before anything else.
    if (access.actions.length === 0) {
      if (principal.kind === 'anonymous') throw unauthorized(auth, [], 'authentication required');
      principals.set(request, principal);
      return;
    }
    const missing = missingActions(auth, principal, scopes, request.ip);
    if (missing.length === 0) {
      principals.set(request, principal);
      return;
    }
    if (principal.kind === 'anonymous') throw unauthorized(auth, scopes, 'authentication required');
    if (principal.limitTo !== undefined) {
      // The token is narrower than the principal's rights: a fresh token for these scopes would do.
      const { limitTo: _, ...unlimited } = principal;
      if (missingActions(auth, unlimited, missing, request.ip).length === 0) throw unauthorized(auth, scopes, 'the token does not cover this request', 'insufficient_scope');
    }
    const refused = missing.map((scope) => `${scope.name}:${scope.actions.join(',')}`).join(' ');
    auth.audit({ actor: loginName(principal) || 'anonymous', action: auditActionOf(access), target: access.repository ?? 'registry', ip: request.ip, outcome: 'denied', detail: { refused } });
    throw new RegistryError('DENIED', 'requested access to the resource is denied', { detail: missing.map((scope) => ({ Type: scope.type, Name: scope.name, Action: scope.actions.join(',') })) });
  };
}

function auditActionOf(access: AccessRequest): 'pull' | 'push' | 'delete' {
  if (access.actions.includes('delete')) return 'delete';
  return access.actions.includes('push') ? 'push' : 'pull';
}

/** What a finished request did, in audit terms; undefined for requests not worth a record (blob reads, uploads, listings). */
function auditedOperation(method: string, url: string): { action: 'pull' | 'push' | 'delete'; name: string; reference: string } | undefined {
  let endpoint;
  try {
    endpoint = matchEndpoint(url.split('?', 1)[0] ?? '');
  } catch {
    return undefined;
  }
  if (endpoint?.kind === 'manifest') {
    if (method === 'GET') return { action: 'pull', name: endpoint.name, reference: endpoint.reference };
    if (method === 'PUT') return { action: 'push', name: endpoint.name, reference: endpoint.reference };
    if (method === 'DELETE') return { action: 'delete', name: endpoint.name, reference: endpoint.reference };
  }
  if (endpoint?.kind === 'blob' && method === 'DELETE') return { action: 'delete', name: endpoint.name, reference: endpoint.digest };
  return undefined;
}

/**
 * Appends a record for every successful manifest pull (GET), push (PUT) and manifest or blob delete,
 * with who, from where and `repo:tag@digest`. Refusals are recorded by the hook itself.
 */
export function auditRegistryAccess(app: FastifyInstance, auth: AuthService): void {
  app.addHook('onResponse', async (request, reply) => {
    const principal = principals.get(request);
    // An authorised pull answered 403 was refused by a project's pull gate: a refusal worth a record.
    const refusedByGate = reply.statusCode === 403;
    if (principal === undefined || (reply.statusCode >= 300 && !refusedByGate)) return;
    const operation = auditedOperation(request.method, request.url);
    if (operation === undefined || (refusedByGate && operation.action !== 'pull')) return;
    const digest = reply.getHeader('docker-content-digest');
    const reference = operation.reference.includes(':') ? `@${operation.reference}` : `:${operation.reference}`;
    const target = `${operation.name}${reference}${typeof digest === 'string' && !operation.reference.includes(':') ? `@${digest}` : ''}`;
    const outcome = refusedByGate ? { outcome: 'denied' as const, detail: { refused: 'pull gate' } } : { outcome: 'ok' as const };
    auth.audit({ actor: loginName(principal) || 'anonymous', action: operation.action, target, ip: request.ip, ...outcome });
  });
}
