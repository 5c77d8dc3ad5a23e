/**
 * Who may read and write which metadata project. A Grafeas project is a registry project (the first
 * path segment of its repositories), so the registry's own rules decide:
 *
 *   read   pull on the project: any member role, a public project, a system administrator, a
 *          scanner robot, or a robot whose scope covers `{project}/**` with pull
 *   write  push on the project: developer or stronger, a system administrator, or a robot whose
 *          scope covers `{project}/**` with push
 *   notes of the provider project `portcullis`: readable by every authenticated caller; written by
 *          the server itself and system administrators only
 *
 * IP allowlists of the project apply as on the registry; a bearer token from /token must carry the
 * action for the repository named like the project (`repository:team:pull`).
 */
import type { FastifyRequest } from 'fastify';
import { type AuthService, IpAllowlist, type Principal, type RobotScope } from '../../../auth/index.ts';
import { ApiError, authOf, callerOf } from '../json-api.ts';
import { PROVIDER_PROJECT } from '../../../metadata/index.ts';

export type ProjectAccess = 'read' | 'write';

const ACTION_OF: Record<ProjectAccess, 'pull' | 'push'> = { read: 'pull', write: 'push' };

/** True when a robot scope pattern reaches every repository of the project (`team/**`, `**`, `*\/**`). */
export function scopeCoversProject(pattern: string, project: string): boolean {
  if (pattern === '**') return true;
  const [first, ...rest] = pattern.split('/');
  return (first === project || first === '*') && rest.length === 1 && rest[0] === '**';
}

function robotMay(scopes: readonly RobotScope[], scanner: boolean, project: string, action: 'pull' | 'push'): boolean {
  if (action === 'pull' && scanner) return true;
  return scopes.some((scope) => scopeCoversProject(scope.pattern, project) && (scope.actions.includes(action) || scope.actions.includes('*')));
}

/** Whether the principal may read or write the project (pure apart from the auth store reads). */
export function mayAccess(auth: AuthService | undefined, principal: Principal, project: string, access: ProjectAccess, ip: string): boolean {
  if (auth === undefined) return true;
  const action = ACTION_OF[access];
  if (principal.kind === 'user' && principal.admin && principal.limitTo === undefined) return true;
  if (project === PROVIDER_PROJECT && access === 'write') return false;
  if (principal.kind !== 'robot') return auth.authorize(principal, { repository: project, actions: [action], ip }).includes(action);
  const record = auth.store.getProject(project);
  if (record !== undefined && !new IpAllowlist(record.ipAllowlist).allows(ip)) return false;
  if (principal.limitTo !== undefined) {
    const fromToken = principal.limitTo.some((entry) => entry.type === 'repository' && entry.name === project && (entry.actions.includes(action) || entry.actions.includes('*')));
    if (!fromToken) return false;
  }
  return robotMay(principal.scopes, principal.scanner, project, action) || (action === 'pull' && record?.public === true);
}

function denied(principal: Principal, message: string): ApiError {
  if (principal.kind === 'anonymous') return new ApiError('UNAUTHENTICATED', 'authentication required', { headers: { 'www-authenticate': 'Basic realm="portcullis"' } });
  return new ApiError('PERMISSION_DENIED', message);
}

/** The caller, when it may read or write the project; 401 or 403 otherwise. */
export async function requireProject(request: FastifyRequest, project: string, access: ProjectAccess): Promise<Principal> {
  const principal = await callerOf(request);
  if (mayAccess(authOf(request), principal, project, access, request.ip)) return principal;
  throw denied(principal, `${access} access to metadata project projects/${project} is not allowed`);
}

/** Reading a note: the provider project's notes are open to every authenticated caller. */
export async function requireNoteRead(request: FastifyRequest, project: string): Promise<Principal> {
  const principal = await callerOf(request);
  if (project === PROVIDER_PROJECT && principal.kind !== 'anonymous') return principal;
  return requireProject(request, project, 'read');
}

/** A predicate for listings that span projects (occurrences of one note). */
export async function projectReader(request: FastifyRequest): Promise<(project: string) => boolean> {
  const principal = await callerOf(request);
  const auth = authOf(request);
  const known = new Map<string, boolean>();
  return (project) => {
    let allowed = known.get(project);
    if (allowed === undefined) {
      allowed = mayAccess(auth, principal, project, 'read', request.ip);
      known.set(project, allowed);
    }
    return allowed;
  };
}

/** The login name revisions record as their author. */
export function authorOf(principal: Principal): string {
  switch (principal.kind) {
    case 'anonymous':
      return 'anonymous';
    case 'user':
      return principal.name;
    case 'robot':
      return `robot$${principal.name}`;
  }
}
