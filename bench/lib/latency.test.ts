import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nearestRank, sampleLatency, summarize } from './latency.ts';

describe('latency summary', () => {
  it('takes median and p99 by nearest rank, whatever the input order', () => {
    const samples = Array.from({ length: 100 }, (_, index) => 100 - index); // 100 .. 1
    assert.deepEqual(summarize(samples), { runs: 100, medianMs: 50, p99Ms: 99, minMs: 1, maxMs: 100 });
    assert.equal(nearestRank([3, 7, 9], 50), 7);
    assert.equal(nearestRank([3, 7, 9], 99), 9, 'with few runs p99 is the slowest run');
    assert.equal(nearestRank([5], 1), 5);
    assert.throws(() => nearestRank([], 50), /no samples/);
  });

  it('samples each run of the operation in order', async () => {
    const seen: number[] = [];
    const samples = await sampleLatency(3, async (run) => {
      seen.push(run);
      await new Promise((resolve) => setTimeout(resolve, 5));
    });
    assert.deepEqual(seen, [0, 1, 2]);
    assert.equal(samples.length, 3);
    assert.ok(samples.every((ms) => ms >= 4), `each run waited ~5 ms: ${samples.join(', ')}`);
  });
});
