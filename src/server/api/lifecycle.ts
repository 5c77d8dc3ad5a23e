/**
 * The registry lifecycle API under /api/v1 (docs/lifecycle.md): garbage collection for system
 * administrators, and per project the immutability rules, retention rules and retention runs for
 * the project's maintainers and admins.
 *
 *   POST /api/v1/system/gc?dryRun=true&grace=1h
 *   GET|PUT /api/v1/projects/{project}/immutability
 *   GET|PUT /api/v1/projects/{project}/retention
 *   POST /api/v1/projects/{project}/retention/run?dryRun=true
 */
import type { FastifyRequest } from 'fastify';
import { type AuthService, type Principal, loginName } from '../../auth/index.ts';
import { DEFAULT_GC_GRACE_MS } from '../../registry/index.ts';
import { type LifecycleActor, type LifecycleService, parseDuration } from '../../registry-lifecycle/index.ts';
import { parseProject } from '../../registry-policy/index.ts';
import type { ServerExtension } from '../app.ts';
import { ApiError, bodyObject, registerJsonApi, requireAdmin, requireProjectMaintainer } from './json-api.ts';

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

function query(request: FastifyRequest): Record<string, unknown> {
  return (request.query ?? {}) as Record<string, unknown>;
}

/** `?dryRun=true|false` (absent: false); anything else is refused rather than read as false. */
function dryRunOf(request: FastifyRequest): boolean {
  const value = query(request).dryRun;
  if (value === undefined || value === 'false') return false;
  if (value === 'true' || value === '') return true;
  throw new ApiError('INVALID_ARGUMENT', 'dryRun must be true or false');
}

function actorOf(principal: Principal, request: FastifyRequest): LifecycleActor {
  return { name: loginName(principal) || 'anonymous', ip: request.ip };
}

/**
 * The project named in the path, for a caller who maintains it (checked before the project's
 * existence, so strangers learn nothing); with access control the project must exist.
 */
async function maintainedProject(request: FastifyRequest, auth: AuthService | undefined): Promise<{ project: string; actor: LifecycleActor }> {
  const project = parseProject((request.params as { project?: unknown }).project);
  const principal = await requireProjectMaintainer(request, project);
  if (auth !== undefined && auth.store.getProject(project) === undefined) throw new ApiError('NOT_FOUND', `no project ${project}`);
  return { project, actor: actorOf(principal, request) };
}

function busy(what: string): ApiError {
  return new ApiError('ABORTED', `${what} is already running; try again when it has finished`);
}

export function lifecycleApi(service: LifecycleService): ServerExtension {
  return (app, { auth, logger }) =>
    registerJsonApi(app, { prefix: '/api/v1', ...(auth !== undefined && { auth }), logger }, (scope) => {
      scope.post('/system/gc', async (request) => {
        await requireAdmin(request);
        const grace = query(request).grace;
        const graceMs = grace === undefined ? DEFAULT_GC_GRACE_MS : parseDuration(grace, 'grace', { min: 0, max: WEEK_MS });
        const dryRun = dryRunOf(request);
        const run = service.collectGarbage({ dryRun, graceMs });
        if (run === undefined) throw busy('garbage collection');
        return { dryRun, ...(await run) };
      });

      scope.get('/projects/:project/immutability', async (request) => {
        const { project } = await maintainedProject(request, auth);
        return { project, rules: service.store.immutabilityRules(project) };
      });

      scope.put('/projects/:project/immutability', async (request) => {
        const { project, actor } = await maintainedProject(request, auth);
        return { project, rules: service.setImmutability(project, bodyObject(request), actor) };
      });

      scope.get('/projects/:project/retention', async (request) => {
        const { project } = await maintainedProject(request, auth);
        return { project, rules: service.store.retentionRules(project) };
      });

      scope.put('/projects/:project/retention', async (request) => {
        const { project, actor } = await maintainedProject(request, auth);
        return { project, rules: service.setRetention(project, bodyObject(request), actor) };
      });

      scope.post('/projects/:project/retention/run', async (request) => {
        const { project, actor } = await maintainedProject(request, auth);
        const run = service.runRetention({ project, dryRun: dryRunOf(request), actor });
        if (run === undefined) throw busy('a retention run');
        return run;
      });
    });
}
