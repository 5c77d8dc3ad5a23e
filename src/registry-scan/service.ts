/**
 * RegistryScanner: scanning built into the registry. Listens to RegistryService events, queues a
 * durable scan job per pushed image manifest (for an index, per platform manifest), runs the scan
 * worker with bounded concurrency, rescans stored inventories when the advisory database changes,
 * and sends webhooks. Its query methods are what the management API and pull gates read.
 */
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { type Logger, PortcullisError, silentLogger } from '../core/index.ts';
import type { ReadLimits } from '../image/index.ts';
import { parseImageDocument } from '../oci/index.ts';
import type { ManifestDeleted, ManifestPushed, RegistryService } from '../registry/index.ts';
import { Advisories } from './advisories.ts';
import { openScanDatabase } from './database.ts';
import { type DbWatcher, watchAdvisoryDatabase } from './db-watch.ts';
import { atOrAbove } from './findings-diff.ts';
import { JobRunner, describeError } from './job-runner.ts';
import { type Job, type JobKind, type JobState, JobStore } from './job-store.ts';
import { type RescanReport, rescanStored } from './rescan.ts';
import { type ListScansOptions, ResultStore, type ScanListing, type ScanResult, type VulnerabilitySummary } from './results.ts';
import { type ScanJobPayload, isPermanentScanError, parseScanPayload, scanImage } from './scan-worker.ts';
import { webhookFinding, type RaisedEvent } from './webhook-events.ts';
import { type WebhookOptions, Webhooks } from './webhooks.ts';

export interface RegistryScannerOptions {
  registry: RegistryService;
  /** The registry's data directory; the scan database is `jobs.db` in it. */
  dataDir: string;
  /** Path of the advisory database; without one, inventories are stored and nothing is matched. */
  advisoryDb?: string;
  /** Scans at once (default 1; 0 leaves jobs queued). */
  scanWorkers?: number;
  webhooks?: WebhookOptions;
  /** How often the advisory database is checked for changes (default 5 s); 0 disables the watch. */
  watchIntervalMs?: number;
  /** Attempts per scan for errors that may pass (I/O, internal); bad images fail at once (default 3). */
  maxScanAttempts?: number;
  /** Delay before the first scan retry, doubling after (default 30 s). */
  scanRetryDelayMs?: number;
  toolVersion: string;
  limits?: Partial<ReadLimits>;
  logger?: Logger;
  now?: () => number;
}

export interface ScanFailed {
  repository: string;
  digest: string;
  error: string;
}

export interface RegistryScannerEvents {
  scanCompleted: [ScanResult];
  scanFailed: [ScanFailed];
  rescanCompleted: [RescanReport];
  error: [unknown];
}

export type ScanState = Pick<Job, 'state' | 'attempts' | 'lastError' | 'updatedAt'>;

/** buildx marks attestation manifests in an index this way; they hold in-toto documents, not layers. */
const REFERENCE_TYPE_ANNOTATION = 'vnd.docker.reference.type';
/** Finished webhook deliveries are kept this long for inspection, then dropped at the next start. */
const DELIVERY_RETENTION_MS = 7 * 24 * 3600 * 1000;

export class RegistryScanner {
  readonly events = new EventEmitter<RegistryScannerEvents>();
  readonly #options: RegistryScannerOptions;
  readonly #db: DatabaseSync;
  readonly #jobs: JobStore;
  readonly #results: ResultStore;
  readonly #advisories: Advisories;
  readonly #webhooks: Webhooks;
  readonly #scanRunner: JobRunner;
  readonly #webhookRunner: JobRunner;
  readonly #logger: Logger;
  readonly #now: () => number;
  #watcher: DbWatcher | undefined;
  #rescan: Promise<RescanReport> | undefined;
  #followUp: Promise<RescanReport> | undefined;
  readonly #onPushed = (event: ManifestPushed) => void this.#pushed(event).catch((error: unknown) => this.#report(error));
  readonly #onDeleted = (event: ManifestDeleted) => this.#deleted(event);

  constructor(options: RegistryScannerOptions) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    this.#now = options.now ?? Date.now;
    this.#db = openScanDatabase(join(options.dataDir, 'jobs.db'));
    this.#jobs = new JobStore(this.#db, this.#now);
    this.#results = new ResultStore(this.#db);
    this.#advisories = new Advisories(options.advisoryDb);
    this.#webhooks = new Webhooks(options.webhooks ?? { urls: [] }, this.#jobs, this.#now, () => this.#webhookRunner.kick());
    const retryBase = options.scanRetryDelayMs ?? 30_000;
    this.#scanRunner = new JobRunner(
      this.#jobs,
      {
        kind: 'scan',
        concurrency: options.scanWorkers ?? 1,
        handle: (job) => this.#scan(job),
        retryDelay: (attempt, error) => (isPermanentScanError(error) ? undefined : retryBase * 2 ** (attempt - 1)),
      },
      this.#logger,
      this.#now,
    );
    this.#webhookRunner = new JobRunner(this.#jobs, this.#webhooks.lane(), this.#logger, this.#now);
  }

  /** Subscribes to the registry, resumes queued jobs and deliveries, and watches the advisory database. */
  start(): void {
    this.#options.registry.events.on('manifestPushed', this.#onPushed);
    this.#options.registry.events.on('manifestDeleted', this.#onDeleted);
    // Scan jobs stay (they say which digests were scanned); old deliveries are only a log.
    this.#jobs.prune('webhook', this.#now() - DELIVERY_RETENTION_MS);
    this.#scanRunner.kick();
    this.#webhookRunner.kick();
    const interval = this.#options.watchIntervalMs ?? 5000;
    if (this.#options.advisoryDb !== undefined && interval > 0) {
      this.#watcher = watchAdvisoryDatabase(this.#options.advisoryDb, interval, () => {
        this.#logger.info('advisory database changed: rescanning stored images');
        this.rescanAll().catch((error: unknown) => this.#report(error));
      });
    }
  }

  /** Stops listening and waits for running jobs; queued ones stay in jobs.db for the next start. */
  async close(): Promise<void> {
    this.#options.registry.events.off('manifestPushed', this.#onPushed);
    this.#options.registry.events.off('manifestDeleted', this.#onDeleted);
    this.#watcher?.close();
    await Promise.allSettled([this.#scanRunner.stop(), this.#webhookRunner.stop(), this.#rescan]);
    this.#db.close();
  }

  scanResult(digest: string): ScanResult | undefined {
    return this.#results.get(digest);
  }

  /** The result of a digest without its inventory and findings. */
  scanListing(digest: string): ScanListing | undefined {
    return this.#results.listing(digest);
  }

  vulnerabilitySummary(digest: string): VulnerabilitySummary | undefined {
    return this.#results.summary(digest);
  }

  /** When each finding of a digest was first matched (ms since the epoch), keyed by findingKey(). */
  findingFirstSeen(digest: string): Map<string, number> {
    return this.#results.firstSeen(digest);
  }

  listScans(options?: ListScansOptions): ScanListing[] {
    return this.#results.list(options);
  }

  /** Where the scan job of a digest stands (queued, running, done, failed), if one was queued. */
  scanState(digest: string): ScanState | undefined {
    const job = this.#jobs.byKey(`scan:${digest}`);
    return job === undefined ? undefined : { state: job.state, attempts: job.attempts, updatedAt: job.updatedAt, ...(job.lastError !== undefined && { lastError: job.lastError }) };
  }

  /** Scan jobs or webhook deliveries, newest first, optionally in one state (failed ones, say). */
  listJobs(kind: JobKind, state?: JobState, limit?: number): Job[] {
    return this.#jobs.list(kind, state, limit);
  }

  /** Queues a scan of an image manifest (no-op when one is queued, running or done). */
  enqueueScan(repository: string, digest: string, options: { restartFinished?: boolean } = {}): boolean {
    const payload: ScanJobPayload = { repository, digest };
    const queued = this.#jobs.enqueue('scan', `scan:${digest}`, payload, { maxAttempts: this.#options.maxScanAttempts ?? 3, ...options });
    if (queued) this.#scanRunner.kick();
    return queued;
  }

  /**
   * Scans an image manifest again from its layers, even when it was scanned before (a scan already
   * queued or running is left as it is). Returns where the job stands afterwards.
   */
  rescan(repository: string, digest: string): ScanState {
    this.enqueueScan(repository, digest, { restartFinished: true });
    const state = this.scanState(digest);
    if (state === undefined) throw new PortcullisError('INTERNAL', `scan job of ${digest} vanished after it was queued`);
    return state;
  }

  /** Scan jobs per state: the queue the management API reports. */
  scanQueue(): Record<JobState, number> {
    return this.#jobs.countByState('scan');
  }

  /**
   * Re-matches every stored inventory and fires "findings.new" for images that gained findings at
   * or above the webhook threshold. Calls during a rescan share one follow-up run.
   */
  rescanAll(): Promise<RescanReport> {
    if (this.#rescan === undefined) return this.#startRescan();
    this.#followUp ??= this.#rescan
      .catch(() => undefined)
      .then(() => {
        this.#followUp = undefined;
        return this.#startRescan();
      });
    return this.#followUp;
  }

  #startRescan(): Promise<RescanReport> {
    const run = (async () => {
      const report = rescanStored(this.#results, this.#advisories, this.#now);
      this.#announce(report);
      this.events.emit('rescanCompleted', report);
      return report;
    })();
    this.#rescan = run.finally(() => {
      this.#rescan = undefined;
    });
    return this.#rescan;
  }

  /**
   * Delivers an event raised elsewhere in the server through the scanner's webhooks: a pull refused
   * by a pull gate, a running image that now violates the policy, a signed image whose rescan breaks
   * its auto-sign rule, a break-glass deploy.
   */
  notify(event: RaisedEvent): void {
    this.#webhooks.publish(event);
  }

  #announce(report: RescanReport): void {
    const minSeverity = this.#webhooks.minSeverity;
    for (const image of report.changed) {
      const severe = image.added.filter((finding) => atOrAbove(finding.severity, minSeverity));
      this.#logger.info(`rescan ${image.repository}@${image.digest}: ${image.added.length} new, ${image.fixed.length} fixed`);
      if (severe.length === 0) continue;
      this.#webhooks.publish({
        type: 'findings.new',
        data: { repository: image.repository, digest: image.digest, minSeverity, findings: severe.map(webhookFinding), fixedCount: image.fixed.length },
      });
    }
  }

  async #pushed(event: ManifestPushed): Promise<void> {
    this.#webhooks.publish({ type: 'push', data: event });
    // Referrers (signatures, SBOMs, including the ones this scanner attaches) are not images.
    if (event.subject !== undefined) return;
    const record = await this.#options.registry.manifests.get(event.repository, event.digest);
    let document;
    try {
      document = parseImageDocument(record.content, record.mediaType, { maxBytes: this.#options.registry.limits.maxManifestBytes });
    } catch {
      this.#logger.debug(`${event.repository}@${event.digest} is not a container image: not scanned`);
      return;
    }
    if (document.kind === 'manifest') {
      this.enqueueScan(event.repository, event.digest);
      return;
    }
    for (const entry of document.index.manifests) {
      if (entry.annotations?.[REFERENCE_TYPE_ANNOTATION] !== undefined) continue;
      const child = await this.#options.registry.manifests.get(event.repository, entry.digest);
      const childDocument = (() => {
        try {
          return parseImageDocument(child.content, child.mediaType, { maxBytes: this.#options.registry.limits.maxManifestBytes });
        } catch {
          return undefined;
        }
      })();
      if (childDocument?.kind === 'manifest') this.enqueueScan(event.repository, entry.digest);
    }
  }

  #deleted(event: ManifestDeleted): void {
    this.#webhooks.publish({ type: 'delete', data: event });
  }

  async #scan(job: Job): Promise<void> {
    const payload = parseScanPayload(job);
    try {
      const result = await scanImage(
        {
          registry: this.#options.registry,
          results: this.#results,
          advisories: this.#advisories,
          toolVersion: this.#options.toolVersion,
          logger: this.#logger,
          now: this.#now,
          ...(this.#options.limits !== undefined && { limits: this.#options.limits }),
        },
        payload,
      );
      this.#logger.info(`scanned ${payload.repository}@${payload.digest}: ${result.summary.total} findings`);
      this.events.emit('scanCompleted', result);
      this.#webhooks.publish({
        type: 'scan.completed',
        data: {
          repository: payload.repository,
          digest: payload.digest,
          summary: result.summary,
          matched: result.advisoryDatabase !== undefined,
          ...(result.advisoryDatabase?.updatedAt !== undefined && { advisoryDatabaseUpdatedAt: result.advisoryDatabase.updatedAt }),
          ...(result.sbomDigest !== undefined && { sbomDigest: result.sbomDigest }),
        },
      });
    } catch (error) {
      if (isPermanentScanError(error) || job.attempts >= job.maxAttempts) {
        const failed: ScanFailed = { ...payload, error: describeError(error) };
        this.events.emit('scanFailed', failed);
        this.#webhooks.publish({ type: 'scan.failed', data: failed });
      }
      throw error;
    }
  }

  #report(error: unknown): void {
    this.#logger.error(`registry scanner: ${describeError(error)}`);
    if (this.events.listenerCount('error') > 0) this.events.emit('error', error);
  }
}
