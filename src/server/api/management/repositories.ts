/**
 * Repositories and their tags: list (only those the caller may pull), show, delete. Listings page by
 * name with `n` and `last` like the registry's catalog.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { projectOf } from '../../../auth/index.ts';
import { ApiError, callerOf, requireRepositoryAction } from '../json-api.ts';
import { parseProject } from '../../../registry-policy/index.ts';
import { type ApiContext, audit, knownQuery, pageParams, queryParam, repositoryParam, sendPage } from './context.ts';

/** Whether the caller may pull from a repository (listings show only those). */
export async function mayPull(request: FastifyRequest, context: ApiContext, repository: string): Promise<boolean> {
  if (context.auth === undefined) return true;
  const principal = await callerOf(request);
  return context.auth.authorize(principal, { repository, actions: ['pull'], ip: request.ip }).includes('pull');
}

/** A repository the caller may pull; 404 when it does not exist. */
export async function readableRepository(request: FastifyRequest, context: ApiContext): Promise<string> {
  const repository = repositoryParam(request);
  await requireRepositoryAction(request, repository, 'pull');
  if (!(await context.registry.repositoryExists(repository))) throw new ApiError('NOT_FOUND', `repository ${repository} not found`);
  return repository;
}

/** Catalog pages read while filling one answer page: bounds the work of a sparse filter. */
const SCAN_PAGE = 1000;

export function registerRepositoryRoutes(scope: FastifyInstance, context: ApiContext): void {
  scope.get('/repositories', async (request, reply) => {
    knownQuery(request, ['project', 'n', 'last']);
    const page = pageParams(request);
    const projectFilter = queryParam(request, 'project');
    const project = projectFilter === undefined ? undefined : parseProject(projectFilter);
    const found: Array<{ name: string; project: string }> = [];
    let last = page.last;
    while (found.length < page.n) {
      const names = await context.registry.catalog({ n: SCAN_PAGE, ...(last !== undefined && { last }) });
      for (const name of names) {
        if (found.length >= page.n) break;
        if ((project === undefined || projectOf(name) === project) && (await mayPull(request, context, name))) found.push({ name, project: projectOf(name) });
      }
      if (names.length < SCAN_PAGE) break;
      last = names.at(-1);
    }
    return sendPage(request, reply, page, found, (entry) => entry.name, 'repositories');
  });

  scope.get('/repositories/:name', async (request) => {
    const repository = await readableRepository(request, context);
    return { name: repository, project: projectOf(repository) };
  });

  scope.delete('/repositories/:name', async (request, reply) => {
    const repository = repositoryParam(request);
    const principal = await requireRepositoryAction(request, repository, 'delete');
    await context.registry.deleteRepository(repository);
    audit(context, request, principal, { action: 'delete', target: repository, detail: { repository: true } });
    return reply.code(204).send();
  });

  scope.get('/repositories/:name/tags', async (request, reply) => {
    knownQuery(request, ['n', 'last']);
    const repository = await readableRepository(request, context);
    const page = pageParams(request);
    const names = await context.registry.manifests.tags(repository, page);
    const tags: Array<{ name: string; digest: string }> = [];
    for (const name of names) {
      // A tag deleted between the two reads is left out rather than failing the page.
      const record = await context.registry.manifests.get(repository, name).catch(() => undefined);
      if (record !== undefined) tags.push({ name, digest: record.digest });
    }
    return sendPage(request, reply, page, tags, (tag) => tag.name, 'tags');
  });
}
