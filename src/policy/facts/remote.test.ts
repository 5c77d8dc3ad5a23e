/**
 * gatherRemoteFacts: gives up on a registry that never answers, within its time limit; reads the
 * stored scan from the image's own registry when it is a Portcullis server (a real registry behind
 * a front that adds the scan route, answering well or with hostile scans), and counts the image as
 * never scanned, with a warning, when the registry keeps no scans.
 */
import assert from 'node:assert/strict';
import { createServer as createHttpServer, request as httpRequest, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { pushToRegistry, smallImageLayout, startRegistry, type StartedRegistry } from '../../../test/helpers/registry.ts';
import { PortcullisError } from '../../core/index.ts';
import { gatherRemoteFacts } from './remote.ts';

function failsWith(code: PortcullisError['code'], pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof PortcullisError, `expected a PortcullisError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    return true;
  };
}

describe('gatherRemoteFacts', () => {
  let server: Server;
  let host: string;
  const sockets: Socket[] = [];

  before(async () => {
    // Accepts connections and never says a word.
    server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    host = `127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  });
  after(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });

  it('fails with a clear error instead of hanging on a silent registry', async () => {
    const started = Date.now();
    await assert.rejects(gatherRemoteFacts(`${host}/team/app:1`, { attestorKeys: [], timeoutMs: 500, insecure: true }), (error: unknown) => {
      assert.ok(error instanceof PortcullisError, String(error));
      assert.equal(error.code, 'NETWORK', error.message);
      return true;
    });
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
  });

  it('stops when the caller cancels', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    await assert.rejects(gatherRemoteFacts(`${host}/team/app:1`, { attestorKeys: [], timeoutMs: 60_000, signal: controller.signal, insecure: true }), PortcullisError);
  });
});

describe('gatherRemoteFacts with the stored scan of the image\'s registry', () => {
  let registry: StartedRegistry;
  let front: HttpServer;
  let frontHost: string;
  /** How the front answers the scan route, given the digest asked about. */
  let answerScan: (response: ServerResponse, digest: string) => void = () => {};

  before(async () => {
    registry = await startRegistry();
    await pushToRegistry(`oci:${await smallImageLayout()}:amd64`, `${registry.host}/team/app:1`);
    const upstream = new URL(registry.url);
    // The registry API goes through to the real registry; the scan route is the front's own.
    front = createHttpServer((request, response) => {
      const scan = /^\/api\/v1\/repositories\/team%2Fapp\/artifacts\/(sha256:[0-9a-f]{64})\/scan$/.exec(request.url ?? '');
      if (scan !== null) return answerScan(response, scan[1] ?? '');
      const forwarded = httpRequest({ host: upstream.hostname, port: upstream.port, path: request.url, method: request.method, headers: request.headers }, (reply) => {
        response.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(response);
      });
      forwarded.on('error', () => response.destroy());
      request.pipe(forwarded);
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    const address = front.address();
    frontHost = `127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  });
  after(async () => {
    front?.closeAllConnections();
    front?.close();
    await registry?.stop();
  });

  const gather = (host: string, timeoutMs = 10_000) => gatherRemoteFacts(`${host}/team/app:1`, { attestorKeys: [], timeoutMs, insecure: true, storedScan: true });
  const scanAnswer = (digest: string, findings: unknown[]) => ({
    repository: 'team/app',
    digest,
    state: 'completed',
    completedAt: '2026-05-01T00:00:00.000Z',
    summary: { HIGH: 1, total: 1 },
    labels: { team: 'payments' },
    findings,
  });
  const finding = { id: 'CVE-2026-1', aliases: ['GHSA-xxxx'], severity: 'HIGH', package: { name: 'zlib', version: '1.2', ecosystem: 'Debian:12' }, fixedVersion: '1.3', status: 'fixed', firstSeen: '2026-04-01T00:00:00.000Z' };

  it('hands the policy the stored findings (with their first sighting) and the artifact labels', async () => {
    answerScan = (response, digest) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(scanAnswer(digest, [finding])));
    const { input, warnings } = await gather(frontHost);
    assert.deepEqual(warnings, []);
    assert.deepEqual(input.labels, { team: 'payments' });
    assert.deepEqual(input.scan, {
      state: 'completed',
      completedAt: '2026-05-01T00:00:00.000Z',
      findings: [{ id: 'CVE-2026-1', aliases: ['GHSA-xxxx'], severity: 'HIGH', package: { name: 'zlib', version: '1.2', ecosystem: 'Debian:12' }, fixedVersion: '1.3', firstSeen: '2026-04-01T00:00:00.000Z' }],
    });
  });

  it('counts the image as never scanned, with a warning, when its registry keeps no scans', async () => {
    const { input, warnings } = await gather(registry.host);
    assert.deepEqual(input.scan, { state: 'none', findings: [] });
    assert.deepEqual(input.labels, {});
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /team\/app@sha256:[0-9a-f]{64}: no stored scan \(the registry answered HTTP 404/);
  });

  it('refuses a stored scan with a malformed finding instead of judging the image without it', async () => {
    answerScan = (response, digest) => response.writeHead(200).end(JSON.stringify(scanAnswer(digest, [finding, { ...finding, severity: 'SEVERE' }])));
    await assert.rejects(gather(frontHost), failsWith('INPUT', /findings\[1\]\.severity: must be one of/));
    answerScan = (response) => response.writeHead(200).end(JSON.stringify(scanAnswer(`sha256:${'0'.repeat(64)}`, [])));
    await assert.rejects(gather(frontHost), failsWith('INPUT', /digest: is "sha256:0+", not the digest asked for/));
  });

  it('gives up within its time limit on a scan answer that stalls', async () => {
    answerScan = (response) => response.writeHead(200).write('{"findings": [');
    const started = Date.now();
    await assert.rejects(gather(frontHost, 1500), failsWith('NETWORK', /reading the stored scan of sha256:[0-9a-f]{64} of team\/app on 127\.0\.0\.1:\d+: timed out/));
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
  });

  it('takes one source of the scan', async () => {
    await assert.rejects(
      gatherRemoteFacts(`${registry.host}/team/app:1`, { attestorKeys: [], insecure: true, storedScan: true, scan: async () => ({ state: 'none', findings: [] }) }),
      failsWith('USAGE', /two sources/),
    );
  });
});
