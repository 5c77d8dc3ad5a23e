import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PortcullisError } from '../core/index.ts';
import { AlreadyExistsError } from './model.ts';
import { openMetadataStore } from './store.ts';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const URI = `https://r.example/team/app@${DIGEST}`;

function open(labels?: Record<string, Record<string, string>>) {
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const store = openMetadataStore(':memory:', { now: () => (clock += 1000), ...(labels !== undefined && { labels: (uri) => labels[uri] }) });
  store.notes.create('team', 'n1', { kind: 'DISCOVERY', discovery: { analysisKind: 'VULNERABILITY' } });
  return store;
}

const discovery = (status: string, resourceUri = URI) => ({ resourceUri, noteName: 'projects/team/notes/n1', kind: 'DISCOVERY', discovery: { analysisStatus: status } });

function assertCode(work: () => unknown, code: string, pattern: RegExp): void {
  assert.throws(work, (error: unknown) => error instanceof PortcullisError && error.code === code && pattern.test(error.message));
}

describe('MetadataStore', () => {
  it('keeps every revision of an occurrence and a tombstone after delete', () => {
    const store = open();
    const created = store.occurrences.create('team', discovery('PENDING'), 'bob');
    const id = created.name.split('/')[3] ?? '';
    assert.match(id, /^[0-9a-f-]{36}$/);
    const updated = store.occurrences.update('team', id, { discovery: { analysisStatus: 'FINISHED_SUCCESS' } }, 'discovery', 'carol');
    assert.equal((updated.discovery as { analysisStatus: string }).analysisStatus, 'FINISHED_SUCCESS');
    assert.equal(updated.createTime, created.createTime);
    assert.ok(updated.updateTime > created.updateTime);
    assert.equal((store.occurrences.get('team', id, 1).discovery as { analysisStatus: string }).analysisStatus, 'PENDING');

    store.occurrences.delete('team', id, 'alice');
    assertCode(() => store.occurrences.get('team', id), 'NOT_FOUND', /no occurrence/);
    const history = store.occurrences.history('team', id);
    assert.deepEqual(history.map((entry) => [entry.revision, entry.author, entry.deleted]), [[1, 'bob', false], [2, 'carol', false], [3, 'alice', true]]);
    assert.equal((store.occurrences.get('team', id, 2).discovery as { analysisStatus: string }).analysisStatus, 'FINISHED_SUCCESS');
    assertCode(() => store.occurrences.get('team', id, 9), 'NOT_FOUND', /no revision 9/);
    assert.equal(store.occurrences.list({ project: 'team' }, {}).items.length, 0);
  });

  it('refuses occurrences whose note is missing or of another kind', () => {
    const store = open();
    assertCode(() => store.occurrences.create('team', { ...discovery('PENDING'), noteName: 'projects/team/notes/missing' }, 'bob'), 'INPUT', /does not exist/);
    store.notes.create('team', 'pkg', { kind: 'PACKAGE', package: { name: 'x' } });
    assertCode(() => store.occurrences.create('team', { ...discovery('PENDING'), noteName: 'projects/team/notes/pkg' }, 'bob'), 'INPUT', /does not match the kind PACKAGE/);
    assert.throws(() => store.notes.create('team', 'n1', { kind: 'DISCOVERY', discovery: {} }), AlreadyExistsError);
  });

  it('pages through a filtered listing with tamper-checked tokens', () => {
    const store = open({ [URI]: { team: 'payments' } });
    for (let i = 0; i < 7; i++) store.occurrences.create('team', discovery(i % 2 === 0 ? 'PENDING' : 'SCANNING', i < 5 ? URI : `https://r.example/team/other@${DIGEST}`), 'bob');
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const page = store.occurrences.list({ project: 'team' }, { filter: 'labels.team="payments"', pageSize: 2, ...(pageToken !== undefined && { pageToken }) });
      seen.push(...page.items.map((item) => item.name));
      pageToken = page.nextPageToken;
      pages++;
    } while (pageToken !== undefined && pages < 10);
    assert.equal(seen.length, 5);
    assert.equal(new Set(seen).size, 5);
    const first = store.occurrences.list({ project: 'team' }, { pageSize: 2 });
    const token = first.nextPageToken ?? '';
    assertCode(() => store.occurrences.list({ project: 'team' }, { pageSize: 2, pageToken: `${token}x` }), 'INPUT', /invalid pageToken/);
    assertCode(() => store.occurrences.list({ project: 'team' }, { pageSize: 2, pageToken: token, filter: 'kind="DISCOVERY"' }), 'INPUT', /same parent and filter/);
    assertCode(() => store.occurrences.list({ project: 'team' }, { pageToken: 'a.b.c' }), 'INPUT', /invalid pageToken/);
    assert.equal(store.occurrences.list({ project: 'team' }, { filter: 'kind="DISCOVERY" AND resourceUri!="x"', pageSize: 1000 }).items.length, 7);
  });

  it('upserts by writer key: unchanged content writes nothing, changed content a revision', () => {
    const store = open();
    const first = store.occurrences.upsert('team', 'k1', discovery('PENDING'), 'portcullis');
    assert.equal(first.changed, true);
    assert.equal(store.occurrences.upsert('team', 'k1', discovery('PENDING'), 'portcullis').changed, false);
    const second = store.occurrences.upsert('team', 'k1', discovery('FINISHED_SUCCESS'), 'portcullis');
    assert.equal(second.changed, true);
    assert.equal(second.occurrence.name, first.occurrence.name);
    const id = first.occurrence.name.split('/')[3] ?? '';
    assert.equal(store.occurrences.history('team', id).length, 2);
    assert.deepEqual(store.occurrences.byWriterPrefix('k').map((entry) => entry.key), ['k1']);
  });

  it('notes: update with a mask, delete leaves a tombstone that a new note may replace', () => {
    const store = open();
    store.notes.create('team', 'v1', { kind: 'VULNERABILITY', shortDescription: 'old', vulnerability: { severity: 'LOW' } });
    const updated = store.notes.update('team', 'v1', { shortDescription: 'new', vulnerability: { severity: 'HIGH' } }, 'short_description');
    assert.equal(updated.shortDescription, 'new');
    assert.deepEqual(updated.vulnerability, { severity: 'LOW' });
    assertCode(() => store.notes.update('team', 'v1', {}, 'create_time'), 'INPUT', /set by the server/);
    store.notes.delete('team', 'v1');
    assertCode(() => store.notes.get('team', 'v1'), 'NOT_FOUND', /no note/);
    assert.equal(store.notes.create('team', 'v1', { kind: 'VULNERABILITY', vulnerability: {} }).kind, 'VULNERABILITY');
    assert.deepEqual(store.notes.list('team', { filter: 'kind="VULNERABILITY"' }).items.map((note) => note.name), ['projects/team/notes/v1']);
  });

  it('projects: created on first write, deleted only when empty', () => {
    const store = open();
    assert.deepEqual(store.notes.listProjects(), [{ name: 'projects/team' }]);
    assertCode(() => store.notes.deleteProject('team'), 'INPUT', /still holds/);
    store.notes.createProject('empty');
    store.notes.deleteProject('empty');
    assertCode(() => store.notes.deleteProject('empty'), 'NOT_FOUND', /no project/);
  });
});
