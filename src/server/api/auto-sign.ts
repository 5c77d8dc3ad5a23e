/**
 * The auto-sign API under /api/v1, as its own ServerExtension:
 *
 *   GET    /api/v1/projects/{project}/auto-sign           the rule that applies (own or the server's default)
 *   PUT    /api/v1/projects/{project}/auto-sign           set the project's rule (body: keyRef, rule, annotations?, pinFile?, passphraseFile?)
 *   DELETE /api/v1/projects/{project}/auto-sign           remove the project's own rule
 *   GET    /api/v1/projects/{project}/auto-sign/failures  signed images whose rescan broke the rule, newest first
 *
 * All need the project's maintainer or admin role. A rule may only name a key the server offers
 * (`serve --auto-sign-key`): a maintainer chooses which of them signs the project's images, never
 * an arbitrary file or PKCS#11 module on the server.
 */
import type { FastifyRequest } from 'fastify';
import type { AuditEvent } from '../../auth/index.ts';
import { parseProject } from '../../registry-policy/index.ts';
import { parseAutoSignRule, type AutoSigner, type AutoSignRule, type AutoSignStore } from '../../registry-sign/index.ts';
import type { ServerExtension } from '../app.ts';
import { ApiError, bodyObject, registerJsonApi, requireProjectMaintainer } from './json-api.ts';

export interface AutoSignApiOptions {
  signer: AutoSigner;
  store: AutoSignStore;
  /** Key references rules may name. */
  offeredKeys: readonly string[];
  /** Writes an audit record of rule changes. */
  audit?: (event: AuditEvent) => void;
  now?: () => number;
}

const MAX_FAILURES = 500;

function projectOfRequest(request: FastifyRequest): string {
  const value = (request.params as Record<string, unknown>).project;
  try {
    return parseProject(typeof value === 'string' ? value : '');
  } catch (error) {
    throw new ApiError('INVALID_ARGUMENT', (error as Error).message);
  }
}

function ruleView(rule: AutoSignRule, source: 'project' | 'default'): Record<string, unknown> {
  return { ...rule, source };
}

function limitOf(request: FastifyRequest): number {
  const raw = (request.query as Record<string, unknown>).limit;
  if (raw === undefined) return 100;
  const limit = typeof raw === 'string' && /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= 1 && limit <= MAX_FAILURES)) throw new ApiError('INVALID_ARGUMENT', `limit must be a whole number from 1 to ${MAX_FAILURES}`);
  return limit;
}

export function autoSignApi(options: AutoSignApiOptions): ServerExtension {
  const now = options.now ?? Date.now;
  return (app, { auth, logger }) => {
    registerJsonApi(app, { prefix: '/api/v1', logger, ...(auth !== undefined && { auth }), bodyLimit: 64 * 1024 }, (scope) => {
      scope.get('/projects/:project/auto-sign', async (request) => {
        const project = projectOfRequest(request);
        await requireProjectMaintainer(request, project);
        const own = options.store.getRule(project);
        if (own !== undefined) return ruleView(own, 'project');
        const fallback = options.signer.ruleFor(project);
        if (fallback === undefined) throw new ApiError('NOT_FOUND', `project ${project} has no auto-sign rule`);
        return ruleView(fallback, 'default');
      });

      scope.put('/projects/:project/auto-sign', async (request) => {
        const project = projectOfRequest(request);
        const principal = await requireProjectMaintainer(request, project);
        const rule = parseAutoSignRule(project, bodyObject(request));
        if (!options.offeredKeys.includes(rule.keyRef)) {
          throw new ApiError('FAILED_PRECONDITION', 'keyRef is not one of the keys this server offers for auto-signing (serve --auto-sign-key)');
        }
        options.store.putRule(rule, now());
        options.audit?.({ actor: 'name' in principal ? principal.name : 'anonymous', action: 'policy.change', target: `${project}/auto-sign`, ip: request.ip, outcome: 'ok', detail: { rule: rule.rule, signer: rule.keyRef } });
        return ruleView(rule, 'project');
      });

      scope.delete('/projects/:project/auto-sign', async (request, reply) => {
        const project = projectOfRequest(request);
        const principal = await requireProjectMaintainer(request, project);
        if (!options.store.deleteRule(project)) throw new ApiError('NOT_FOUND', `project ${project} has no auto-sign rule of its own`);
        options.audit?.({ actor: 'name' in principal ? principal.name : 'anonymous', action: 'policy.change', target: `${project}/auto-sign`, ip: request.ip, outcome: 'ok', detail: { rule: 'deleted' } });
        return reply.code(204).send();
      });

      scope.get('/projects/:project/auto-sign/failures', async (request) => {
        const project = projectOfRequest(request);
        await requireProjectMaintainer(request, project);
        return { failures: options.store.failures(project, limitOf(request)).map((failure) => ({ ...failure, failedAt: new Date(failure.failedAt).toISOString() })) };
      });
    });
  };
}
