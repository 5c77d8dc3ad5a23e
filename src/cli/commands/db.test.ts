import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startFeedServer, type FeedServer } from '../../vuln/sources/feeds/testing/feed-server.ts';
import { vulndata } from '../../vuln/sources/testing.ts';

const bin = fileURLToPath(new URL('../../../bin/portcullis.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'portcullis-db-cli-'));
let server: FeedServer;
before(async () => {
  server = await startFeedServer();
});
after(async () => {
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function portcullis(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const { PORTCULLIS_DB: _db, PORTCULLIS_FEED_BASE_URL: _base, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: { ...inherited, XDG_CACHE_HOME: join(scratch, 'xdg'), ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('portcullis db', () => {
  const db = join(scratch, 'cli.db');

  it('imports real data, printing counts per source', async () => {
    const run = await portcullis(['db', 'import', '--db', db, vulndata('ghsa'), vulndata('debian-security-tracker/data/DSA/list')]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^source\s+records\s+skipped\s+withdrawn\s+warnings$/m);
    assert.match(run.stdout, /^osv\s+25\s+0\s+0\s+0$/m);
    assert.match(run.stdout, /^debian-dsa\s+5406\s+0\s+0\s+0$/m);
  });

  it('shows the status as a table, as JSON, and into a file', async () => {
    const table = await portcullis(['db', 'status', '--db', db]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^schema version: 1$/m);
    assert.match(table.stdout, /^debian-dsa\s+5406\s+\d+\s+0\s+0\s+\d{4}-\d\d-\d\dT/m);
    assert.match(table.stdout, /^Maven\s+5\s+17$/m);
    const json = await portcullis(['db', 'status', '--db', db, '--format', 'json']);
    const status = JSON.parse(json.stdout) as { schemaVersion: number; sources: Array<{ name: string; advisories: number }> };
    assert.equal(status.schemaVersion, 1);
    assert.deepEqual(status.sources.map((source) => [source.name, source.advisories]), [['debian-dsa', 5406], ['osv', 25]]);
    const output = join(scratch, 'status.json');
    assert.equal((await portcullis(['db', 'status', '--db', db, '-f', 'json', '-o', output])).code, 0);
    assert.deepEqual(JSON.parse(readFileSync(output, 'utf8')).sources, status.sources);
  });

  it('takes the database from $PORTCULLIS_DB', async () => {
    const run = await portcullis(['db', 'status', '-f', 'json'], { PORTCULLIS_DB: db });
    assert.equal(JSON.parse(run.stdout).path, db);
  });

  it('exits 2 with a clear message for a missing database, path or format, and bad usage', async () => {
    const missing = await portcullis(['db', 'status', '--db', join(scratch, 'none.db')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no advisory database at .*none\.db/);
    const noPath = await portcullis(['db', 'import', '--db', db, join(scratch, 'nothing-here')]);
    assert.equal(noPath.code, 2);
    assert.match(noPath.stderr, /nothing-here: no such file or directory/);
    const text = join(scratch, 'notes.txt');
    writeFileSync(text, 'just some notes\n');
    const unknown = await portcullis(['db', 'import', '--db', db, text]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /not a format Portcullis reads/);
    assert.equal((await portcullis(['db', 'explode'])).code, 2);
    assert.equal((await portcullis(['db', 'status', '--db', db, '-f', 'xml'])).code, 2);
    const help = await portcullis(['db', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: portcullis db COMMAND/);
  });

  it('updates from a feed mirror, then reports it up to date', async () => {
    const path = join(scratch, 'update.db');
    const first = await portcullis(['db', 'update', '--db', path, '--feed-base-url', server.url]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, new RegExp(`^${server.files.size} feeds checked, ${server.files.size} changed$`, 'm'));
    assert.match(first.stdout, /^osv\s+21\s+0\s+0\s+0$/m);
    const second = await portcullis(['db', 'update', '--db', path], { PORTCULLIS_FEED_BASE_URL: server.url });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /0 changed\nthe advisory database is up to date/);
  });

  it('exits 2 when offline and leaves the database as it was', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const before = (await portcullis(['db', 'status', '--db', db, '-f', 'json'])).stdout;
    const run = await portcullis(['db', 'update', '--db', db, '--feed-base-url', `http://127.0.0.1:${port}`]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /cannot download .*ECONNREFUSED \(offline\? the advisory database was not changed\)/);
    assert.equal((await portcullis(['db', 'status', '--db', db, '-f', 'json'])).stdout, before);
  });
});
