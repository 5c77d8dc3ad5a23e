/**
 * Artifacts: the manifests stored in a repository (images, indexes, signatures, SBOMs), each with
 * its tags, labels and scan state. Listings page by digest.
 */
import type { FastifyInstance } from 'fastify';
import { requireRepositoryAction } from '../json-api.ts';
import { artifactView } from './artifact-view.ts';
import { type ApiContext, audit, digestParam, knownQuery, pageParams, repositoryParam, sendPage } from './context.ts';
import { readableRepository } from './repositories.ts';

export function registerArtifactRoutes(scope: FastifyInstance, context: ApiContext): void {
  scope.get('/repositories/:name/artifacts', async (request, reply) => {
    knownQuery(request, ['n', 'last']);
    const repository = await readableRepository(request, context);
    const page = pageParams(request);
    const records = await context.registry.listManifests(repository, page);
    const artifacts = await Promise.all(records.map((record) => artifactView(context, record)));
    return sendPage(request, reply, page, artifacts, (artifact) => artifact.digest, 'artifacts');
  });

  scope.get('/repositories/:name/artifacts/:digest', async (request) => {
    const repository = repositoryParam(request);
    const digest = digestParam(request);
    await requireRepositoryAction(request, repository, 'pull');
    return artifactView(context, await context.registry.manifests.get(repository, digest));
  });

  scope.delete('/repositories/:name/artifacts/:digest', async (request, reply) => {
    const repository = repositoryParam(request);
    const digest = digestParam(request);
    const principal = await requireRepositoryAction(request, repository, 'delete');
    await context.registry.manifests.delete(repository, digest);
    audit(context, request, principal, { action: 'delete', target: `${repository}@${digest}` });
    return reply.code(204).send();
  });
}
