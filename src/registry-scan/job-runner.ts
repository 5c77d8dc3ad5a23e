/**
 * Runs queued jobs of one kind with bounded concurrency. Wakes when told a job was queued (`kick`)
 * and when the earliest backed-off job becomes ready, so an idle registry does no polling work.
 * A handler that throws records the attempt; `retryDelay` decides whether and when to try again.
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

/** Longest sleep between checks: a clock change or a missed kick is noticed within this. */
const MAX_SLEEP_MS = 30_000;

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

  constructor(store: JobStore, lane: JobLane, logger: Logger, now: () => number) {
    this.#store = store;
    this.#lane = lane;
    this.#logger = logger;
    this.#now = now;
  }

  /** Starts as many ready jobs as the lane allows, then sleeps until the next one is due. */
  kick(): void {
    if (this.#stopped) return;
    while (this.#inFlight.size < this.#lane.concurrency) {
      const job = this.#store.claim(this.#lane.kind);
      if (job === undefined) break;
      const running = this.#run(job).finally(() => {
        this.#inFlight.delete(running);
        this.kick();
      });
      this.#inFlight.add(running);
    }
    this.#schedule();
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

  #schedule(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#stopped || this.#inFlight.size >= this.#lane.concurrency) return;
    const next = this.#store.nextRunAfter(this.#lane.kind);
    if (next === undefined) return;
    const wait = Math.min(Math.max(next - this.#now(), 0), MAX_SLEEP_MS);
    this.#timer = setTimeout(() => this.kick(), wait);
    this.#timer.unref();
  }
}
