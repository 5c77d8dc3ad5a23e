/**
 * Runs queued jobs of one kind with bounded concurrency, event-driven: it wakes when told a job was
 * queued (`kick`), when a running job ends, and at the time the earliest backed-off job becomes
 * ready, with one timer. With nothing queued no timer is armed at all, so an idle registry spends
 * no CPU here. A handler that throws records the attempt; `retryDelay` decides whether and when to
 * try again.
 */
import { type Logger, isPortcullisError } from '../core/index.ts';
import type { Job, JobKind, JobStore } from './job-store.ts';

export interface JobLane {
  kind: JobKind;
  /** Jobs of this kind run at most this many at a time; 0 leaves them queued. */
  concurrency: number;
  handle(job: Job): Promise<void>;
  /** Milliseconds until the next attempt after `error` on attempt `attempt` (1-based); undefined: give up. */
  retryDelay(attempt: number, error: unknown): number | undefined;
}

/**
 * Longest wait for a backed-off job, armed only while one is queued. `runAfter` is wall-clock time
 * but timers run on the monotonic clock, so after the system clock steps forward a job would start
 * late by the size of the step; re-checking once a minute bounds that delay.
 */
export const MAX_WAIT_MS = 60_000;
/** First wait after the job table could not be read (a locked or failing disk); doubles up to MAX_WAIT_MS. */
export const STORE_RETRY_MS = 1000;

export function describeError(error: unknown): string {
  if (isPortcullisError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

export class JobRunner {
  readonly #store: JobStore;
  readonly #lane: JobLane;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #inFlight = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  /** Failed reads of the job table in a row: the retry backs off so a dead disk is not logged every second. */
  #storeFailures = 0;

  constructor(store: JobStore, lane: JobLane, logger: Logger, now: () => number) {
    this.#store = store;
    this.#lane = lane;
    this.#logger = logger;
    this.#now = now;
  }

  /**
   * Starts as many ready jobs as the lane allows, then sleeps until the next one is due. Never
   * throws: callers are event handlers (a push, a finished job) that must not fail because the
   * job table could not be read; that is logged and tried again shortly.
   */
  kick(): void {
    if (this.#stopped) return;
    try {
      while (this.#inFlight.size < this.#lane.concurrency) {
        const job = this.#store.claim(this.#lane.kind);
        if (job === undefined) break;
        const running = this.#run(job)
          .catch((error: unknown) => this.#logger.error(`${job.kind} job ${job.key}: cannot record its outcome: ${describeError(error)}`))
          .finally(() => {
            this.#inFlight.delete(running);
            this.kick();
          });
        this.#inFlight.add(running);
      }
      this.#schedule();
      this.#storeFailures = 0;
    } catch (error) {
      const wait = Math.min(STORE_RETRY_MS * 2 ** this.#storeFailures, MAX_WAIT_MS);
      this.#storeFailures++;
      this.#logger.error(`${this.#lane.kind} jobs: cannot read the job table: ${describeError(error)}; trying again in ${wait} ms`);
      this.#arm(wait);
    }
  }

  /** Stops claiming jobs and waits for the running ones (a job cut short is re-queued at the next start). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    await Promise.allSettled([...this.#inFlight]);
  }

  async #run(job: Job): Promise<void> {
    try {
      await this.#lane.handle(job);
      this.#store.complete(job.id);
    } catch (error) {
      const delay = this.#lane.retryDelay(job.attempts, error);
      const state = this.#store.fail(job.id, describeError(error), delay === undefined ? undefined : this.#now() + delay);
      const retry = state === 'queued' ? `; retrying in ${delay} ms` : '';
      this.#logger.warn(`${job.kind} job ${job.key} attempt ${job.attempts} failed: ${describeError(error)}${retry}`);
    }
  }

  /** The one timer: replaces any earlier one. */
  #arm(waitMs: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.kick();
    }, waitMs);
    // The timer alone does not keep the process alive: the server's listener does.
    this.#timer.unref();
  }

  /** Arms the timer for the earliest queued job; none while the lane is full (a finishing job kicks) or nothing is queued. */
  #schedule(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#stopped || this.#inFlight.size >= this.#lane.concurrency) return;
    const next = this.#store.nextRunAfter(this.#lane.kind);
    if (next === undefined) return;
    this.#arm(Math.min(Math.max(next - this.#now(), 0), MAX_WAIT_MS));
  }
}
