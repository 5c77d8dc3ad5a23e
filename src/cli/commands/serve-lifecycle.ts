/**
 * The lifecycle part of `portcullis serve`: the immutable-tag guard handed to the registry, the
 * lifecycle API, and the garbage-collection and retention schedules. Kept apart from serve.ts so
 * the command stays a short composition root.
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { AuthService } from '../../auth/index.ts';
import type { Logger } from '../../core/index.ts';
import { DEFAULT_GC_GRACE_MS, type RegistryService, type TagGuard } from '../../registry/index.ts';
import { LifecycleService, type Schedule, formatDuration, lifecycleTagGuard, openLifecycleStore, parseDuration } from '../../registry-lifecycle/index.ts';
import { type PolicyStore, openPolicyStore, policyDbPath } from '../../registry-policy/index.ts';
import { type ServerExtension } from '../../server/index.ts';
import { lifecycleApi } from '../../server/api/lifecycle.ts';
import { usageError } from '../args.ts';

export const LIFECYCLE_OPTIONS = {
  'gc-interval': { type: 'string' },
  'gc-grace': { type: 'string' },
  'retention-interval': { type: 'string' },
} as const;

export const LIFECYCLE_HELP = `Lifecycle (docs/lifecycle.md; rules through /api/v1/projects/PROJECT/immutability and /retention):
      --gc-interval DURATION
                          collect garbage every DURATION (1m to 24d, e.g. 24h); one run at a time
      --gc-grace DURATION keep blobs pushed less than DURATION before a collection (default 1h)
      --retention-interval DURATION
                          apply every project's retention rules every DURATION (1m to 24d)`;

export interface LifecycleValues {
  'gc-interval'?: string | undefined;
  'gc-grace'?: string | undefined;
  'retention-interval'?: string | undefined;
}

const MINUTE_MS = 60_000;
/** setInterval's longest delay (2^31 - 1 ms) rounded down to whole days. */
const MAX_INTERVAL_MS = 24 * 24 * 60 * MINUTE_MS;
const MAX_GRACE_MS = 7 * 24 * 60 * MINUTE_MS;

export interface LifecycleSetup {
  /** Immutable tags, for openRegistry. */
  tagGuard: TagGuard;
  /** Starts the schedules once the registry and access control are open; returns the API. */
  start(registry: RegistryService, access: { auth: AuthService } | object): ServerExtension;
  close(): Promise<void>;
}

function interval(values: LifecycleValues, option: 'gc-interval' | 'retention-interval'): number | undefined {
  const value = values[option];
  if (value === undefined) return undefined;
  try {
    return parseDuration(value, `--${option}`, { min: MINUTE_MS, max: MAX_INTERVAL_MS });
  } catch (error) {
    throw usageError((error as Error).message);
  }
}

/** Checks the options and opens lifecycle.db (before the registry, which needs the tag guard). */
export function openLifecycle(values: LifecycleValues, dataDir: string, logger: Logger): LifecycleSetup {
  const gcEvery = interval(values, 'gc-interval');
  const retentionEvery = interval(values, 'retention-interval');
  let graceMs = DEFAULT_GC_GRACE_MS;
  try {
    if (values['gc-grace'] !== undefined) graceMs = parseDuration(values['gc-grace'], '--gc-grace', { min: 0, max: MAX_GRACE_MS });
  } catch (error) {
    throw usageError((error as Error).message);
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const store = openLifecycleStore(dataDir);
  const schedules: Schedule[] = [];
  let policy: PolicyStore | undefined;
  let service: LifecycleService | undefined;
  return {
    tagGuard: lifecycleTagGuard(store),
    start(registry, access) {
      store.claimServer(process.pid, Date.now());
      policy = existsSync(policyDbPath(dataDir)) ? openPolicyStore(dataDir) : undefined;
      const labels = (digest: string) => policy?.labels(digest) ?? {};
      const auditStore = 'auth' in access ? (access.auth as AuthService).store : undefined;
      const lifecycle = new LifecycleService({ registry, store, labels, ...(auditStore !== undefined && { auditStore }), logger });
      service = lifecycle;
      if (gcEvery !== undefined) {
        logger.info(`garbage collection every ${formatDuration(gcEvery)} (grace ${formatDuration(graceMs)})`);
        schedules.push(lifecycle.scheduleGarbageCollection(gcEvery, { graceMs }));
      }
      if (retentionEvery !== undefined) {
        logger.info(`retention every ${formatDuration(retentionEvery)}`);
        schedules.push(lifecycle.scheduleRetention(retentionEvery));
      }
      return lifecycleApi(lifecycle);
    },
    async close() {
      await Promise.all(schedules.map((schedule) => schedule.stop()));
      await service?.idle();
      store.releaseServer(process.pid);
      store.close();
      policy?.close();
    },
  };
}
