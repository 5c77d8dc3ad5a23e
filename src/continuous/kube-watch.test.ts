/**
 * The pod watcher against a small fake Kubernetes API server (a real one cannot run here) that
 * serves GET /api/v1/pods as a list and as a watch stream: unknown running images are added,
 * deleted pods end their images, and a kubeconfig without a cluster is a usage error.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPortcullisError, silentLogger } from '../core/index.ts';
import { waitFor } from '../registry-scan/testing.ts';
import { PodWatcher } from './kube-watch.ts';
import { type RunningImage, runningImageId } from './model.ts';
import type { PodImage } from './pods.ts';

const DIGEST = `sha256:${'c'.repeat(64)}`;

function pod(name: string, image: string, resourceVersion: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop', uid: name, resourceVersion },
    spec: { containers: [{ name: 'app', image }] },
    status: { phase: 'Running' },
  };
}

/** The two things the informer asks of the API server: the list, then a watch from its resourceVersion. */
class FakeApiServer {
  readonly server: Server;
  pods: Record<string, unknown>[] = [];
  /** A broken API server: the pod list answers this body with status 500 when set. */
  broken: string | undefined;
  readonly watches: ServerResponse[] = [];
  readonly requests: string[] = [];

  constructor() {
    this.server = createServer((request: IncomingMessage, response: ServerResponse) => {
      this.requests.push(request.url ?? '');
      const url = new URL(request.url ?? '/', 'http://x');
      if (url.pathname !== '/api/v1/pods') {
        response.writeHead(404, { 'content-type': 'application/json' }).end('{"kind":"Status","code":404}');
        return;
      }
      if (this.broken !== undefined) {
        response.writeHead(500, { 'content-type': 'application/json' }).end(this.broken);
        return;
      }
      if (url.searchParams.get('watch') === 'true') {
        response.writeHead(200, { 'content-type': 'application/json' });
        // The API server answers a watch at once and streams events after; the client waits for headers.
        response.flushHeaders();
        this.watches.push(response);
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: '10' }, items: this.pods }));
    });
  }

  event(type: 'ADDED' | 'DELETED', object: Record<string, unknown>): void {
    for (const watch of this.watches) watch.write(`${JSON.stringify({ type, object })}\n`);
  }

  close(): Promise<void> {
    for (const watch of this.watches) watch.destroy();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** An inventory in memory with the watcher's three calls. */
class Inventory {
  readonly images = new Map<string, RunningImage>();
  running(): RunningImage[] {
    return [...this.images.values()].filter((image) => image.endedAt === undefined);
  }
  markEnded(id: string): void {
    const image = this.images.get(id);
    if (image !== undefined) this.images.set(id, { ...image, endedAt: new Date().toISOString() });
  }
  observe(image: PodImage & { admittedAt: string; breakGlass: boolean }): void {
    const id = runningImageId(image);
    this.images.set(id, { ...image, id, source: 'cluster' });
  }
}

let api: FakeApiServer;
let work: string;
let kubeconfig: string;

before(async () => {
  api = new FakeApiServer();
  await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
  const { port } = api.server.address() as { port: number };
  work = await mkdtemp(join(tmpdir(), 'portcullis-kube-watch-'));
  kubeconfig = join(work, 'kubeconfig');
  await writeFile(kubeconfig, `apiVersion: v1
kind: Config
clusters:
  - name: test
    cluster: { server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true }
users:
  - name: tester
    user: { token: test-token }
contexts:
  - name: test
    context: { cluster: test, user: tester }
current-context: test
`);
});
after(async () => {
  await api.close();
  await rm(work, { recursive: true, force: true });
});

describe('PodWatcher', () => {
  it('adds unknown running images from the list and ends images whose pods are deleted', async () => {
    const inventory = new Inventory();
    const admitted: RunningImage = { id: 'admitted', image: `reg.example/team/app@${DIGEST}`, digest: DIGEST, namespace: 'shop', kind: 'Deployment', name: 'web', serviceAccount: 'default', breakGlass: false, admittedAt: new Date().toISOString(), source: 'admission' };
    inventory.images.set(admitted.id, admitted);
    api.pods = [pod('web-1', `reg.example/team/app@${DIGEST}`, '5'), pod('debug', 'busybox:1', '6')];
    const watcher = new PodWatcher({ kubeconfig, inventory, cluster: 'test', logger: silentLogger, startGraceMs: 60_000 });
    try {
      await watcher.start();
      await waitFor('the first reconciliation', () => (inventory.running().some((image) => image.image === 'busybox:1') ? true : undefined), 10_000);
      const debug = inventory.running().find((image) => image.image === 'busybox:1');
      assert.deepEqual({ kind: debug?.kind, name: debug?.name, cluster: debug?.cluster, source: debug?.source }, { kind: 'Pod', name: 'debug', cluster: 'test', source: 'cluster' });
      assert.equal(inventory.images.get('admitted')?.endedAt, undefined);
      assert.ok(api.requests.some((url) => url.includes('watch=true')), `no watch request in ${api.requests.join(', ')}`);
      await waitFor('the watch', () => (api.watches.length > 0 ? true : undefined), 10_000);
      api.event('DELETED', pod('web-1', `reg.example/team/app@${DIGEST}`, '11'));
      await waitFor('the admitted image to end', () => inventory.images.get('admitted')?.endedAt, 10_000);
      assert.equal(inventory.running().some((image) => image.image === 'busybox:1'), true, 'the other pod still runs');
    } finally {
      await watcher.stop();
    }
  });

  it('survives an API server that answers errors and garbage: warns, retries, changes nothing', async () => {
    const inventory = new Inventory();
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (message: string) => void warnings.push(message) };
    for (const body of ['{"kind":"Status","code":500}', '\u0000not json at all\uffff', '{"items": "nope"']) {
      api.broken = body;
      const watcher = new PodWatcher({ kubeconfig, inventory, logger, retryMs: 50 });
      try {
        const before = warnings.length;
        await watcher.start();
        await waitFor('a warning', () => (warnings.length > before ? true : undefined), 10_000);
        assert.match(warnings.at(-1) ?? '', /kube-watch: (listing|watching) pods failed, retrying/);
        assert.equal(inventory.images.size, 0);
      } finally {
        await watcher.stop();
        api.broken = undefined;
      }
    }
  });

  it('refuses a kubeconfig that names no cluster', async () => {
    const empty = join(work, 'empty');
    await writeFile(empty, 'apiVersion: v1\nkind: Config\n');
    assert.throws(() => new PodWatcher({ kubeconfig: empty, inventory: new Inventory(), logger: silentLogger }), (error: unknown) => isPortcullisError(error) && error.code === 'USAGE' && /no current cluster/.test(error.message));
  });
});
