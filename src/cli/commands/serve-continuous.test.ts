/** The continuous-validation options of `portcullis serve`. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPortcullisError, silentLogger } from '../../core/index.ts';
import { RunningImageStore } from '../../continuous/index.ts';
import { RegistryScanner } from '../../registry-scan/index.ts';
import { openTestRegistry, type TestRegistry } from '../../registry/testing.ts';
import { openContinuous } from './serve-continuous.ts';

let registry: TestRegistry;
let scanner: RegistryScanner;
let work: string;

before(async () => {
  registry = await openTestRegistry();
  scanner = new RegistryScanner({ registry: registry.registry, dataDir: registry.dataDir, scanWorkers: 0, watchIntervalMs: 0, toolVersion: 'test' });
  work = await mkdtemp(join(tmpdir(), 'portcullis-serve-continuous-'));
});
after(async () => {
  await scanner.close();
  await registry.close();
  await rm(work, { recursive: true, force: true });
});

describe('serve continuous validation options', () => {
  it('refuses --kube-watch without --admission, and a kubeconfig that cannot be read', async () => {
    const usage = (pattern: RegExp) => (error: unknown) => isPortcullisError(error) && error.code === 'USAGE' && pattern.test(error.message);
    assert.throws(() => openContinuous({ 'kube-watch': join(work, 'kubeconfig') }, work, { scanner, logger: silentLogger }), usage(/--kube-watch needs --admission/));
    assert.throws(() => openContinuous({ 'kube-watch': join(work, 'missing'), admission: true }, work, { scanner, logger: silentLogger }), usage(/--kube-watch .*missing/));
    await writeFile(join(work, 'garbage'), '{{{ not: [yaml');
    assert.throws(() => openContinuous({ 'kube-watch': join(work, 'garbage'), admission: true }, work, { scanner, logger: silentLogger }), usage(/--kube-watch .*garbage/));
  });

  it('records admitted images on the inventory and hands them to the other recorder', async () => {
    const passed: string[] = [];
    const continuous = openContinuous({ admission: true }, work, { scanner, recordAdmission: (record) => void passed.push(record.name), logger: silentLogger });
    try {
      continuous.recordDeployment({ image: 'reg.test/team/app:1', namespace: 'shop', kind: 'Deployment', name: 'web', serviceAccount: 'default', breakGlass: false, admittedAt: new Date().toISOString() });
      assert.deepEqual(passed, ['web']);
    } finally {
      await continuous.close();
    }
    const store = RunningImageStore.open(work);
    try {
      assert.deepEqual(store.list().map((image) => [image.name, image.source]), [['web', 'admission']], 'the inventory survives a restart');
    } finally {
      store.close();
    }
  });
});
