import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openScanDatabase } from './database.ts';
import { JobStore } from './job-store.ts';

describe('JobStore', () => {
  const dirs: string[] = [];
  after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  async function open(): Promise<{ path: string; reopen: (now?: () => number) => { store: JobStore; close: () => void } }> {
    const dir = await mkdtemp(join(tmpdir(), 'portcullis-jobs-'));
    dirs.push(dir);
    const path = join(dir, 'jobs.db');
    return {
      path,
      reopen: (now = Date.now) => {
        const db = openScanDatabase(path);
        return { store: new JobStore(db, now), close: () => db.close() };
      },
    };
  }

  it('queues one job per key, claims it once, and completes it', async () => {
    const { store, close } = (await open()).reopen();
    assert.equal(store.enqueue('scan', 'scan:a', { digest: 'a' }, { maxAttempts: 3 }), true);
    assert.equal(store.enqueue('scan', 'scan:a', { digest: 'a' }, { maxAttempts: 3 }), false, 'a duplicate is not queued');
    const job = store.claim('scan');
    assert.equal(job?.key, 'scan:a');
    assert.equal(job?.state, 'running');
    assert.equal(job?.attempts, 1);
    assert.equal(store.claim('scan'), undefined, 'a running job is not claimed twice');
    assert.equal(store.claim('webhook'), undefined, 'kinds do not mix');
    store.complete(job.id);
    assert.equal(store.byKey('scan:a')?.state, 'done');
    assert.equal(store.enqueue('scan', 'scan:a', { digest: 'a' }, { maxAttempts: 3 }), false, 'a done job is not queued again');
    close();
  });

  it('re-queues jobs left running by a process that stopped', async () => {
    const opened = await open();
    const first = opened.reopen();
    first.store.enqueue('scan', 'scan:b', {}, { maxAttempts: 3 });
    assert.equal(first.store.claim('scan')?.state, 'running');
    first.close();
    const second = opened.reopen();
    assert.equal(second.store.byKey('scan:b')?.state, 'queued');
    const again = second.store.claim('scan');
    assert.equal(again?.key, 'scan:b');
    assert.equal(again?.attempts, 2, 'the interrupted attempt counts');
    second.close();
  });

  it('backs off a failed attempt, then fails for good after maxAttempts, and a re-push restarts it', async () => {
    let now = 1_000_000;
    const { store, close } = (await open()).reopen(() => now);
    store.enqueue('webhook', 'webhook:1', {}, { maxAttempts: 2 });
    const first = store.claim('webhook');
    assert.ok(first);
    assert.equal(store.fail(first.id, 'NETWORK: refused', now + 5000), 'queued');
    assert.equal(store.nextRunAfter('webhook'), now + 5000);
    assert.equal(store.claim('webhook'), undefined, 'not before its backoff ends');
    now += 5000;
    const second = store.claim('webhook');
    assert.equal(second?.attempts, 2);
    assert.equal(store.fail(second.id, 'NETWORK: refused again', now + 10_000), 'failed');
    const failed = store.byKey('webhook:1');
    assert.equal(failed?.state, 'failed');
    assert.equal(failed?.lastError, 'NETWORK: refused again');
    assert.equal(store.nextRunAfter('webhook'), undefined);
    assert.equal(store.enqueue('webhook', 'webhook:1', {}, { maxAttempts: 2 }), true, 'a failed job may be queued again');
    assert.equal(store.byKey('webhook:1')?.attempts, 0);
    close();
  });

  it('lists jobs newest first and filters by state', async () => {
    const { store, close } = (await open()).reopen();
    for (const key of ['scan:1', 'scan:2', 'scan:3']) store.enqueue('scan', key, {}, { maxAttempts: 1 });
    const claimed = store.claim('scan');
    assert.ok(claimed);
    store.fail(claimed.id, 'INPUT: bad layer', undefined);
    assert.deepEqual(store.list('scan').map((job) => job.key), ['scan:3', 'scan:2', 'scan:1']);
    assert.deepEqual(store.list('scan', 'failed').map((job) => job.key), ['scan:1']);
    assert.equal(store.prune('scan', Date.now() - 60_000), 0, 'nothing finished that long ago');
    assert.equal(store.prune('scan', Date.now() + 1), 1, 'only the finished job goes');
    assert.deepEqual(store.list('scan').map((job) => job.key), ['scan:3', 'scan:2']);
    close();
  });
});
