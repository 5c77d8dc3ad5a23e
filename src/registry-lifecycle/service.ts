/**
 * LifecycleService: what the API, the schedule and the CLI share. Rule changes (audited as
 * `policy.change`), retention runs and garbage collection, each task one run at a time.
 */
import { type AuditEvent, type AuthStore, appendAudit } from '../auth/index.ts';
import { type Logger, silentLogger } from '../core/index.ts';
import type { GcOptions, GcReport, RegistryService, TagGuard } from '../registry/index.ts';
import { parseProject } from '../registry-policy/index.ts';
import type { LabelReader } from './artifacts.ts';
import { type ImmutabilityRule, type RetentionRule, parseImmutabilityRules, parseRetentionRules } from './model.ts';
import { type RetentionReport, runRetention } from './runner.ts';
import { type Schedule, SerialTask, every } from './scheduler.ts';
import type { LifecycleStore } from './store.ts';

/** Who asks, as the audit log names them: a user or robot with their address, or "system". */
export interface LifecycleActor {
  name: string;
  ip: string;
}

export const SYSTEM_ACTOR: LifecycleActor = { name: 'system', ip: '' };

export interface RetentionRequest {
  /** Only this project; every project with retention rules when absent. */
  project?: string;
  dryRun: boolean;
  actor: LifecycleActor;
}

export interface LifecycleServiceOptions {
  registry: RegistryService;
  store: LifecycleStore;
  labels: LabelReader;
  /** The auth database, whose audit log records rule changes and deletions; absent without one. */
  auditStore?: AuthStore;
  logger?: Logger;
  now?: () => number;
}

/** The registry hook that makes tags immutable by the rules in `store` (read on every tag push). */
export function lifecycleTagGuard(store: LifecycleStore): TagGuard {
  return (repository, tag) => store.immutability().ruleFor(repository, tag);
}

export class LifecycleService {
  readonly gc = new SerialTask<GcReport>('garbage collection');
  readonly retention = new SerialTask<RetentionReport>('retention');
  readonly store: LifecycleStore;
  readonly #options: LifecycleServiceOptions;
  readonly #now: () => number;

  constructor(options: LifecycleServiceOptions) {
    this.#options = options;
    this.store = options.store;
    this.#now = options.now ?? Date.now;
  }

  /** Replaces a project's immutability rules from an untrusted body (`{"rules": [...]}`). */
  setImmutability(project: string, body: unknown, actor: LifecycleActor): ImmutabilityRule[] {
    const name = parseProject(project);
    const rules = this.store.setImmutabilityRules(name, parseImmutabilityRules(body), this.#now());
    this.#audit({ actor: actor.name, action: 'policy.change', target: name, ip: actor.ip, outcome: 'ok', detail: { immutability: JSON.stringify(rules) } });
    return rules;
  }

  /** Replaces a project's retention rules from an untrusted body (`{"rules": [...]}`). */
  setRetention(project: string, body: unknown, actor: LifecycleActor): RetentionRule[] {
    const name = parseProject(project);
    const rules = this.store.setRetentionRules(name, parseRetentionRules(body), this.#now());
    this.#audit({ actor: actor.name, action: 'policy.change', target: name, ip: actor.ip, outcome: 'ok', detail: { retention: JSON.stringify(rules) } });
    return rules;
  }

  /** Runs retention (one project, or every project with rules); undefined while a run is in progress. */
  runRetention(options: RetentionRequest): Promise<RetentionReport> | undefined {
    const project = options.project === undefined ? undefined : parseProject(options.project);
    return this.retention.tryRun(() => this.#retain({ ...options, ...(project !== undefined && { project }) }));
  }

  /** Collects garbage (src/registry/gc.ts); undefined while a collection is in progress. */
  collectGarbage(options: GcOptions): Promise<GcReport> | undefined {
    return this.gc.tryRun(() => this.#options.registry.collectGarbage(options));
  }

  /** Collects garbage every `intervalMs`, skipping a tick while a collection runs. */
  scheduleGarbageCollection(intervalMs: number, options: GcOptions): Schedule {
    const logger = this.#options.logger ?? silentLogger;
    return every(intervalMs, this.gc, async () => {
      const report = await this.#options.registry.collectGarbage(options);
      logger.info(`garbage collection: ${report.deleted.length} blobs deleted, ${report.bytesFreed} bytes freed`);
      return report;
    }, logger);
  }

  /** Applies every project's retention rules every `intervalMs`, as the "system" actor. */
  scheduleRetention(intervalMs: number): Schedule {
    const logger = this.#options.logger ?? silentLogger;
    return every(intervalMs, this.retention, async () => {
      const report = await this.#retain({ dryRun: false, actor: SYSTEM_ACTOR });
      logger.info(`retention: ${report.deleted} artifacts deleted, ${report.retained} retained, ${report.failures.length} failed`);
      return report;
    }, logger);
  }

  #retain(options: RetentionRequest): Promise<RetentionReport> {
    const { project } = options;
    return runRetention({
      registry: this.#options.registry,
      store: this.store,
      labels: this.#options.labels,
      ...(project !== undefined && { project }),
      dryRun: options.dryRun,
      now: this.#now(),
      actor: options.actor,
      audit: (event) => this.#audit(event),
      logger: this.#options.logger ?? silentLogger,
    });
  }

  /** Waits for runs in progress. */
  async idle(): Promise<void> {
    await Promise.all([this.gc.idle(), this.retention.idle()]);
  }

  #audit(event: AuditEvent): void {
    if (this.#options.auditStore !== undefined) appendAudit(this.#options.auditStore, event);
  }
}
