import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { importPaths } from '../sources/import.ts';
import { vulndata } from '../sources/testing.ts';
import { openAdvisoryStore } from './index.ts';

const scratch = mkdtempSync(join(tmpdir(), 'portcullis-kill-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const child = fileURLToPath(new URL('testing/import-child.ts', import.meta.url));

it('an import killed with SIGKILL midway leaves exactly the previous database', async () => {
  const path = join(scratch, 'advisories.db');
  const store = openAdvisoryStore(path);
  await importPaths(store, [vulndata('ghsa')]);
  const before = { sources: store.status().sources, lodash: store.affected('npm', 'lodash'), stdlib: store.affected('Go', 'stdlib') };
  assert.equal(before.sources[0]?.advisories, 25);
  assert.deepEqual(before.stdlib, []);
  store.close();

  const importer = spawn(process.execPath, [child, path, vulndata('golang-vulndb'), vulndata('pypa-advisory-database'), vulndata('ghsa')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const ended = new Promise<NodeJS.Signals | null>((resolve) => importer.on('exit', (_code, signal) => resolve(signal)));
  importer.stdout.setEncoding('utf8');
  importer.stdout.on('data', (chunk: string) => {
    output += chunk;
    if (/progress 1500\n/.test(output)) importer.kill('SIGKILL');
  });
  const signal = await ended;
  assert.equal(signal, 'SIGKILL', `the importer was to be killed midway; it printed:\n${output}`);
  assert.doesNotMatch(output, /finished/);
  // The transaction was big enough to spill uncommitted pages into the WAL before the kill.
  assert.ok(statSync(`${path}-wal`).size > 0, 'the killed import left no WAL frames: it was not midway');

  const db = new DatabaseSync(path);
  assert.equal((db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check, 'ok');
  db.close();
  const reopened = openAdvisoryStore(path, { readOnly: true });
  assert.deepEqual(reopened.status().sources, before.sources);
  assert.deepEqual(reopened.affected('npm', 'lodash'), before.lodash);
  assert.deepEqual(reopened.affected('Go', 'stdlib'), []);
  assert.equal(reopened.advisory('GO-2020-0001'), undefined);
  reopened.close();
});
