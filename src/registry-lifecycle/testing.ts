/**
 * Test helper: a registry with the lifecycle wired in as `portcullis serve` wires it (tag guard,
 * lifecycle API), on a temporary data directory with a clock tests move forward, listening on
 * 127.0.0.1 (port chosen by the OS) so real clients can push to it. Optionally with access control
 * (an AuthService) and an audit log.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AuthService, AuthStore } from '../auth/index.ts';
import { type RegistryService, openRegistry } from '../registry/index.ts';
import { allowAll, build } from '../server/index.ts';
import { lifecycleApi } from '../server/api/lifecycle.ts';
import { LifecycleService, lifecycleTagGuard } from './service.ts';
import { type LifecycleStore, openLifecycleStore } from './store.ts';

export interface LifecycleTestServer {
  app: FastifyInstance;
  registry: RegistryService;
  service: LifecycleService;
  store: LifecycleStore;
  /** `127.0.0.1:<port>` once listening (empty when not). */
  host: string;
  /** Labels the retention planner reads, by digest. */
  labels: Map<string, Record<string, string>>;
  advance(ms: number): void;
  close(): Promise<void>;
}

export async function startLifecycleServer(options: { listen?: boolean; auth?: AuthService; auditStore?: AuthStore } = {}): Promise<LifecycleTestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'portcullis-lifecycle-test-'));
  let offset = 0;
  const now = () => Date.now() + offset;
  const store = openLifecycleStore(dataDir);
  const registry = await openRegistry({ dataDir, now, tagGuard: lifecycleTagGuard(store) });
  const labels = new Map<string, Record<string, string>>();
  const auditStore = options.auditStore ?? options.auth?.store;
  const service = new LifecycleService({ registry, store, labels: (digest) => labels.get(digest) ?? {}, now, ...(auditStore !== undefined && { auditStore }) });
  const extensions = [lifecycleApi(service)];
  const app = options.auth !== undefined ? build({ registry, auth: options.auth, extensions }) : build({ registry, authorize: allowAll, extensions });
  let host = '';
  if (options.listen === true) {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no listening address');
    host = `127.0.0.1:${address.port}`;
  } else {
    await app.ready();
  }
  return {
    app,
    registry,
    service,
    store,
    host,
    labels,
    advance: (ms) => {
      offset += ms;
    },
    close: async () => {
      await app.close();
      await service.idle();
      await registry.close();
      store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
