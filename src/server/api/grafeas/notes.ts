/**
 * Notes, Grafeas' HTTP mapping: GET|POST /v1/projects/{p}/notes (?noteId=), POST
 * /v1/projects/{p}/notes:batchCreate, GET|PATCH|DELETE /v1/projects/{p}/notes/{id}, and
 * GET /v1/projects/{p}/notes/{id}/occurrences (occurrences in every project the caller may read).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, authOf, bodyObject, requireAdmin } from '../json-api.ts';
import { MAX_BATCH, type MetadataStore, noteName, parseNoteId, parseProjectId } from '../../../metadata/index.ts';
import { authorOf, projectReader, requireNoteRead, requireProject } from './access.ts';
import { listOptions, pathParam, queryString } from './params.ts';

export function noteRoutes(scope: FastifyInstance, store: MetadataStore): void {
  const projectOf = (request: FastifyRequest) => parseProjectId(pathParam(request, 'project'));

  scope.get('/projects/:project/notes', async (request) => {
    const project = projectOf(request);
    await requireNoteRead(request, project);
    const page = store.notes.list(project, listOptions(request));
    return { notes: page.items, ...(page.nextPageToken !== undefined && { nextPageToken: page.nextPageToken }) };
  });

  scope.post('/projects/:project/notes', async (request) => {
    const project = projectOf(request);
    await requireProject(request, project, 'write');
    const noteId = queryString(request, 'noteId');
    if (noteId === undefined) throw new ApiError('INVALID_ARGUMENT', 'the noteId query parameter is required');
    return store.notes.create(project, parseNoteId(noteId), bodyObject(request));
  });

  scope.post('/projects/:project/notes::batchCreate', async (request) => {
    const project = projectOf(request);
    await requireProject(request, project, 'write');
    const notes = bodyObject(request).notes;
    if (typeof notes !== 'object' || notes === null || Array.isArray(notes)) throw new ApiError('INVALID_ARGUMENT', 'notes must be an object of noteId -> note');
    const entries = Object.entries(notes);
    if (entries.length === 0 || entries.length > MAX_BATCH) throw new ApiError('INVALID_ARGUMENT', `a batch holds 1 to ${MAX_BATCH} notes, got ${entries.length}`);
    return { notes: store.notes.createMany(project, entries.map(([id, note]) => [parseNoteId(id), note])) };
  });

  scope.get('/projects/:project/notes/:note', async (request) => {
    const project = projectOf(request);
    await requireNoteRead(request, project);
    return store.notes.get(project, parseNoteId(pathParam(request, 'note')));
  });

  scope.patch('/projects/:project/notes/:note', async (request) => {
    const project = projectOf(request);
    await requireProject(request, project, 'write');
    return store.notes.update(project, parseNoteId(pathParam(request, 'note')), bodyObject(request), queryString(request, 'updateMask'));
  });

  scope.delete('/projects/:project/notes/:note', async (request) => {
    const project = projectOf(request);
    const noteId = parseNoteId(pathParam(request, 'note'));
    const principal = await requireAdmin(request);
    store.notes.delete(project, noteId);
    authOf(request)?.audit({ actor: authorOf(principal), action: 'delete', target: noteName(project, noteId), ip: request.ip, outcome: 'ok', detail: { api: 'grafeas' } });
    return {};
  });

  scope.get('/projects/:project/notes/:note/occurrences', async (request) => {
    const project = projectOf(request);
    const noteId = parseNoteId(pathParam(request, 'note'));
    await requireNoteRead(request, project);
    store.notes.get(project, noteId);
    const page = store.occurrences.list({ noteName: noteName(project, noteId), visible: await projectReader(request) }, listOptions(request));
    return { occurrences: page.items, ...(page.nextPageToken !== undefined && { nextPageToken: page.nextPageToken }) };
  });
}
