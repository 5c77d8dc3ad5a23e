/**
 * What every resource module of the management API shares: its dependencies, the checks of path
 * parameters, query strings and bodies (untrusted, so "parse, don't trust"), pagination with the
 * registry's Link header, project-level access checks, and the audit record of each change.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type AuditEvent, type AuthService, loginName, type Principal } from '../../../auth/index.ts';
import { isDigest, isRepository } from '../../../core/index.ts';
import type { RegistryService } from '../../../registry/index.ts';
import { type PolicyStore, parseProject } from '../../../registry-policy/index.ts';
import type { RegistryScanner } from '../../../registry-scan/index.ts';
import { ApiError, bodyObject, requireAuthenticated } from '../json-api.ts';

export interface ManagementDeps {
  registry: RegistryService;
  scanner: RegistryScanner;
  policy: PolicyStore;
  /** Portcullis' version, reported by /system/info and the OpenAPI document. */
  version: string;
  /** The data directory, reported by /system/info. */
  dataDir?: string;
  /** Largest request body in bytes (default: the JSON API's 1 MiB). */
  bodyLimit?: number;
  /** Milliseconds since the epoch; tests move time through it. */
  now?: () => number;
}

/** The dependencies plus what the server adds: access control (absent on `allowAll` servers). */
export interface ApiContext extends ManagementDeps {
  auth: AuthService | undefined;
  now: () => number;
}

/** Largest page of every list; a larger `n` is answered with this many and a Link to the rest. */
export const MAX_PAGE = 1000;
export const DEFAULT_PAGE = 100;

function shown(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value);
}

/** A repository name from the path (one URL-encoded segment, `team%2Fapp`): the reference grammar only. */
export function repositoryParam(request: FastifyRequest): string {
  const name = (request.params as Record<string, string | undefined>).name ?? '';
  if (!isRepository(name)) throw new ApiError('INVALID_ARGUMENT', `invalid repository name ${shown(name)}`);
  return name;
}

export function digestParam(request: FastifyRequest): string {
  const digest = (request.params as Record<string, string | undefined>).digest ?? '';
  if (!isDigest(digest)) throw new ApiError('INVALID_ARGUMENT', `invalid digest ${shown(digest)}: expected sha256:<64 hex> or sha512:<128 hex>`);
  return digest;
}

/** A path parameter that is not a repository or digest: checked by the caller's own rule. */
export function param(request: FastifyRequest, key: string): string {
  return (request.params as Record<string, string | undefined>)[key] ?? '';
}

/** One query parameter: absent, or given once (a repeated one is refused, not guessed at). */
export function queryParam(request: FastifyRequest, key: string): string | undefined {
  const value = (request.query as Record<string, unknown> | undefined)?.[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ApiError('INVALID_ARGUMENT', `query parameter ${key} must be given once`);
  return value;
}

/** Refuses query parameters a route does not know: a typo must not silently list everything. */
export function knownQuery(request: FastifyRequest, allowed: readonly string[]): void {
  const unknown = Object.keys((request.query as Record<string, unknown> | undefined) ?? {}).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) throw new ApiError('INVALID_ARGUMENT', `unknown query parameter ${unknown.map(shown).join(', ')}`);
}

export interface PageRequest {
  n: number;
  last?: string;
}

/** `n` (1..1000, larger is capped) and `last` (the last entry of the previous page). */
export function pageParams(request: FastifyRequest): PageRequest {
  const n = queryParam(request, 'n');
  const last = queryParam(request, 'last');
  if (n !== undefined && !/^\d{1,15}$/.test(n)) throw new ApiError('INVALID_ARGUMENT', `n must be a whole number, got ${shown(n)}`);
  if (n !== undefined && Number(n) === 0) throw new ApiError('INVALID_ARGUMENT', 'n must be at least 1');
  if (last !== undefined && (last === '' || last.length > 512)) throw new ApiError('INVALID_ARGUMENT', 'last must name an entry of the previous page');
  return { n: n === undefined ? DEFAULT_PAGE : Math.min(Number(n), MAX_PAGE), ...(last !== undefined && { last }) };
}

/**
 * Answers a page of a list: when it is full, a `Link: <...>; rel="next"` header (as the registry's
 * catalog and tag lists do) carrying the same query with `last` set to the page's last entry.
 */
export function sendPage<T>(request: FastifyRequest, reply: FastifyReply, page: PageRequest, items: T[], lastOf: (item: T) => string, key: string): { [k: string]: T[] } {
  const lastItem = items.at(-1);
  if (items.length >= page.n && lastItem !== undefined) {
    const [path = '', search = ''] = request.url.split('?');
    const query = new URLSearchParams(search);
    query.set('n', String(page.n));
    query.set('last', lastOf(lastItem));
    reply.header('link', `<${path}?${query.toString()}>; rel="next"`);
  }
  return { [key]: items };
}

/**
 * Whether a parsed body holds U+FFFD: the body parser decodes malformed UTF-8 into it, and a
 * replacement character stored in a label or reason would hide what the client really sent.
 */
function hasReplacementCharacter(body: unknown): boolean {
  // A walk with its own stack: a hostile body may nest a million levels deep within the size limit.
  const pending: unknown[] = [body];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string' && value.includes('\uFFFD')) return true;
    if (typeof value === 'object' && value !== null) {
      for (const [key, entry] of Object.entries(value)) {
        if (key.includes('\uFFFD')) return true;
        pending.push(entry);
      }
    }
  }
  return false;
}

/** The JSON body as an object with only the named fields (unknown ones are refused by name). */
export function bodyFields(request: FastifyRequest, allowed: readonly string[]): Record<string, unknown> {
  const body = bodyObject(request);
  if (hasReplacementCharacter(body)) throw new ApiError('INVALID_ARGUMENT', 'the request body is not valid UTF-8 (or holds U+FFFD)');
  const unknown = Object.keys(body).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) throw new ApiError('INVALID_ARGUMENT', `unknown field ${unknown.map(shown).join(', ')}; expected ${allowed.join(', ')}`);
  return body;
}

export function optionalBoolean(body: Record<string, unknown>, key: string): boolean | undefined {
  const value = body[key];
  if (value !== undefined && typeof value !== 'boolean') throw new ApiError('INVALID_ARGUMENT', `${key} must be true or false`);
  return value;
}

export function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value !== undefined && typeof value !== 'string') throw new ApiError('INVALID_ARGUMENT', `${key} must be a string`);
  return value;
}

/** Accounts, projects and the audit log live in the auth database: a server without one has none. */
export function requireAuth(context: ApiContext): AuthService {
  if (context.auth === undefined) throw new ApiError('FAILED_PRECONDITION', 'this server runs without access control: it has no accounts, projects or audit log');
  return context.auth;
}

/**
 * The project of the path; with access control on, it must be a project the auth store knows.
 * Anonymous callers are refused first, so they cannot probe which projects exist.
 */
export async function projectParam(request: FastifyRequest, context: ApiContext): Promise<string> {
  await requireAuthenticated(request);
  const project = parseProject(param(request, 'project'));
  if (context.auth !== undefined && context.auth.store.getProject(project) === undefined) throw new ApiError('NOT_FOUND', `no project ${JSON.stringify(project)}`);
  return project;
}

const isSystemAdmin = (principal: Principal): boolean => principal.kind === 'user' && principal.admin && principal.limitTo === undefined;

/** The project's `admin` role or a system administrator: project settings and members. */
export async function requireProjectAdmin(request: FastifyRequest, context: ApiContext, project: string): Promise<Principal> {
  const principal = await requireAuthenticated(request);
  if (context.auth === undefined || isSystemAdmin(principal)) return principal;
  if (principal.kind === 'user' && principal.limitTo === undefined && context.auth.store.getRole(project, principal.name) === 'admin') return principal;
  throw new ApiError('PERMISSION_DENIED', `this needs the admin role in project ${project}`);
}

/** Anyone who may see the project: a member, a system administrator, or anyone when it is public. */
export async function requireProjectReader(request: FastifyRequest, context: ApiContext, project: string): Promise<Principal> {
  const principal = await requireAuthenticated(request);
  const auth = context.auth;
  if (auth === undefined || isSystemAdmin(principal) || auth.store.getProject(project)?.public === true) return principal;
  if (principal.kind === 'user' && auth.store.getRole(project, principal.name) !== undefined) return principal;
  throw new ApiError('PERMISSION_DENIED', `you are not a member of project ${project}`);
}

/** Who made a change, for the audit log and for the account functions of src/auth. */
export function actorOf(request: FastifyRequest, principal: Principal): { name: string; ip: string } {
  return { name: loginName(principal) || 'anonymous', ip: request.ip };
}

/** Appends a successful change to the audit log (servers without access control keep none). */
export function audit(context: ApiContext, request: FastifyRequest, principal: Principal, event: Pick<AuditEvent, 'action' | 'target' | 'detail'>): void {
  const actor = actorOf(request, principal);
  context.auth?.audit({ actor: actor.name, ip: actor.ip, outcome: 'ok', ...event });
}
