/**
 * The continuous-validation API under /api/v1 (docs/continuous-validation.md): the images running
 * in the cluster with the decision the admission policy gives them now, and the violations.
 *
 *   GET /api/v1/deployments?ended=true    running images (with ended ones), their status, a summary
 *   GET /api/v1/deployments/violations    running images that fail the policy now, with reasons
 *
 * Administrators see every image; other callers see images of repositories they may pull.
 */
import type { FastifyRequest } from 'fastify';
import { parseReference } from '../../core/index.ts';
import { type RunningImage, deploymentView, summarize } from '../../continuous/index.ts';
import type { ServerExtension } from '../app.ts';
import { ApiError, authOf, callerOf, registerJsonApi, requireAuthenticated } from './json-api.ts';

export function continuousApi(images: { store: { list(options?: { ended?: boolean }): RunningImage[] } }): ServerExtension {
  return (app, { auth, logger }) =>
    registerJsonApi(app, { prefix: '/api/v1', ...(auth !== undefined && { auth }), logger }, (scope) => {
      scope.get('/deployments', async (request) => {
        const ended = endedOf(request);
        const visible = await visibleTo(request, images.store.list({ ended }));
        return { deployments: visible.map(deploymentView), summary: summarize(visible) };
      });

      scope.get('/deployments/violations', async (request) => {
        const visible = await visibleTo(request, images.store.list());
        return { violations: visible.filter((image) => image.decision?.allowed === false).map(deploymentView) };
      });
    });
}

function endedOf(request: FastifyRequest): boolean {
  const value = ((request.query ?? {}) as Record<string, unknown>).ended;
  if (value === undefined || value === 'false') return false;
  if (value === 'true' || value === '') return true;
  throw new ApiError('INVALID_ARGUMENT', 'ended must be true or false');
}

/** The images the caller may see: all for administrators, else those of repositories they may pull. */
async function visibleTo(request: FastifyRequest, images: RunningImage[]): Promise<RunningImage[]> {
  const principal = await requireAuthenticated(request);
  const auth = authOf(request);
  if (auth === undefined || (principal.kind === 'user' && principal.admin && principal.limitTo === undefined)) return images;
  const caller = await callerOf(request);
  return images.filter((image) => {
    let repository: string;
    try {
      repository = parseReference(image.image).repository;
    } catch {
      return false;
    }
    return auth.authorize(caller, { repository, actions: ['pull'], ip: request.ip }).includes('pull');
  });
}
