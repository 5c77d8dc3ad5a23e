/**
 * The pure authorization decision: what a principal may do to one repository, given the project's
 * record and the principal's role in it. No IO here; AuthService loads the inputs.
 *
 * Rules, in order:
 *  1. A project with an IP allowlist refuses everything to addresses outside it (admins included).
 *  2. Actions come from: system admin (all), project role (ROLE_ACTIONS), robot scopes matching the
 *     repository, the scanner role (pull anywhere), and a public project (pull for anyone).
 *  3. A principal that arrived with a bearer token never exceeds the token's `access` claim.
 *  4. The answer is the requested actions that survive, never more: the token spec's intersection.
 */
import { IpAllowlist } from './cidr.ts';
import { matchesRepositoryPattern } from './repository-pattern.ts';
import type { AccessEntry, AccessRequest, Action, Principal, ProjectRecord, ProjectRole } from './types.ts';

export const ROLE_ACTIONS: Readonly<Record<ProjectRole, readonly Action[]>> = {
  admin: ['pull', 'push', 'delete', '*'],
  maintainer: ['pull', 'push', 'delete'],
  developer: ['pull', 'push'],
  guest: ['pull'],
};

/** The project a repository belongs to: its first path segment. */
export function projectOf(repository: string): string {
  const slash = repository.indexOf('/');
  return slash === -1 ? repository : repository.slice(0, slash);
}

export interface AuthorizationInput {
  principal: Principal;
  request: AccessRequest;
  /** Undefined when no project record exists for the repository's first segment. */
  project: ProjectRecord | undefined;
  /** The user's role in that project, if any. */
  role: ProjectRole | undefined;
}

function grantedActions({ principal, request, project, role }: AuthorizationInput): Set<string> {
  const granted = new Set<string>();
  const add = (actions: readonly string[]) => actions.forEach((action) => granted.add(action));
  if (project?.public === true) add(['pull']);
  switch (principal.kind) {
    case 'anonymous':
      break;
    case 'user':
      if (principal.admin) add(ROLE_ACTIONS.admin);
      if (role !== undefined) add(ROLE_ACTIONS[role]);
      break;
    case 'robot':
      if (principal.scanner) add(['pull']);
      for (const scope of principal.scopes) {
        if (matchesRepositoryPattern(scope.pattern, request.repository)) add(scope.actions);
      }
      break;
  }
  return granted;
}

/** Actions a bearer token's `access` claim grants on one resource. */
export function tokenActions(limitTo: readonly AccessEntry[], type: string, name: string): Set<string> {
  return new Set(limitTo.filter((entry) => entry.type === type && entry.name === name).flatMap((entry) => entry.actions));
}

function intersect(requested: readonly string[], granted: ReadonlySet<string>): Action[] {
  const all = granted.has('*');
  const result: Action[] = [];
  for (const action of requested) {
    const known = action === 'pull' || action === 'push' || action === 'delete' || action === '*';
    if (known && (all || granted.has(action)) && !result.includes(action)) result.push(action);
  }
  return result;
}

/** The requested actions the principal may perform on the repository (possibly none). */
export function allowedActions(input: AuthorizationInput): Action[] {
  const { principal, request, project } = input;
  if (project !== undefined && !new IpAllowlist(project.ipAllowlist).allows(request.ip)) return [];
  let allowed = intersect(request.actions, grantedActions(input));
  if (principal.limitTo !== undefined) allowed = intersect(allowed, tokenActions(principal.limitTo, 'repository', request.repository));
  return allowed;
}

/** Registry-wide resources (`registry:catalog:*`): system admins and scanner robots only. */
export function allowedRegistryActions(principal: Principal, name: string, requested: readonly string[]): string[] {
  const privileged = (principal.kind === 'user' && principal.admin) || (principal.kind === 'robot' && principal.scanner);
  if (name !== 'catalog' || !privileged) return [];
  let allowed: string[] = requested.filter((action) => action === '*');
  if (principal.limitTo !== undefined) {
    const fromToken = tokenActions(principal.limitTo, 'registry', name);
    allowed = allowed.filter((action) => fromToken.has(action));
  }
  return allowed;
}
