/**
 * Occurrences, Grafeas' HTTP mapping: GET|POST /v1/projects/{p}/occurrences, POST
 * .../occurrences:batchCreate, GET|PATCH|DELETE .../occurrences/{id}, GET .../occurrences/{id}/notes,
 * GET .../occurrences:vulnerabilitySummary. Portcullis additions: `?revision=N` on GET and
 * GET .../occurrences/{id}:history (every revision, tombstones included).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, authOf, bodyObject, requireAdmin } from '../json-api.ts';
import { MAX_BATCH, type MetadataStore, occurrenceName, parseNoteName, parseOccurrenceId, parseProjectId, vulnerabilitySummary } from '../../../metadata/index.ts';
import { authorOf, requireNoteRead, requireProject } from './access.ts';
import { listOptions, pathParam, queryInteger, queryString } from './params.ts';

const HISTORY = ':history';

/** The occurrence id of the path, and whether the `:history` custom method was asked for. */
function occurrenceTarget(request: FastifyRequest): { id: string; history: boolean } {
  const raw = pathParam(request, 'occurrence');
  const history = raw.endsWith(HISTORY);
  return { id: parseOccurrenceId(history ? raw.slice(0, -HISTORY.length) : raw), history };
}

export function occurrenceRoutes(scope: FastifyInstance, store: MetadataStore): void {
  const projectOf = (request: FastifyRequest) => parseProjectId(pathParam(request, 'project'));

  scope.get('/projects/:project/occurrences', async (request) => {
    const project = projectOf(request);
    await requireProject(request, project, 'read');
    const page = store.occurrences.list({ project }, listOptions(request));
    return { occurrences: page.items, ...(page.nextPageToken !== undefined && { nextPageToken: page.nextPageToken }) };
  });

  scope.post('/projects/:project/occurrences', async (request) => {
    const project = projectOf(request);
    const principal = await requireProject(request, project, 'write');
    return store.occurrences.create(project, bodyObject(request), authorOf(principal));
  });

  scope.post('/projects/:project/occurrences::batchCreate', async (request) => {
    const project = projectOf(request);
    const principal = await requireProject(request, project, 'write');
    const occurrences = bodyObject(request).occurrences;
    if (!Array.isArray(occurrences)) throw new ApiError('INVALID_ARGUMENT', 'occurrences must be a list');
    if (occurrences.length === 0 || occurrences.length > MAX_BATCH) throw new ApiError('INVALID_ARGUMENT', `a batch holds 1 to ${MAX_BATCH} occurrences, got ${occurrences.length}`);
    return { occurrences: store.occurrences.createMany(project, occurrences, authorOf(principal)) };
  });

  scope.get('/projects/:project/occurrences::vulnerabilitySummary', async (request) => {
    const project = projectOf(request);
    await requireProject(request, project, 'read');
    return vulnerabilitySummary(store.occurrences.all(project, 'VULNERABILITY', queryString(request, 'filter')));
  });

  scope.get('/projects/:project/occurrences/:occurrence', async (request) => {
    const project = projectOf(request);
    const { id, history } = occurrenceTarget(request);
    await requireProject(request, project, 'read');
    if (history) return { revisions: store.occurrences.history(project, id) };
    return store.occurrences.get(project, id, queryInteger(request, 'revision', 2 ** 31 - 1));
  });

  scope.patch('/projects/:project/occurrences/:occurrence', async (request) => {
    const project = projectOf(request);
    const { id, history } = occurrenceTarget(request);
    if (history) throw new ApiError('INVALID_ARGUMENT', 'the history of an occurrence cannot be changed');
    const principal = await requireProject(request, project, 'write');
    return store.occurrences.update(project, id, bodyObject(request), queryString(request, 'updateMask'), authorOf(principal));
  });

  scope.delete('/projects/:project/occurrences/:occurrence', async (request) => {
    const project = projectOf(request);
    const { id, history } = occurrenceTarget(request);
    if (history) throw new ApiError('INVALID_ARGUMENT', 'the history of an occurrence cannot be deleted');
    const principal = await requireAdmin(request);
    const author = authorOf(principal);
    store.occurrences.delete(project, id, author);
    authOf(request)?.audit({ actor: author, action: 'delete', target: occurrenceName(project, id), ip: request.ip, outcome: 'ok', detail: { api: 'grafeas' } });
    return {};
  });

  scope.get('/projects/:project/occurrences/:occurrence/notes', async (request) => {
    const project = projectOf(request);
    const { id } = occurrenceTarget(request);
    await requireProject(request, project, 'read');
    const note = parseNoteName(store.occurrences.get(project, id).noteName);
    await requireNoteRead(request, note.project);
    return store.notes.get(note.project, note.noteId);
  });
}
