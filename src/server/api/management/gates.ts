/**
 * Per-project pull gates and their exceptions (src/registry-policy), as `portcullis admin project
 * gate` and `admin exception` manage them offline; the same validation applies. Reading needs
 * membership of the project (or a public project); changing needs the maintainer role.
 *
 * Exceptions scoped to a repository belong to its project. Exceptions scoped to an image digest
 * apply wherever that image is stored, across projects: only system administrators create or
 * delete them, and every project lists them since they can let images through its gate.
 */
import type { FastifyInstance } from 'fastify';
import { type Principal, projectOf } from '../../../auth/index.ts';
import {
  GATE_SEVERITIES,
  type PolicyException,
  type ProjectGate,
  parseExceptionScope,
  parseExpiry,
  parseGraceOption,
  parseSeverity,
} from '../../../registry-policy/index.ts';
import type { Severity } from '../../../vuln/index.ts';
import { ApiError, requireAdmin, requireProjectMaintainer } from '../json-api.ts';
import { type ApiContext, audit, bodyFields, knownQuery, optionalBoolean, optionalString, param, projectParam, queryParam, requireProjectReader } from './context.ts';

function gateView(project: string, gate: ProjectGate | undefined): Record<string, unknown> {
  if (gate === undefined) return { project, enabled: false, blockUnscanned: false, graceDays: {} };
  return { enabled: true, ...gate };
}

/** `graceDays: {"HIGH": 7}`, each entry checked by the same rule as `--grace HIGH=7`. */
function parseGraceDays(value: unknown): Partial<Record<Severity, number>> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ApiError('INVALID_ARGUMENT', 'graceDays must be an object of severity to days');
  const graceDays: Partial<Record<Severity, number>> = {};
  for (const [severity, days] of Object.entries(value)) {
    if (typeof days !== 'number') throw new ApiError('INVALID_ARGUMENT', `graceDays.${severity.slice(0, 20)} must be a number of days`);
    const [level, parsed] = parseGraceOption(`${severity}=${days}`);
    graceDays[level] = parsed;
  }
  return graceDays;
}

function exceptionView(exception: PolicyException, now: number): Record<string, unknown> {
  const { scope, ...rest } = exception;
  return {
    ...rest,
    ...(scope.kind === 'digest' ? { digest: scope.digest } : { repository: scope.repository }),
    expiresAt: new Date(exception.expiresAt).toISOString(),
    createdAt: new Date(exception.createdAt).toISOString(),
    active: exception.expiresAt > now,
  };
}

function belongsTo(exception: PolicyException, project: string): boolean {
  return exception.scope.kind === 'digest' || projectOf(exception.scope.repository) === project;
}

function gateDetail(gate: ProjectGate): Record<string, string | boolean> {
  const grace = GATE_SEVERITIES.filter((severity) => gate.graceDays[severity] !== undefined).map((severity) => `${severity}=${gate.graceDays[severity]}`);
  return { minSeverity: gate.minSeverity ?? 'none', blockUnscanned: gate.blockUnscanned, grace: grace.join(' ') };
}

export function registerGateRoutes(scope: FastifyInstance, context: ApiContext): void {
  scope.get('/projects/:project/pull-policy', async (request) => {
    const project = await projectParam(request, context);
    await requireProjectReader(request, context, project);
    return gateView(project, context.policy.gate(project));
  });

  scope.put('/projects/:project/pull-policy', async (request) => {
    const project = await projectParam(request, context);
    const principal = await requireProjectMaintainer(request, project);
    const body = bodyFields(request, ['minSeverity', 'blockUnscanned', 'graceDays']);
    const minSeverity = body.minSeverity === undefined || body.minSeverity === null ? undefined : parseSeverity(body.minSeverity, 'minSeverity');
    const gate = context.policy.setGate({ project, ...(minSeverity !== undefined && { minSeverity }), blockUnscanned: optionalBoolean(body, 'blockUnscanned') ?? false, graceDays: parseGraceDays(body.graceDays) });
    audit(context, request, principal, { action: 'policy.change', target: project, detail: gateDetail(gate) });
    return gateView(project, gate);
  });

  scope.delete('/projects/:project/pull-policy', async (request, reply) => {
    const project = await projectParam(request, context);
    const principal = await requireProjectMaintainer(request, project);
    if (!context.policy.deleteGate(project)) throw new ApiError('NOT_FOUND', `project ${project} has no pull policy`);
    audit(context, request, principal, { action: 'policy.change', target: project, detail: { gate: 'off' } });
    return reply.code(204).send();
  });

  scope.get('/projects/:project/exceptions', async (request) => {
    knownQuery(request, ['all']);
    const project = await projectParam(request, context);
    await requireProjectReader(request, context, project);
    const all = queryParam(request, 'all');
    if (all !== undefined && all !== 'true' && all !== 'false') throw new ApiError('INVALID_ARGUMENT', 'all must be true or false');
    const now = context.now();
    const exceptions = context.policy.exceptions({ includeExpired: all === 'true', now }).filter((exception) => belongsTo(exception, project));
    return { exceptions: exceptions.map((exception) => exceptionView(exception, now)) };
  });

  scope.post('/projects/:project/exceptions', async (request, reply) => {
    const project = await projectParam(request, context);
    const body = bodyFields(request, ['vulnerability', 'repository', 'digest', 'reason', 'owner', 'expires']);
    const exceptionScope = parseExceptionScope({ repository: optionalString(body, 'repository'), digest: optionalString(body, 'digest') });
    let principal: Principal;
    if (exceptionScope.kind === 'digest') principal = await requireAdmin(request);
    else {
      principal = await requireProjectMaintainer(request, project);
      if (projectOf(exceptionScope.repository) !== project) throw new ApiError('INVALID_ARGUMENT', `repository ${exceptionScope.repository} is not in project ${project}`);
    }
    const now = context.now();
    const exception = context.policy.addException(
      { vulnerability: String(body.vulnerability ?? ''), scope: exceptionScope, reason: optionalString(body, 'reason') ?? '', owner: optionalString(body, 'owner') ?? '', expiresAt: parseExpiry(body.expires, now) },
      now,
    );
    const target = exception.scope.kind === 'digest' ? exception.scope.digest : exception.scope.repository;
    audit(context, request, principal, {
      action: 'policy.change',
      target,
      detail: { exception: exception.id, vulnerability: exception.vulnerability, owner: exception.owner, expires: new Date(exception.expiresAt).toISOString(), reason: exception.reason },
    });
    return reply.code(201).send(exceptionView(exception, now));
  });

  scope.delete('/projects/:project/exceptions/:id', async (request, reply) => {
    const project = await projectParam(request, context);
    const id = param(request, 'id');
    if (!/^\d{1,15}$/.test(id)) throw new ApiError('INVALID_ARGUMENT', 'an exception id is a whole number');
    const exception = context.policy.exceptions({ includeExpired: true, now: context.now() }).find((entry) => entry.id === Number(id));
    if (exception === undefined || !belongsTo(exception, project)) throw new ApiError('NOT_FOUND', `project ${project} has no exception ${id}`);
    const principal = exception.scope.kind === 'digest' ? await requireAdmin(request) : await requireProjectMaintainer(request, project);
    context.policy.deleteException(exception.id);
    audit(context, request, principal, { action: 'policy.change', target: `exception ${id}`, detail: { exception: exception.id, deleted: true } });
    return reply.code(204).send();
  });
}
