import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { parseWrk, runWrk } from './wrk.ts';

const FIXTURE = new URL('testdata/wrk/errors.txt', import.meta.url);

describe('parseWrk', () => {
  it('reads totals, percentiles in every unit, socket errors and non-2xx answers', async () => {
    const result = parseWrk(await readFile(FIXTURE, 'utf8'));
    assert.equal(result.requests, 2656);
    assert.equal(result.seconds, 5.08);
    assert.equal(result.requestsPerSecond, 523.06);
    assert.deepEqual(result.latencyMs, { p50: 302.5, p75: 719.05, p90: 1150, p99: 2030, max: 2960 });
    assert.equal(result.non2xx, 7);
    assert.deepEqual(result.socketErrors, { connect: 0, read: 3, write: 0, timeout: 12 });
  });

  it('refuses truncated, malformed, empty, binary and oversized output with a message', async () => {
    const text = await readFile(FIXTURE, 'utf8');
    const cases: Array<[string, string, RegExp]> = [
      ['truncated', text.slice(0, text.indexOf('  2656')), /no request total/],
      ['bad unit', text.replace('302.50ms', '302.50xs'), /50%: not a duration/],
      ['no distribution', text.replace(/ {5}99%.*\n/, ''), /no 99% latency/],
      ['empty', '', /no request total/],
      ['bad UTF-8', Buffer.from([0xff, 0xfe, 0x0a, 0xc3, 0x28]).toString('utf8'), /wrk output/],
      ['oversized junk', `${'Latency 1ms 2ms \n'.repeat(200_000)}`, /wrk output/],
    ];
    for (const [name, output, message] of cases) assert.throws(() => parseWrk(output), message, name);
  });
});

describe('runWrk against a local server', () => {
  let server: Server;
  let url: string;
  before(async () => {
    // /slow answers after 3 ms, /fail answers 500: wrk must see both.
    server = createServer((request, response) => {
      if (request.url === '/fail') {
        response.statusCode = 500;
        response.end('no');
        return;
      }
      setTimeout(() => response.end(request.headers.accept ?? ''), 3);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('measures latency no lower than what the server takes', async () => {
    const result = await runWrk(`${url}/slow`, { connections: 4, threads: 1, durationSeconds: 1, headers: { Accept: 'text/x-bench' } });
    assert.ok(result.requests > 10, `only ${result.requests} requests`);
    assert.ok(result.latencyMs.p50 >= 3, `p50 ${result.latencyMs.p50} ms is below the server's 3 ms`);
    assert.ok(result.latencyMs.p99 >= result.latencyMs.p50);
    assert.ok(Math.abs(result.requestsPerSecond - result.requests / result.seconds) / result.requestsPerSecond < 0.05);
    assert.equal(result.non2xx, 0);
  });

  it('counts every failed answer', async () => {
    const result = await runWrk(`${url}/fail`, { connections: 2, threads: 1, durationSeconds: 1 });
    assert.ok(result.requests > 0);
    assert.equal(result.non2xx, result.requests);
  });

  it('loads loopback only', async () => {
    await assert.rejects(runWrk('http://example.com/', { connections: 1, threads: 1, durationSeconds: 1 }), /loopback URLs only/);
  });
});
