/**
 * `portcullis status` as users run it (the CLI binary) against a real listener serving the
 * continuous-validation API: exit 1 with a violation, 0 without, JSON output, and clear errors for
 * a server that is not Portcullis.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunningImageStore, runningImageId } from '../../continuous/index.ts';
import { openTestRegistry, type TestRegistry } from '../../registry/testing.ts';
import { allowAll, build } from '../../server/index.ts';
import { continuousApi } from '../../server/api/continuous.ts';
import { runCli } from '../../../test/helpers/cli.ts';

let work: string;
let store: RunningImageStore;
let registry: TestRegistry;
let app: ReturnType<typeof build>;
let url: string;
let impostor: Server;
let impostorUrl: string;
const hotfix = runningImageId({ namespace: 'shop', kind: 'Deployment', name: 'hotfix', image: 'reg.test/team/app:2' });

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'portcullis-status-'));
  store = RunningImageStore.open(work);
  registry = await openTestRegistry();
  const now = new Date().toISOString();
  for (const [name, image] of [['web', 'reg.test/team/app:1'], ['hotfix', 'reg.test/team/app:2']] as const) {
    const parts = { namespace: 'shop', kind: 'Deployment', name, image };
    store.upsert({ id: runningImageId(parts), ...parts, serviceAccount: 'default', breakGlass: false, admittedAt: now, source: 'admission' });
  }
  store.setDecision(runningImageId({ namespace: 'shop', kind: 'Deployment', name: 'web', image: 'reg.test/team/app:1' }), { allowed: true, denials: [], warnings: [], evaluatedAt: now });
  store.setDecision(hotfix, { allowed: false, denials: ['image reg.test/team/app:2 violates maxScore: score 9.8 is over 7'], warnings: [], evaluatedAt: now });
  app = build({ registry: registry.registry, authorize: allowAll, extensions: [continuousApi({ store })] });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
  impostor = createServer((request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"deployments": "all fine"}'));
  await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
  impostorUrl = `http://127.0.0.1:${(impostor.address() as { port: number }).port}`;
});
after(async () => {
  await app.close();
  await new Promise((resolve) => impostor.close(resolve));
  store.close();
  await registry.close();
  await rm(work, { recursive: true, force: true });
});

describe('portcullis status', () => {
  it('prints the table and exits 1 while a running image violates the policy', async () => {
    const result = await runCli(['status', '--server', url]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /Running images: 2 {3}compliant: 1 {3}violating: 1/);
    assert.match(result.stdout, /violating +Deployment shop\/hotfix +reg\.test\/team\/app:2\n +- image reg\.test\/team\/app:2 violates maxScore: score 9\.8 is over 7/);
  });

  it('writes JSON (only violations with --violations) and exits 0 once nothing violates', async () => {
    const output = join(work, 'status.json');
    const result = await runCli(['status', '--server', url, '--format', 'json', '--violations', '--output', output]);
    assert.equal(result.code, 1, result.stderr);
    const report = JSON.parse(await readFile(output, 'utf8')) as { summary: { violating: number }; deployments: Array<{ name: string; reasons: string[] }> };
    assert.equal(report.summary.violating, 1);
    assert.deepEqual(report.deployments.map((image) => image.name), ['hotfix']);
    store.setDecision(hotfix, { allowed: true, denials: [], warnings: [], evaluatedAt: new Date().toISOString() });
    const clean = await runCli(['status', '--server', url]);
    assert.equal(clean.code, 0, clean.stderr);
    assert.match(clean.stdout, /violating: 0/);
  });

  it('fails clearly on usage errors and on servers that are not Portcullis', async () => {
    const missing = await runCli(['status']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--server URL/);
    const wrong = await runCli(['status', '--server', impostorUrl]);
    assert.equal(wrong.code, 2, wrong.stderr);
    assert.match(wrong.stderr, /summary is not a JSON object/);
    const notFound = await runCli(['status', '--server', `${impostorUrl.replace(/:\d+$/, ':1')}`]);
    assert.notEqual(notFound.code, 0);
    assert.match(notFound.stderr, /127\.0\.0\.1:1/);
  });
});
