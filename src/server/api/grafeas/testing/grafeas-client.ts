/**
 * Test helper: a Grafeas v1 REST client written from the public API definition (grafeas.proto's
 * google.api.http bindings, proto3 JSON field names, AIP-158 pagination), the way an outside
 * client would talk to Portcullis. Every call answers the status and the parsed body, so tests
 * assert on both; `ok()` insists on a 2xx.
 */
export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export interface ListParams {
  filter?: string;
  pageSize?: number;
  pageToken?: string;
}

type Json = Record<string, unknown>;

export class GrafeasClient {
  readonly #base: string;
  readonly #authorization: string | undefined;

  /** `base` is the server's origin (`http://127.0.0.1:PORT`); credentials are sent as Basic auth. */
  constructor(base: string, credentials?: { username: string; password: string }) {
    this.#base = base;
    this.#authorization = credentials === undefined ? undefined : `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  }

  as(username: string, password: string): GrafeasClient {
    return new GrafeasClient(this.#base, { username, password });
  }

  async call<T = Json>(method: string, path: string, options: { query?: Record<string, string | number | undefined>; body?: unknown; rawBody?: string | Uint8Array } = {}): Promise<Answer<T>> {
    const url = new URL(`/v1/${path}`, this.#base);
    for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    const headers: Record<string, string> = {};
    if (this.#authorization !== undefined) headers.authorization = this.#authorization;
    const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(url, { method, headers, ...(payload !== undefined && { body: payload }) });
    const text = await response.text();
    return { status: response.status, body: (text === '' ? {} : JSON.parse(text)) as T, headers: response.headers };
  }

  // Projects (grafeas.v1 project service)
  listProjects() { return this.call<{ projects: Json[] }>('GET', 'projects'); }
  createProject(name: string) { return this.call('POST', 'projects', { body: { name } }); }
  getProject(name: string) { return this.call('GET', name); }
  deleteProject(name: string) { return this.call('DELETE', name); }

  // Notes
  createNote(parent: string, noteId: string, note: Json) { return this.call('POST', `${parent}/notes`, { query: { noteId }, body: note }); }
  batchCreateNotes(parent: string, notes: Record<string, Json>) { return this.call<{ notes: Json[] }>('POST', `${parent}/notes:batchCreate`, { body: { notes } }); }
  getNote(name: string) { return this.call('GET', name); }
  listNotes(parent: string, params: ListParams = {}) { return this.call<{ notes?: Json[]; nextPageToken?: string }>('GET', `${parent}/notes`, { query: { ...params } }); }
  updateNote(name: string, note: Json, updateMask?: string) { return this.call('PATCH', name, { query: { updateMask }, body: note }); }
  deleteNote(name: string) { return this.call('DELETE', name); }
  listNoteOccurrences(name: string, params: ListParams = {}) { return this.call<{ occurrences?: Json[]; nextPageToken?: string }>('GET', `${name}/occurrences`, { query: { ...params } }); }

  // Occurrences
  createOccurrence(parent: string, occurrence: Json) { return this.call('POST', `${parent}/occurrences`, { body: occurrence }); }
  batchCreateOccurrences(parent: string, occurrences: Json[]) { return this.call<{ occurrences: Json[] }>('POST', `${parent}/occurrences:batchCreate`, { body: { occurrences } }); }
  getOccurrence(name: string, revision?: number) { return this.call('GET', name, { query: { revision } }); }
  listOccurrences(parent: string, params: ListParams = {}) { return this.call<{ occurrences?: Json[]; nextPageToken?: string }>('GET', `${parent}/occurrences`, { query: { ...params } }); }
  updateOccurrence(name: string, occurrence: Json, updateMask?: string) { return this.call('PATCH', name, { query: { updateMask }, body: occurrence }); }
  deleteOccurrence(name: string) { return this.call('DELETE', name); }
  getOccurrenceNote(name: string) { return this.call('GET', `${name}/notes`); }
  vulnerabilitySummary(parent: string, filter?: string) { return this.call<{ counts: Json[] }>('GET', `${parent}/occurrences:vulnerabilitySummary`, { query: { filter } }); }

  // Portcullis extensions
  occurrenceHistory(name: string) { return this.call<{ revisions: Json[] }>('GET', `${name}:history`); }
  lifecycleLabels(parent: string, resourceUri: string) { return this.call<{ labels: Record<string, string> }>('GET', `${parent}/lifecycleLabels`, { query: { resourceUri } }); }

  /** Follows nextPageToken until the end; fails after `maxPages` (a token that never ends is a bug). */
  async listAllOccurrences(parent: string, params: Omit<ListParams, 'pageToken'>, maxPages = 100): Promise<Json[]> {
    const all: Json[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const answer = ok(await this.listOccurrences(parent, { ...params, ...(pageToken !== undefined && { pageToken }) }));
      all.push(...(answer.occurrences ?? []));
      pageToken = answer.nextPageToken;
      if (pageToken === undefined || pageToken === '') return all;
    }
    throw new Error(`listing ${parent} did not end within ${maxPages} pages`);
  }
}

/** The body of a 2xx answer; anything else throws with the server's message. */
export function ok<T>(answer: Answer<T>): T {
  if (answer.status < 200 || answer.status > 299) throw new Error(`expected success, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}
