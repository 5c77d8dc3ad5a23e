import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openLoop, percentiles, schedule } from './open-loop.ts';

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('open-loop load', () => {
  it('schedules requests evenly, rate per second', () => {
    assert.deepEqual([...schedule(4, 1)], [0, 250, 500, 750]);
    assert.equal(schedule(2000, 3).length, 6000);
    assert.throws(() => schedule(0, 1), /positive/);
  });

  it('takes percentiles by nearest rank', () => {
    const samples = Array.from({ length: 100 }, (_, index) => 100 - index);
    assert.deepEqual(percentiles(samples), { p50Ms: 50, p90Ms: 90, p99Ms: 99, maxMs: 100 });
    assert.throws(() => percentiles([]), /no samples/);
  });

  it('keeps sending at its rate while the server is slow, and counts the wait', async () => {
    const bodies: string[] = [];
    const { server, url } = await listen((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        bodies.push(body);
        setTimeout(() => response.end('ok'), 40);
      });
    });
    try {
      // One connection, 50 requests/s, 40 ms per answer: a closed loop would still keep up, but
      // at 100/s each request waits for the one before it and the latency grows with the queue.
      const result = await openLoop({ url, method: 'POST', body: (index) => `request ${index}`, ratePerSecond: 100, seconds: 0.5, connections: 1, warmupSeconds: 0.2 });
      assert.equal(result.sent, 50, 'warm-up requests are not counted');
      assert.equal(result.completed, 50);
      assert.equal(result.errors, 0);
      assert.equal(bodies.length, 70, 'warm-up requests were sent too');
      assert.deepEqual(bodies.slice(0, 3), ['request 0', 'request 1', 'request 2']);
      assert.ok(result.p50Ms >= 40, `each answer takes at least 40 ms: p50 ${result.p50Ms}`);
      assert.ok(result.maxMs > 500, `requests queue behind the slow connection: max ${result.maxMs}`);
      assert.ok(result.achievedPerSecond < 40, `one connection answers at most 25/s: ${result.achievedPerSecond}`);
    } finally {
      server.close();
    }
  });

  it('counts answers outside 2xx and failed connections as errors', async () => {
    let served = 0;
    const { server, url } = await listen((_request, response) => {
      served++;
      if (served % 2 === 0) response.socket?.destroy();
      else response.writeHead(503).end();
    });
    try {
      const result = await openLoop({ url, method: 'GET', ratePerSecond: 200, seconds: 0.1, connections: 2 });
      assert.equal(result.completed, 20);
      assert.equal(result.errors, 20);
    } finally {
      server.close();
    }
  });
});
