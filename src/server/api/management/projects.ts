/**
 * Projects (the first path segment of repository names) and their members, through the account
 * functions of src/auth that `portcullis admin project` uses (they validate and write the audit
 * log). Creating a project needs a system administrator; changing one or its members needs the
 * project's admin role.
 */
import type { FastifyInstance } from 'fastify';
import { PROJECT_ROLES, type ProjectRecord, type ProjectRole, putProject, setMember } from '../../../auth/index.ts';
import { parseProject } from '../../../registry-policy/index.ts';
import { ApiError, requireAdmin, requireAuthenticated } from '../json-api.ts';
import { type ApiContext, actorOf, bodyFields, optionalBoolean, param, projectParam, requireAuth, requireProjectAdmin, requireProjectReader } from './context.ts';

function projectView(project: ProjectRecord): Record<string, unknown> {
  return { name: project.name, public: project.public, ipAllowlist: project.ipAllowlist };
}

function parseAllowlist(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string')) throw new ApiError('INVALID_ARGUMENT', 'ipAllowlist must be a list of CIDR blocks');
  return value;
}

export function registerProjectRoutes(scope: FastifyInstance, context: ApiContext): void {
  scope.get('/projects', async (request) => {
    const principal = await requireAuthenticated(request);
    const store = requireAuth(context).store;
    const admin = principal.kind === 'user' && principal.admin && principal.limitTo === undefined;
    const visible = store.listProjects().filter((project) => admin || project.public || (principal.kind === 'user' && store.getRole(project.name, principal.name) !== undefined));
    return { projects: visible.map(projectView) };
  });

  scope.put('/projects/:project', async (request) => {
    const store = requireAuth(context).store;
    const name = parseProject(param(request, 'project'));
    const existing = store.getProject(name);
    const principal = existing === undefined ? await requireAdmin(request) : await requireProjectAdmin(request, context, name);
    const body = bodyFields(request, ['public', 'ipAllowlist']);
    const project: ProjectRecord = {
      name,
      public: optionalBoolean(body, 'public') ?? existing?.public ?? false,
      ipAllowlist: parseAllowlist(body.ipAllowlist) ?? existing?.ipAllowlist ?? [],
    };
    putProject(store, actorOf(request, principal), project);
    return projectView(project);
  });

  scope.get('/projects/:project/members', async (request) => {
    const project = await projectParam(request, context);
    await requireProjectReader(request, context, project);
    return { members: requireAuth(context).store.listMembers(project).map(({ user, role }) => ({ user, role })) };
  });

  scope.put('/projects/:project/members/:user', async (request) => {
    const project = await projectParam(request, context);
    const principal = await requireProjectAdmin(request, context, project);
    const store = requireAuth(context).store;
    const user = param(request, 'user');
    const role = bodyFields(request, ['role']).role;
    if (!PROJECT_ROLES.includes(role as ProjectRole)) throw new ApiError('INVALID_ARGUMENT', `role must be one of ${PROJECT_ROLES.join(', ')}`);
    if (store.getUser(user) === undefined) throw new ApiError('NOT_FOUND', `no user ${JSON.stringify(user.slice(0, 80))}`);
    setMember(store, actorOf(request, principal), project, user, role as ProjectRole);
    return { user, role };
  });

  scope.delete('/projects/:project/members/:user', async (request, reply) => {
    const project = await projectParam(request, context);
    const principal = await requireProjectAdmin(request, context, project);
    const store = requireAuth(context).store;
    const user = param(request, 'user');
    if (store.getRole(project, user) === undefined) throw new ApiError('NOT_FOUND', `${JSON.stringify(user.slice(0, 80))} is not a member of ${project}`);
    setMember(store, actorOf(request, principal), project, user, undefined);
    return reply.code(204).send();
  });
}
