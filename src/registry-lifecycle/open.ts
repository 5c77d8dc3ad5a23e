/**
 * Opens an existing data directory for lifecycle work outside the server (`portcullis gc`,
 * `portcullis retention`): the registry with the immutable-tag guard, lifecycle.db, labels from
 * policy.db and the audit log in auth.db when those exist.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openSqliteAuthStore } from '../auth/index.ts';
import { type Logger, PortcullisError } from '../core/index.ts';
import { type RegistryService, openRegistry } from '../registry/index.ts';
import { openPolicyStore, policyDbPath } from '../registry-policy/index.ts';
import { LifecycleService, lifecycleTagGuard } from './service.ts';
import { openLifecycleStore } from './store.ts';

export interface OfflineLifecycle {
  registry: RegistryService;
  service: LifecycleService;
  /** The pid of a `portcullis serve` using the directory, if one runs. */
  runningServer: number | undefined;
  close(): Promise<void>;
}

export async function openOfflineLifecycle(dataDir: string, options: { logger: Logger; now?: () => number }): Promise<OfflineLifecycle> {
  if (!existsSync(join(dataDir, 'metadata.db'))) throw new PortcullisError('NOT_FOUND', `no registry in ${dataDir}: give the --data directory of portcullis serve`);
  const store = openLifecycleStore(dataDir);
  const registry = await openRegistry({ dataDir, tagGuard: lifecycleTagGuard(store), ...(options.now !== undefined && { now: options.now }) });
  const policy = existsSync(policyDbPath(dataDir)) ? openPolicyStore(dataDir) : undefined;
  const auth = existsSync(join(dataDir, 'auth.db')) ? openSqliteAuthStore(join(dataDir, 'auth.db')) : undefined;
  const service = new LifecycleService({
    registry,
    store,
    labels: (digest) => policy?.labels(digest) ?? {},
    ...(auth !== undefined && { auditStore: auth.store }),
    logger: options.logger,
    ...(options.now !== undefined && { now: options.now }),
  });
  return {
    registry,
    service,
    runningServer: store.runningServer(),
    close: async () => {
      await service.idle();
      await registry.close();
      store.close();
      policy?.close();
      auth?.close();
    },
  };
}
