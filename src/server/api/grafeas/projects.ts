/**
 * Grafeas projects (grafeas.v1 Projects service): GET|POST /v1/projects, GET|DELETE /v1/projects/{p}.
 * A metadata project is created by the first note or occurrence written into it, or explicitly by a
 * project maintainer; only system administrators delete, and only empty projects.
 */
import type { FastifyInstance } from 'fastify';
import { ApiError, authOf, bodyObject, callerOf, requireAdmin, requireProjectMaintainer } from '../json-api.ts';
import { type MetadataStore, parseProjectId, parseProjectName, PROVIDER_PROJECT } from '../../../metadata/index.ts';
import { authorOf, mayAccess, requireNoteRead } from './access.ts';
import { pathParam } from './params.ts';

export function projectRoutes(scope: FastifyInstance, store: MetadataStore): void {
  scope.get('/projects', async (request) => {
    const principal = await callerOf(request);
    const auth = authOf(request);
    const projects = store.notes.listProjects().filter((project) => {
      const id = project.name.slice('projects/'.length);
      return id === PROVIDER_PROJECT ? principal.kind !== 'anonymous' : mayAccess(auth, principal, id, 'read', request.ip);
    });
    return { projects };
  });

  scope.post('/projects', async (request) => {
    const project = parseProjectName(bodyObject(request).name);
    if (project === PROVIDER_PROJECT) await requireAdmin(request);
    else await requireProjectMaintainer(request, project);
    return store.notes.createProject(project);
  });

  scope.get('/projects/:project', async (request) => {
    const project = parseProjectId(pathParam(request, 'project'));
    await requireNoteRead(request, project);
    if (!store.notes.hasProject(project)) throw new ApiError('NOT_FOUND', `no project projects/${project}`);
    return { name: `projects/${project}` };
  });

  scope.delete('/projects/:project', async (request) => {
    const project = parseProjectId(pathParam(request, 'project'));
    const principal = await requireAdmin(request);
    store.notes.deleteProject(project);
    authOf(request)?.audit({ actor: authorOf(principal), action: 'delete', target: `projects/${project}`, ip: request.ip, outcome: 'ok', detail: { api: 'grafeas' } });
    return {};
  });
}
