/**
 * Pull gates end to end: the real HTTP server (build + listen on 127.0.0.1) with access control,
 * the registry scanner matching against an advisory database built from the shared advisory data,
 * and Debian's skopeo pulling. The clock of the scanner and the gate is injected, so grace periods
 * and expiries are crossed without waiting.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { buildImage } from '../../test/helpers/image-builder.ts';
import { freePort, requireTool } from '../../test/helpers/registry.ts';
import { AuthService, createRobot, createUser, openSqliteAuthStore, putProject } from '../auth/index.ts';
import { openRegistry, type RegistryService } from '../registry/index.ts';
import { RegistryScanner } from '../registry-scan/index.ts';
import { GHSA, importGhsa, npmImage, pushBuilt, waitFor } from '../registry-scan/testing.ts';
import { build } from '../server/index.ts';
import { type PullBlocked, PullGate, type ScanReader, openPolicyStore } from './index.ts';

const DAY = 86_400_000;
const ROOT = { name: 'system', ip: '' };
const PASSWORD = 'pull-gate-test-password';
const HIGH_CVE = 'CVE-2024-37890';

describe('pull gates on a running registry', () => {
  let work: string;
  let registry: RegistryService;
  let scanner: RegistryScanner;
  let app: FastifyInstance;
  let host: string;
  let robot: string;
  let closeAuth: () => void;
  let authStore: ReturnType<typeof openSqliteAuthStore>['store'];
  let offset = 0;
  const clock = () => Date.now() + offset;
  const blocked: PullBlocked[] = [];
  const policy = () => openPolicyStore(join(work, 'data'));
  let store: ReturnType<typeof openPolicyStore>;
  // The gate reads whichever scanner runs now: the test starts one without workers, then one with.
  const scans: ScanReader = {
    scanResult: (digest) => scanner.scanResult(digest),
    scanState: (digest) => scanner.scanState(digest),
    findingFirstSeen: (digest) => scanner.findingFirstSeen(digest),
  };

  function newScanner(workers: number): RegistryScanner {
    const made = new RegistryScanner({ registry, dataDir: join(work, 'data'), advisoryDb: join(work, 'advisories.db'), scanWorkers: workers, watchIntervalMs: 0, toolVersion: 'test', now: clock });
    made.start();
    return made;
  }

  /** Pulls with skopeo; resolves to skopeo's stderr on failure and '' on success. */
  async function pull(reference: string, creds = `alice:${PASSWORD}`): Promise<string> {
    const target = join(work, `pulled-${Math.random().toString(36).slice(2)}`);
    try {
      await promisify(execFile)('skopeo', ['copy', '--quiet', '--src-tls-verify=false', '--src-creds', creds, `docker://${host}/${reference}`, `oci:${target}:x`], {
        env: { ...process.env, REGISTRY_AUTH_FILE: join(work, 'no-auth.json') },
        timeout: 120_000,
      });
      return '';
    } catch (error) {
      return String((error as { stderr?: string }).stderr ?? error);
    } finally {
      await rm(target, { recursive: true, force: true });
    }
  }

  before(async () => {
    requireTool('skopeo', 'skopeo');
    work = await mkdtemp(join(tmpdir(), 'portcullis-pull-gate-'));
    await importGhsa(join(work, 'advisories.db'), [GHSA.ws]);
    registry = await openRegistry({ dataDir: join(work, 'data') });
    const port = await freePort();
    host = `127.0.0.1:${port}`;
    const opened = openSqliteAuthStore(join(work, 'data', 'auth.db'));
    closeAuth = opened.close;
    authStore = opened.store;
    await createUser(opened.store, ROOT, 'alice', PASSWORD, { admin: true });
    for (const name of ['team', 'fresh']) putProject(opened.store, ROOT, { name, public: false, ipAllowlist: [] });
    const made = createRobot(opened.store, ROOT, { name: 'scanner', scopes: [], scanner: true });
    robot = `${made.login}:${made.secret}`;
    const auth = await AuthService.open({ store: opened.store, serverSecret: 'pull-gate-test-secret-0123456789', service: host, realm: `http://${host}/token` });
    store = policy();
    const pullGate = new PullGate({ store, scans, now: clock, onBlocked: (event) => blocked.push(event) });
    scanner = newScanner(0);
    app = build({ registry, auth, pullGate });
    await app.listen({ host: '127.0.0.1', port });
  });

  after(async () => {
    await app?.close();
    await scanner?.close();
    store?.close();
    closeAuth?.();
    await registry?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('refuses an unscanned image while its scan is queued and lets it out once scanned', async () => {
    store.setGate({ project: 'fresh', blockUnscanned: true, graceDays: {} });
    await pushBuilt(registry, 'fresh/app', '1', buildImage(npmImage({ ws: '7.4.0' })));
    await pushBuilt(registry, 'team/app', '1', buildImage(npmImage({ ws: '7.4.0', lodash: '4.17.21' })));
    const refused = await pull('fresh/app:1');
    assert.match(refused, /denied/i);
    assert.match(refused, /refuses unscanned images/);
    assert.match(refused, /(queued for scanning|not scanned yet)/);
    await scanner.close();
    scanner = newScanner(1);
    await waitFor('both scans', () => (scanner.listScans().length === 2 ? true : undefined), 60_000);
    assert.equal(await pull('fresh/app:1'), '', 'a scanned image passes a gate that only refuses unscanned ones');
  });

  it('refuses an image with a HIGH finding, naming the CVE, and tells how to get an exception', async () => {
    store.setGate({ project: 'team', minSeverity: 'HIGH', blockUnscanned: false, graceDays: {} });
    const refused = await pull('team/app:1');
    assert.match(refused, /denied/i);
    assert.match(refused, new RegExp(`${HIGH_CVE} \\(HIGH, ws 7\\.4\\.0, first seen `));
    assert.match(refused, /portcullis admin exception add CVE-2024-37890 --repository team\/app/);
    const event = blocked.find((entry) => entry.repository === 'team/app');
    assert.deepEqual(event?.findings, [HIGH_CVE]);
    const audited = authStore.readAudit(0, 10_000).filter((record) => record.action === 'pull' && record.outcome === 'denied');
    assert.ok(audited.some((record) => record.actor === 'alice' && record.target === 'team/app:1' && record.detail.refused === 'pull gate'), JSON.stringify(audited));
    assert.equal(await pull('fresh/app:1'), '', 'another project without a severity rule is not affected');
  });

  it('lets the image out with an exception, and refuses it again once the exception expires', async () => {
    store.addException({ vulnerability: HIGH_CVE.toLowerCase(), scope: { kind: 'repository', repository: 'team/app' }, reason: 'no untrusted clients', owner: 'team-a', expiresAt: clock() + DAY }, clock());
    assert.equal(await pull('team/app:1'), '');
    offset += 2 * DAY;
    assert.match(await pull('team/app:1'), new RegExp(HIGH_CVE));
  });

  it('tolerates a new finding during the grace period and blocks it after', async () => {
    // The finding was first seen at the scan (offset 0); the clock is now 2 days later.
    store.setGate({ project: 'team', minSeverity: 'HIGH', blockUnscanned: false, graceDays: { HIGH: 7 } });
    assert.equal(await pull('team/app:1'), '', 'within 7 days of first seen');
    offset += 6 * DAY;
    const refused = await pull('team/app:1');
    assert.match(refused, new RegExp(HIGH_CVE));
    assert.match(refused, /blocking since /);
    // A rescan keeps when the finding was first seen: the grace period does not start over.
    const [digest] = scanner.listScans({ repository: 'team/app' }).map((scan) => scan.digest);
    const firstSeen = [...scanner.findingFirstSeen(digest ?? '').values()];
    assert.equal(firstSeen.length, 1, 'the ws finding has a first-seen time');
    await scanner.rescanAll();
    assert.deepEqual([...scanner.findingFirstSeen(digest ?? '').values()], firstSeen);
    assert.match(await pull('team/app:1'), new RegExp(HIGH_CVE));
  });

  it('lets robots with the scanner role pull anyway', async () => {
    assert.match(await pull('team/app:1'), /denied/i);
    assert.equal(await pull('team/app:1', robot), '');
  });

  it('answers a refused GET with an OCI error body and leaves HEAD alone', async () => {
    const token = await fetch(`http://${host}/token?service=${host}&scope=repository:team/app:pull`, { headers: { authorization: `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}` } });
    const { token: bearer } = (await token.json()) as { token: string };
    const headers = { authorization: `Bearer ${bearer}`, accept: 'application/vnd.oci.image.manifest.v1+json' };
    const head = await fetch(`http://${host}/v2/team/app/manifests/1`, { method: 'HEAD', headers });
    assert.equal(head.status, 200);
    const response = await fetch(`http://${host}/v2/team/app/manifests/1`, { headers });
    assert.equal(response.status, 403);
    const body = (await response.json()) as { errors: Array<{ code: string; message: string; detail: { digest: string; findings: Array<{ id: string; severity: string }> } }> };
    assert.equal(body.errors[0]?.code, 'DENIED');
    assert.equal(body.errors[0]?.detail.digest, head.headers.get('docker-content-digest'));
    assert.deepEqual(body.errors[0]?.detail.findings.map((finding) => [finding.id, finding.severity]), [[HIGH_CVE, 'HIGH']]);
  });
});
