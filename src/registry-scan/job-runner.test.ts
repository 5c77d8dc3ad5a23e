/**
 * JobRunner against a real jobs.db: jobs start when kicked, a backed-off job is woken by one timer
 * at its time, nothing polls while idle, and a job table that cannot be read or written is logged
 * instead of crashing the server. Calls into the store are counted by a subclass of the real store.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import { createLogger } from '../core/index.ts';
import { openScanDatabase } from './database.ts';
import { type JobLane, JobRunner } from './job-runner.ts';
import { type Job, type JobKind, JobStore } from './job-store.ts';
import { waitFor } from './testing.ts';

/** The real store, counting how often the runner looks at the table. */
class CountingStore extends JobStore {
  lookups = 0;
  override claim(kind: JobKind): Job | undefined {
    this.lookups++;
    return super.claim(kind);
  }
  override nextRunAfter(kind: JobKind): number | undefined {
    this.lookups++;
    return super.nextRunAfter(kind);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('JobRunner', () => {
  const dirs: string[] = [];
  after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  async function setup(lane: Omit<JobLane, 'kind' | 'concurrency'>) {
    const dir = await mkdtemp(join(tmpdir(), 'portcullis-job-runner-'));
    dirs.push(dir);
    const db: DatabaseSync = openScanDatabase(join(dir, 'jobs.db'));
    const store = new CountingStore(db, Date.now);
    const log: string[] = [];
    const runner = new JobRunner(store, { kind: 'scan', concurrency: 1, ...lane }, createLogger('warn', (line) => log.push(line)), Date.now);
    return { db, store, runner, log };
  }

  it('starts a queued job when kicked, then looks at the table no more while idle', async () => {
    const ran: string[] = [];
    const { db, store, runner } = await setup({ handle: async (job) => void ran.push(job.key), retryDelay: () => undefined });
    store.enqueue('scan', 'scan:a', {}, { maxAttempts: 1 });
    runner.kick();
    await waitFor('the job', () => (store.byKey('scan:a')?.state === 'done' ? true : undefined));
    assert.deepEqual(ran, ['scan:a']);
    await sleep(50);
    const settled = store.lookups;
    await sleep(600);
    assert.equal(store.lookups, settled, 'an idle runner arms no timer and polls nothing');
    await runner.stop();
    db.close();
  });

  it('wakes once, with one timer, when a backed-off job becomes ready', async () => {
    const attempts: number[] = [];
    const { db, store, runner } = await setup({
      handle: async () => {
        attempts.push(Date.now());
        if (attempts.length === 1) throw new Error('disk full');
      },
      retryDelay: () => 400,
    });
    store.enqueue('scan', 'scan:b', {}, { maxAttempts: 3 });
    runner.kick();
    await waitFor('the retry', () => (store.byKey('scan:b')?.state === 'done' ? true : undefined));
    const [first = 0, second = 0] = attempts;
    assert.ok(second - first >= 390, `retried after ${second - first} ms, not before the backoff`);
    assert.ok(second - first < 3000, `retried after ${second - first} ms: the timer should fire at the backoff time`);
    // claim + nextRunAfter per wake: the first run, its end, the timer, the retry's end; polling would make many more.
    assert.ok(store.lookups <= 8, `the table was read ${store.lookups} times`);
    await runner.stop();
    db.close();
  });

  it('leaves a job queued for later alone until its time', async () => {
    let ran = false;
    const { db, store, runner } = await setup({ handle: async () => void (ran = true), retryDelay: () => undefined });
    store.enqueue('scan', 'scan:later', {}, { maxAttempts: 1, runAfter: Date.now() + 3_600_000 });
    runner.kick();
    const armed = store.lookups;
    await sleep(500);
    assert.equal(ran, false);
    assert.equal(store.lookups, armed, 'one timer waits; nothing polls in between');
    assert.equal(store.byKey('scan:later')?.state, 'queued');
    await runner.stop();
    db.close();
  });

  it('logs instead of throwing when the job table cannot be read, and backs off', async () => {
    const { db, runner, log } = await setup({ handle: async () => {}, retryDelay: () => undefined });
    db.close();
    assert.doesNotThrow(() => runner.kick());
    assert.match(log.join(''), /scan jobs: cannot read the job table: .*trying again in 1000 ms/);
    await waitFor('the second try', () => (log.length >= 2 ? true : undefined), 5000);
    assert.match(log[1] ?? '', /trying again in 2000 ms/, 'a table that stays unreadable is retried less and less often');
    await runner.stop();
  });

  it('logs instead of crashing when a finished job cannot be recorded', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      let finish: () => void = () => {};
      const { db, store, runner, log } = await setup({ handle: () => new Promise<void>((resolve) => (finish = resolve)), retryDelay: () => undefined });
      store.enqueue('scan', 'scan:c', {}, { maxAttempts: 1 });
      runner.kick();
      await waitFor('the job to start', () => (store.byKey('scan:c')?.state === 'running' ? true : undefined));
      db.close();
      finish();
      await runner.stop();
      await sleep(20);
      assert.match(log.join(''), /scan job scan:c: cannot record its outcome/);
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
