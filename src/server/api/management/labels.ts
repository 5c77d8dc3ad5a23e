/**
 * Labels on artifacts (`deprecated`, `production-ready`, `team`, `purpose`, ...). They belong to the
 * manifest digest, so an image shows the same labels in every repository that holds it, and they
 * appear in artifact listings and scan reports. Changing one needs the maintainer role in the
 * repository's project; the key and value rules are the policy store's (src/registry-policy).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { projectOf } from '../../../auth/index.ts';
import { parseLabel } from '../../../registry-policy/index.ts';
import { ApiError, requireProjectMaintainer, requireRepositoryAction } from '../json-api.ts';
import { type ApiContext, audit, bodyFields, digestParam, param, repositoryParam } from './context.ts';

/** The artifact a label route names; checked before any access decision reads it. */
function labelTarget(request: FastifyRequest): { repository: string; digest: string } {
  return { repository: repositoryParam(request), digest: digestParam(request) };
}

export function registerLabelRoutes(scope: FastifyInstance, context: ApiContext): void {
  scope.get('/repositories/:name/artifacts/:digest/labels', async (request) => {
    const { repository, digest } = labelTarget(request);
    await requireRepositoryAction(request, repository, 'pull');
    await context.registry.manifests.get(repository, digest);
    return { labels: context.policy.labels(digest) };
  });

  scope.put('/repositories/:name/artifacts/:digest/labels/:key', async (request) => {
    const { repository, digest } = labelTarget(request);
    const principal = await requireProjectMaintainer(request, projectOf(repository));
    const [key, value] = parseLabel(param(request, 'key'), bodyFields(request, ['value']).value);
    await context.registry.manifests.get(repository, digest);
    const labels = context.policy.setLabels(digest, { [key]: value });
    audit(context, request, principal, { action: 'policy.change', target: digest, detail: { repository, labels: `${key}=${value}` } });
    return { labels };
  });

  scope.delete('/repositories/:name/artifacts/:digest/labels/:key', async (request) => {
    const { repository, digest } = labelTarget(request);
    const principal = await requireProjectMaintainer(request, projectOf(repository));
    const [key] = parseLabel(param(request, 'key'), '');
    await context.registry.manifests.get(repository, digest);
    if (context.policy.labels(digest)[key] === undefined) throw new ApiError('NOT_FOUND', `${digest} has no label ${key}`);
    const labels = context.policy.setLabels(digest, { [key]: undefined });
    audit(context, request, principal, { action: 'policy.change', target: digest, detail: { repository, labels: `${key}=` } });
    return { labels };
  });
}
