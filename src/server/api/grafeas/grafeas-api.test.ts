/**
 * The /v1 Grafeas API over a real listener, driven by a Grafeas-shaped REST client, with real users
 * and robots from the auth fixture: every route, revisions, access per project, hostile input.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createRobot } from '../../../auth/index.ts';
import { type Fixture, PASSWORD, ROOT, openFixture } from '../../../auth/testing/fixture.ts';
import { type MetadataStore, openMetadataStore } from '../../../metadata/index.ts';
import { type TestRegistry, openTestRegistry } from '../../../registry/testing.ts';
import { build } from '../../app.ts';
import { metadataApi } from './index.ts';
import { GrafeasClient, ok } from './testing/grafeas-client.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../../metadata/testdata/grafeas-v1/${name}`, import.meta.url), 'utf8')) as Record<string, Record<string, unknown>>;
const NOTES = fixture('notes.json');
const OCCURRENCES = fixture('occurrences.json');
const DIGEST = `sha256:${'ab'.repeat(32)}`;
const URI = `https://r.example/team/app@${DIGEST}`;
const OTHER = `https://r.example/team/web@${DIGEST}`;

type Json = Record<string, unknown>;

describe('Grafeas v1 API', () => {
  let auth: Fixture;
  let registry: TestRegistry;
  let store: MetadataStore;
  let app: FastifyInstance;
  let anonymous: GrafeasClient;
  let alice: GrafeasClient;
  let bob: GrafeasClient;
  let carol: GrafeasClient;
  let dave: GrafeasClient;
  const robots = new Map<string, GrafeasClient>();
  const robot = (name: string): GrafeasClient => {
    const client = robots.get(name);
    if (client === undefined) throw new Error(`no robot ${name}`);
    return client;
  };

  before(async () => {
    auth = await openFixture();
    registry = await openTestRegistry();
    const labels: Record<string, Record<string, string>> = { [URI]: { team: 'payments', 'production-ready': 'true' } };
    store = openMetadataStore(registry.dataDir, { labels: (uri) => labels[uri] });
    app = build({ registry: registry.registry, auth: auth.auth, extensions: [metadataApi({ store })] });
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    anonymous = new GrafeasClient(address);
    alice = anonymous.as('alice', PASSWORD);
    bob = anonymous.as('bob', PASSWORD);
    carol = anonymous.as('carol', PASSWORD);
    dave = anonymous.as('dave', PASSWORD);
    const addRobot = (name: string, scopes: unknown, scanner = false) => {
      const { login, secret } = createRobot(auth.store, ROOT, { name, scopes, scanner });
      robots.set(name, anonymous.as(login, secret));
    };
    addRobot('ci', [{ pattern: 'team/**', actions: ['pull', 'push'] }]);
    addRobot('narrow', [{ pattern: 'team/app', actions: ['pull', 'push'] }]);
    addRobot('scanner', [], true);
  });
  after(async () => {
    await app.close();
    store.close();
    await registry.close();
    auth.db.close();
  });

  const occurrenceOf = (kind: string, noteName: string, resourceUri = URI): Json => ({ resourceUri, noteName, ...OCCURRENCES[kind] });

  it('notes: create, batchCreate, get, list with pages, patch, list occurrences', async () => {
    const created = ok(await bob.createNote('projects/team', 'vex-app', NOTES.VULNERABILITY_ASSESSMENT ?? {}));
    assert.equal(created.name, 'projects/team/notes/vex-app');
    assert.match(String(created.createTime), /^\d{4}-\d{2}-\d{2}T/);
    const rest = Object.fromEntries(Object.entries(NOTES).filter(([kind]) => kind !== 'VULNERABILITY_ASSESSMENT').map(([kind, note]) => [kind.toLowerCase().replace(/_/g, '-'), note]));
    const batch = ok(await bob.batchCreateNotes('projects/team', rest));
    assert.equal(batch.notes.length, 11);
    assert.equal((await bob.createNote('projects/team', 'vex-app', NOTES.VULNERABILITY_ASSESSMENT ?? {})).status, 409);
    assert.equal((await dave.getNote('projects/team/notes/vex-app')).status, 403);
  });

  it('notes: listing pages, filters and patches', async () => {
    const names: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = ok(await bob.listNotes('projects/team', { pageSize: 5, ...(pageToken !== undefined && { pageToken }) }));
      names.push(...(page.notes ?? []).map((note) => String(note.name)));
      pageToken = page.nextPageToken;
    } while (pageToken !== undefined);
    assert.equal(names.length, 12);
    const vulnerabilityNotes = ok(await bob.listNotes('projects/team', { filter: 'kind="VULNERABILITY"' }));
    assert.deepEqual((vulnerabilityNotes.notes ?? []).map((note) => note.name), ['projects/team/notes/vulnerability']);
    const patched = ok(await bob.updateNote('projects/team/notes/vulnerability', { shortDescription: 'patched' }, 'shortDescription'));
    assert.equal(patched.shortDescription, 'patched');
    assert.equal(ok(await bob.getNote('projects/team/notes/vulnerability')).shortDescription, 'patched');
  });

  let occurrence = '';
  it('occurrences: create, get, patch with revisions, history, note of an occurrence', async () => {
    const created = ok(await bob.createOccurrence('projects/team', occurrenceOf('DISCOVERY', 'projects/team/notes/discovery')));
    occurrence = String(created.name);
    assert.match(occurrence, /^projects\/team\/occurrences\/[0-9a-f-]{36}$/);
    assert.equal(created.kind, 'DISCOVERY');
    const patched = ok(await carol.updateOccurrence(occurrence, { discovery: { analysisStatus: 'FINISHED_FAILED' } }, 'discovery.analysis_status'));
    assert.equal((patched.discovery as Json).analysisStatus, 'FINISHED_FAILED');
    assert.equal((patched.discovery as Json).continuousAnalysis, 'ACTIVE');
    assert.equal(((ok(await bob.getOccurrence(occurrence, 1))).discovery as Json).analysisStatus, 'FINISHED_SUCCESS');
    assert.equal(((ok(await bob.getOccurrence(occurrence))).discovery as Json).analysisStatus, 'FINISHED_FAILED');
    const history = ok(await bob.occurrenceHistory(occurrence));
    assert.deepEqual(history.revisions.map((revision) => [revision.revision, revision.author]), [[1, 'bob'], [2, 'carol']]);
    assert.equal(ok(await bob.getOccurrenceNote(occurrence)).name, 'projects/team/notes/discovery');
  });

  it('occurrences: batchCreate every kind, filtered listing, pagination, note occurrences, summary', async () => {
    const all = Object.keys(OCCURRENCES).map((kind) => occurrenceOf(kind, `projects/team/notes/${kind.toLowerCase().replace(/_/g, '-')}`, kind === 'VULNERABILITY' ? URI : OTHER));
    all[all.findIndex((entry) => entry.kind === 'VULNERABILITY_ASSESSMENT')] = occurrenceOf('VULNERABILITY_ASSESSMENT', 'projects/team/notes/vex-app');
    const batch = ok(await robot('ci').batchCreateOccurrences('projects/team', all));
    assert.equal(batch.occurrences.length, 12);
    const everything = await bob.listAllOccurrences('projects/team', { pageSize: 4 });
    assert.equal(everything.length, 13);
    assert.equal(new Set(everything.map((entry) => entry.name)).size, 13);
    const vulnerabilities = await bob.listAllOccurrences('projects/team', { filter: `kind="VULNERABILITY" AND resourceUri="${URI}"` });
    assert.equal(vulnerabilities.length, 1);
    const notPackages = await bob.listAllOccurrences('projects/team', { filter: '(kind="PACKAGE" OR kind="IMAGE") AND NOT noteProjectId="portcullis"' });
    assert.deepEqual(notPackages.map((entry) => entry.kind).sort(), ['IMAGE', 'PACKAGE']);
    const recent = await bob.listAllOccurrences('projects/team', { filter: 'createTime > "2000-01-01T00:00:00Z" AND createTime < "2999-01-01T00:00:00Z"' });
    assert.equal(recent.length, 13);
    const labelled = await bob.listAllOccurrences('projects/team', { filter: 'labels.team="payments"' });
    assert.deepEqual(labelled.map((entry) => entry.resourceUri).filter((uri) => uri !== URI), []);
    assert.ok(labelled.length >= 2);
    const ofNote = ok(await bob.listNoteOccurrences('projects/team/notes/vulnerability'));
    assert.equal(ofNote.occurrences?.length, 1);
    const summary = ok(await bob.vulnerabilitySummary('projects/team'));
    assert.deepEqual(summary.counts, [{ resourceUri: URI, severity: 'HIGH', fixableCount: '1', totalCount: '1' }]);
    assert.deepEqual(ok(await bob.lifecycleLabels('projects/team', URI)).labels, { team: 'payments', 'production-ready': 'true' });
  });

  it('deletes are for administrators only, audited, and leave a tombstone', async () => {
    assert.equal((await bob.deleteOccurrence(occurrence)).status, 403);
    const seqBefore = auth.store.readAudit(0, 10_000).length;
    assert.deepEqual(ok(await alice.deleteOccurrence(occurrence)), {});
    assert.equal((await bob.getOccurrence(occurrence)).status, 404);
    const history = ok(await bob.occurrenceHistory(occurrence));
    assert.deepEqual(history.revisions.map((revision) => [revision.revision, revision.author, revision.deleted]), [[1, 'bob', false], [2, 'carol', false], [3, 'alice', true]]);
    const audit = auth.store.readAudit(0, 10_000).slice(seqBefore).find((record) => record.target === occurrence);
    assert.equal(audit?.actor, 'alice');
    assert.equal(audit?.action, 'delete');
    assert.equal((await bob.deleteNote('projects/team/notes/build')).status, 403);
    assert.deepEqual(ok(await alice.deleteNote('projects/team/notes/build')), {});
    assert.equal((await bob.getNote('projects/team/notes/build')).status, 404);
  });

  it('projects: list what the caller may read, create as maintainer, delete as admin when empty', async () => {
    assert.deepEqual(ok(await bob.listProjects()).projects, [{ name: 'projects/team' }]);
    assert.deepEqual(ok(await dave.listProjects()).projects, []);
    assert.equal((await carol.createProject('projects/team')).status, 409);
    assert.equal((await bob.createProject('projects/ops')).status, 403);
    assert.deepEqual(ok(await alice.createProject('projects/pub')), { name: 'projects/pub' });
    assert.deepEqual(ok(await anonymous.getProject('projects/pub')), { name: 'projects/pub' });
    assert.equal((await bob.deleteProject('projects/team')).status, 403);
    assert.equal((await alice.deleteProject('projects/team')).status, 400);
    assert.deepEqual(ok(await alice.deleteProject('projects/pub')), {});
    assert.equal((await alice.getProject('projects/pub')).status, 404);
  });

  it('access per project: members, strangers, anonymous, robots, provider notes, allowlists', async () => {
    const note = { ...NOTES.DISCOVERY };
    assert.equal((await dave.listOccurrences('projects/team')).status, 403);
    const unauthenticated = await anonymous.listOccurrences('projects/team');
    assert.equal(unauthenticated.status, 401);
    assert.match(unauthenticated.headers.get('www-authenticate') ?? '', /Basic/);
    assert.equal((await dave.createNote('projects/team', 'x', note)).status, 403);
    assert.equal((await anonymous.listOccurrences('projects/pub')).status, 200, 'public projects are readable by anyone');
    assert.equal((await anonymous.createNote('projects/pub', 'x', note)).status, 401);
    // The provider project: every authenticated caller reads its notes; only administrators write.
    ok(await alice.createNote('projects/portcullis', 'shared', note));
    assert.equal((await dave.getNote('projects/portcullis/notes/shared')).status, 200);
    assert.equal((await anonymous.getNote('projects/portcullis/notes/shared')).status, 401);
    assert.equal((await bob.createNote('projects/portcullis', 'mine', note)).status, 403);
    // Robots: only a scope covering team/** reaches the project; scanner robots read everywhere.
    assert.equal((await robot('ci').listOccurrences('projects/team')).status, 200);
    assert.equal((await robot('narrow').listOccurrences('projects/team')).status, 403);
    assert.equal((await robot('narrow').createNote('projects/team', 'y', note)).status, 403);
    assert.equal((await robot('scanner').listOccurrences('projects/team')).status, 200);
    assert.equal((await robot('scanner').createNote('projects/team', 'z', note)).status, 403);
    // bob is a guest in ops, whose allowlist does not include 127.0.0.1.
    assert.equal((await bob.listOccurrences('projects/ops')).status, 403);
    // Occurrences of a note only list those in projects the caller may read.
    const listed = ok(await dave.listNoteOccurrences('projects/portcullis/notes/shared'));
    assert.deepEqual(listed.occurrences ?? [], []);
  });

  it('hostile input: oversized, malformed, hostile filters, forged page tokens, bad names', async () => {
    const huge = await bob.call('POST', 'projects/team/occurrences', { rawBody: JSON.stringify({ ...occurrenceOf('PACKAGE', 'projects/team/notes/package'), remediation: 'x'.repeat(1024 * 1024 + 10) }) });
    assert.equal(huge.status, 413);
    assert.equal((huge.body.error as Json).status, 'PAYLOAD_TOO_LARGE');
    const tooMany = await bob.batchCreateOccurrences('projects/team', Array.from({ length: 1001 }, () => ({})));
    assert.equal(tooMany.status, 400);
    assert.match(String((tooMany.body as unknown as { error: Json }).error.message), /1 to 1000/);
    const broken = await bob.call('POST', 'projects/team/occurrences', { rawBody: '{"kind":' });
    assert.equal(broken.status, 400);
    const deep = `{"resourceUri":"${URI}","noteName":"projects/team/notes/build","kind":"BUILD","build":{"intotoStatement":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}}`;
    const deepAnswer = await bob.call('POST', 'projects/team/occurrences', { rawBody: deep });
    assert.equal(deepAnswer.status, 400);
    assert.match(String((deepAnswer.body.error as Json).message), /nested deeper|not valid JSON/);
    const badUtf8 = Buffer.concat([Buffer.from(`{"resourceUri":"${URI}","noteName":"projects/team/notes/package","kind":"PACKAGE","package":{"name":"`), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}}')]);
    const utf8Answer = await bob.call('POST', 'projects/team/occurrences', { rawBody: badUtf8 });
    assert.equal(utf8Answer.status, 200, 'malformed UTF-8 arrives as U+FFFD and is stored as such');
    assert.equal((utf8Answer.body.package as Json).name, '\ufffd(\ufffd');
    const badKind = await bob.createOccurrence('projects/team', { ...occurrenceOf('PACKAGE', 'projects/team/notes/package'), kind: 'MALWARE' });
    assert.equal(badKind.status, 400);
    assert.match(String((badKind.body.error as Json).message), /kind/);
    const partial = await bob.batchCreateOccurrences('projects/team', [occurrenceOf('PACKAGE', 'projects/team/notes/package'), { kind: 'PACKAGE' }]);
    assert.equal(partial.status, 400);
    assert.match(String((partial.body as unknown as { error: Json }).error.message), /occurrences\[1\]/);
    for (const filter of [`${'('.repeat(200)}kind="A"${')'.repeat(200)}`, 'kind="unterminated', 'password="x"', `kind="${'x'.repeat(10_000)}"`, 'kind=="A"']) {
      const answer = await bob.listOccurrences('projects/team', { filter });
      assert.equal(answer.status, 400, `filter ${filter.slice(0, 40)} should be refused`);
      assert.equal((answer.body as unknown as { error: Json }).error.status, 'INVALID_ARGUMENT');
    }
    const first = ok(await bob.listOccurrences('projects/team', { pageSize: 1 }));
    const forged = `${Buffer.from(JSON.stringify({ l: 'x', c: '0' })).toString('base64url')}.${(first.nextPageToken ?? '').split('.')[1]}`;
    assert.equal((await bob.listOccurrences('projects/team', { pageSize: 1, pageToken: forged })).status, 400);
    assert.equal((await bob.listOccurrences('projects/ops', { pageSize: 1, pageToken: first.nextPageToken ?? '' })).status, 403);
    assert.equal((await alice.listOccurrences('projects/ops', { pageSize: 1, pageToken: first.nextPageToken ?? '' })).status, 400, 'a token is bound to its parent');
    assert.equal((await bob.call('GET', 'projects/team/occurrences', { query: { pageSize: 'many' } })).status, 400);
    assert.equal((await bob.call('GET', 'projects/Team/occurrences')).status, 400);
    assert.equal((await bob.call('GET', 'projects/team/occurrences/..%2F..%2Fetc')).status, 400);
    assert.equal((await bob.call('GET', 'projects/team/notes/a%00b')).status, 400);
    const noBody = await bob.call('POST', 'projects/team/notes', { query: { noteId: 'n' } });
    assert.equal(noBody.status, 400);
    const unknown = await bob.call('GET', 'projects/team/widgets');
    assert.equal(unknown.status, 404);
    assert.equal((unknown.body.error as Json).status, 'NOT_FOUND');
  });
});
