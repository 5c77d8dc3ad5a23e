/**
 * The stored scan of a Portcullis server, as `sign --require-scan` and `policy eval` read it: the
 * parser refuses every malformed answer whole (naming each bad field), and the client over the
 * registry session survives hostile servers: refused access, oversized, endless and stalled
 * answers, bad UTF-8, and registries that are not Portcullis servers.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { PortcullisError } from '../core/index.ts';
import { RegistryClient } from '../registry-client/index.ts';
import { fetchStoredScan, MAX_STORED_SCAN_BYTES, parseStoredScan } from './stored-scan.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const REPO = 'team/app';

function answer(overrides: Record<string, unknown> = {}): Buffer {
  return Buffer.from(
    JSON.stringify({
      repository: REPO,
      digest: DIGEST,
      state: 'completed',
      completedAt: '2026-01-02T03:04:05.000Z',
      summary: { CRITICAL: 0, HIGH: 1, MEDIUM: 0, LOW: 0, UNKNOWN: 0, NONE: 0, total: 1 },
      labels: {},
      findings: [
        { id: 'CVE-2021-23337', aliases: ['GHSA-35jh-r3h4-6jhm'], severity: 'HIGH', package: { name: 'lodash', version: '4.17.20', ecosystem: 'npm' }, fixedVersion: '4.17.21', status: 'fixed', firstSeen: '2026-01-01T00:00:00.000Z' },
        { id: 'CVE-2024-0001', aliases: [], severity: 'LOW', package: { name: 'zlib', version: '1.2' }, status: 'unfixed' },
      ],
      ...overrides,
    }),
  );
}

function failsWith(code: PortcullisError['code'], pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof PortcullisError, `expected a PortcullisError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    return true;
  };
}

function refused(bytes: Uint8Array, code: PortcullisError['code'], pattern: RegExp): void {
  assert.throws(() => parseStoredScan(bytes, REPO, DIGEST), failsWith(code, pattern));
}

describe('stored scan answers', () => {
  it('parses a completed scan into gate findings (a fix and a first sighting only where the server names one)', () => {
    const scan = parseStoredScan(answer(), REPO, DIGEST);
    assert.equal(scan.state, 'completed');
    assert.equal(scan.completedAt, '2026-01-02T03:04:05.000Z');
    assert.equal(scan.summary.HIGH, 1);
    assert.deepEqual(
      scan.findings.map(({ id, severity, status, package: { name, version }, fixedVersion, firstSeen }) => ({ id, severity, status, name, version, fixedVersion, firstSeen })),
      [
        { id: 'CVE-2021-23337', severity: 'HIGH', status: 'fixed', name: 'lodash', version: '4.17.20', fixedVersion: '4.17.21', firstSeen: '2026-01-01T00:00:00.000Z' },
        { id: 'CVE-2024-0001', severity: 'LOW', status: 'unfixed', name: 'zlib', version: '1.2', fixedVersion: undefined, firstSeen: undefined },
      ],
    );
  });

  it('refuses the whole answer for one malformed finding, rather than judge an image without it', () => {
    const good = { id: 'CVE-1', aliases: [], severity: 'HIGH', package: { name: 'a', version: '1' }, status: 'fixed' };
    refused(answer({ findings: [good, { ...good, firstSeen: 'yesterday' }] }), 'INPUT', /findings\[1\]\.firstSeen: must be an RFC 3339 date-time, got "yesterday"/);
    refused(answer({ findings: [{ ...good, status: 'maybe' }] }), 'INPUT', /findings\[0\]\.status: must be one of fixed, unfixed, will-not-fix/);
    refused(answer({ completedAt: '2026-13-45T99:00:00Z' }), 'INPUT', /completedAt: must be an RFC 3339 date-time/);
    refused(answer({ findings: [{ bogus: true }] }), 'INPUT', /findings\[0\]\.id: must be a string/);
  });

  it('refuses oversized fields, naming a hostile label key only in part', () => {
    const good = { id: 'CVE-1', aliases: [], severity: 'HIGH', package: { name: 'a', version: '1' }, status: 'fixed' };
    refused(answer({ findings: [{ ...good, id: 'C'.repeat(5000) }] }), 'INPUT', /findings\[0\]\.id: is 5000 characters, more than 1024/);
    refused(answer({ labels: { team: 'x'.repeat(2000) } }), 'INPUT', /labels\.team: is 2000 characters/);
    assert.throws(
      () => parseStoredScan(answer({ labels: { ['k'.repeat(100_000)]: 7 } }), REPO, DIGEST),
      (error: unknown) => error instanceof PortcullisError && error.code === 'INPUT' && error.message.length < 1000 && /labels\.k{60}\.\.\.: must be a string/.test(error.message),
    );
  });

  it('refuses an answer about another image or repository', () => {
    refused(answer({ digest: `sha256:${'b'.repeat(64)}` }), 'INPUT', /digest: is "sha256:b+", not the digest asked for/);
    refused(answer({ repository: 'other/app' }), 'INPUT', /repository: is "other\/app", not the repository asked for/);
  });

  it('names every malformed field', () => {
    const bytes = answer({ state: 'done', summary: { HIGH: -1 }, findings: [{ id: 7, aliases: 'x', severity: 'HIGH', package: { name: 'a' }, status: 'fixed' }, 'junk'] });
    refused(bytes, 'INPUT', /state: must be one of.*summary\.HIGH: must be a whole number.*findings\[0\]\.id: must be a string.*findings\[0\]\.aliases.*findings\[0\]\.package\.version.*findings\[1\]: must be an object/s);
  });

  it('refuses severities the policy engine does not know and labels that are not strings', () => {
    const bytes = answer({ labels: { team: 7 }, findings: [{ id: 'CVE-1', aliases: [], severity: 'SEVERE', package: { name: 'a', version: '1' }, status: 'fixed' }] });
    refused(bytes, 'INPUT', /labels\.team: must be a string.*findings\[0\]\.severity: must be one of/s);
  });

  it('keeps the artifact labels', () => {
    assert.deepEqual(parseStoredScan(answer({ labels: { team: 'payments' } }), REPO, DIGEST).labels, { team: 'payments' });
    assert.deepEqual(parseStoredScan(answer(), REPO, DIGEST).labels, {});
  });

  it('refuses truncated JSON, bad UTF-8 and non-objects', () => {
    refused(answer().subarray(0, 40), 'INPUT', /not valid JSON/);
    refused(Buffer.concat([Buffer.from('{"repository":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]), 'INPUT', /not valid UTF-8/);
    refused(Buffer.from('[1,2]'), 'INPUT', /must be an object/);
    refused(Buffer.from('{}'), 'INPUT', /repository: must be a string.*findings: must be an array/s);
  });

  it('bounds oversized answers and finding counts', () => {
    refused(Buffer.alloc(MAX_STORED_SCAN_BYTES + 1, 0x20), 'LIMIT', /over the limit/);
    const many = Array.from({ length: 100_001 }, () => 0);
    refused(answer({ findings: many }), 'LIMIT', /100001 findings/);
  });
});

describe('fetchStoredScan from a hostile registry', () => {
  let server: Server;
  let domain: string;
  /** What each repository's scan route answers; the route is matched on the repository's first path part. */
  const routes = new Map<string, (response: ServerResponse) => void>();
  const paths: string[] = [];

  before(async () => {
    server = createServer((request, response) => {
      paths.push(request.url ?? '');
      const match = /^\/api\/v1\/repositories\/([^/%]+)%2F/.exec(request.url ?? '');
      const route = match === null ? undefined : routes.get(match[1] ?? '');
      if (route === undefined) response.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n');
      else route(response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    domain = `127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    const json = (body: unknown) => (response: ServerResponse) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    routes.set('ok', json({ repository: 'ok/app', digest: DIGEST, state: 'pending', summary: {}, labels: { team: 'a' }, findings: [] }));
    routes.set('other', json({ repository: 'other/app', digest: `sha256:${'b'.repeat(64)}`, state: 'completed', summary: {}, findings: [] }));
    routes.set('nojson', (response) => response.writeHead(200).end(Buffer.from([0x7b, 0xff, 0xfe])));
    routes.set('gone', (response) => response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 404, message: 'no such\u001b[31m artifact', status: 'NOT_FOUND' } })));
    routes.set('denied', (response) => response.writeHead(403).end('{}'));
    routes.set('broken', (response) => response.writeHead(500).end('{}'));
    routes.set('huge', (response) => response.writeHead(200, { 'content-length': String(MAX_STORED_SCAN_BYTES + 1) }).end());
    routes.set('endless', (response) => {
      response.writeHead(200);
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      const write = () => {
        while (!response.destroyed && response.write(chunk));
        if (!response.destroyed) response.once('drain', write);
      };
      write();
    });
    routes.set('silent', () => {});
    routes.set('stalls', (response) => response.writeHead(200).write('{"repository":'));
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const client = (options: { timeoutMs?: number; idleTimeoutMs?: number; signal?: AbortSignal } = {}) => new RegistryClient({ domain, insecure: true, timeoutMs: 5000, env: {}, ...options });
  const ask = (project: string, options?: Parameters<typeof client>[0]) => fetchStoredScan(client(options), `${project}/app`, DIGEST);

  it('reads a Portcullis answer over the registry session, at the scan route of the digest', async () => {
    const answered = await ask('ok');
    assert.ok(answered.offered);
    assert.equal(answered.scan.state, 'pending');
    assert.deepEqual(answered.scan.labels, { team: 'a' });
    assert.equal(paths.at(-1), `/api/v1/repositories/ok%2Fapp/artifacts/${DIGEST}/scan`);
  });

  it('says "not offered" for a registry that is not a Portcullis server, with its reason cleaned for the terminal', async () => {
    assert.deepEqual(await ask('plain'), { offered: false, reason: 'the registry answered HTTP 404' });
    assert.deepEqual(await ask('gone'), { offered: false, reason: 'the registry answered HTTP 404: no such [31m artifact' });
  });

  it('fails clearly on refused access, server errors, another image\'s scan and bodies that are not UTF-8', async () => {
    await assert.rejects(ask('denied'), failsWith('AUTH', /stored scan/));
    await assert.rejects(ask('broken'), (error: unknown) => error instanceof PortcullisError && /500/.test(error.message));
    await assert.rejects(ask('other'), failsWith('INPUT', /digest: is "sha256:b+", not the digest asked for/));
    await assert.rejects(ask('nojson'), failsWith('INPUT', /not valid UTF-8/));
  });

  it('stops reading oversized and endless answers', async () => {
    await assert.rejects(ask('huge'), failsWith('LIMIT', /more than the limit of 16777216/));
    await assert.rejects(ask('endless', { timeoutMs: 20_000 }), failsWith('LIMIT', /more than the limit of 16777216 bytes/));
  });

  it('gives up on a server that never answers or stalls mid-answer, and stops when cancelled', async () => {
    const started = Date.now();
    await assert.rejects(ask('silent', { timeoutMs: 300 }), failsWith('NETWORK', /timed out|no response within 300 ms/));
    await assert.rejects(ask('stalls', { idleTimeoutMs: 300 }), failsWith('NETWORK', /no data for 300 ms/));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled by the caller')), 200);
    await assert.rejects(ask('silent', { timeoutMs: 60_000, signal: controller.signal }), /cancelled by the caller/);
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
  });
});
