import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../core/index.ts';
import { pushImage } from '../registry/testing.ts';
import { SerialTask, every } from './scheduler.ts';
import { startLifecycleServer } from './testing.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('scheduled lifecycle work', () => {
  it('never runs a task twice at once: ticks during a run are skipped', async () => {
    const task = new SerialTask<number>('slow work');
    const lines: string[] = [];
    let running = 0;
    let most = 0;
    let runs = 0;
    const schedule = every(10, task, async () => {
      running++;
      most = Math.max(most, running);
      await sleep(60);
      running--;
      return ++runs;
    }, createLogger('info', (line) => lines.push(line)));
    await sleep(200);
    await schedule.stop();
    assert.equal(most, 1);
    assert.ok(runs >= 2, `ran ${runs} times`);
    assert.ok(lines.some((line) => line.includes('slow work: a run is still in progress')));
    const after = runs;
    await sleep(50);
    assert.equal(runs, after, 'stop() ends the schedule');
  });

  it('a failing run is logged and the next tick runs again', async () => {
    const task = new SerialTask<void>('flaky');
    const lines: string[] = [];
    let calls = 0;
    const schedule = every(10, task, async () => {
      calls++;
      throw new Error(`failure ${calls}`);
    }, createLogger('error', (line) => lines.push(line)));
    await sleep(80);
    await schedule.stop();
    assert.ok(calls >= 2);
    assert.match(lines[0] ?? '', /flaky failed: failure 1/);
  });

  it('applies retention and collects garbage on their schedules', async () => {
    const server = await startLifecycleServer();
    try {
      const old = await pushImage(server.registry, 'team/app', 'old', 'old');
      server.advance(10 * 24 * 60 * 60 * 1000);
      await pushImage(server.registry, 'team/app', 'new', 'new');
      server.store.setRetentionRules('team', [{ keep: 'latest', repositories: '**', count: 1 }], Date.now());
      const retention = server.service.scheduleRetention(20);
      const gc = server.service.scheduleGarbageCollection(20, { graceMs: 0 });
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline) {
        const gone = await server.registry.statBlob('team/app', old.layer.digest).then(() => false, () => true);
        if (gone) break;
        await sleep(20);
      }
      await Promise.all([retention.stop(), gc.stop()]);
      await assert.rejects(server.registry.manifests.get('team/app', 'old'), /not found/);
      await assert.rejects(server.registry.statBlob('team/app', old.layer.digest), /not found/);
      assert.equal((await server.registry.manifests.get('team/app', 'new')).mediaType, 'application/vnd.oci.image.manifest.v1+json');
    } finally {
      await server.close();
    }
  });
});
