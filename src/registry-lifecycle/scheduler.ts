/**
 * Runs maintenance work (garbage collection, retention) on demand and on a timer, never two runs
 * of the same task at once: a timer tick that finds a run in progress is skipped, and a request
 * made during a run is told so (the API answers 409) rather than queued behind it.
 */
import type { Logger } from '../core/index.ts';

export class SerialTask<T> {
  readonly name: string;
  #running: Promise<T> | undefined;

  constructor(name: string) {
    this.name = name;
  }

  /** Starts `work` unless a run is in progress; undefined when one is. */
  tryRun(work: () => Promise<T>): Promise<T> | undefined {
    if (this.#running !== undefined) return undefined;
    const run = work().finally(() => {
      this.#running = undefined;
    });
    this.#running = run;
    return run;
  }

  /** Resolves when no run is in progress (a failed run counts as finished). */
  async idle(): Promise<void> {
    await this.#running?.catch(() => undefined);
  }
}

export interface Schedule {
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/** Runs `work` through `task` every `intervalMs`; failures are logged, and the next tick tries again. */
export function every<T>(intervalMs: number, task: SerialTask<T>, work: () => Promise<T>, logger: Logger): Schedule {
  const timer = setInterval(() => {
    const run = task.tryRun(work);
    if (run === undefined) {
      logger.info(`${task.name}: a run is still in progress, skipping this one`);
      return;
    }
    run.catch((error: unknown) => logger.error(`${task.name} failed: ${(error as Error).message}`));
  }, intervalMs);
  // The server keeps the process alive; a schedule alone must not.
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await task.idle();
    },
  };
}
