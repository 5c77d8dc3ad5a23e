/**
 * An open-loop HTTP load: requests arrive at evenly spaced times (rate per second) whatever the
 * server does, over a pool of keep-alive connections, as a Kubernetes API server sends admission
 * reviews. Load tools that rate-limit per connection or per second (autocannon's overallRate,
 * hey's per-worker tickers) release their requests in bursts, so the figures they print measure
 * their bursts, not the server; a closed loop (wrk) measures only saturation.
 *
 * Latency runs from the moment a request is handed to the pool to the end of its answer: time spent
 * waiting for a free connection counts, so a slow server cannot hide behind fewer requests. The
 * dispatcher wakes on libuv's millisecond timer and sends every request that is due; `lateMs`
 * reports how far behind schedule it fell, so a generator that could not keep up is visible.
 */
import { Pool } from 'undici';
import { nearestRank } from './latency.ts';

export interface OpenLoopOptions {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** The body of request number `index` (POST only). */
  body?: (index: number) => string;
  ratePerSecond: number;
  seconds: number;
  connections: number;
  /** PEM certificate authority for https URLs. */
  ca?: string;
  /**
   * Seconds of load at the same rate before measuring, whose answers are not counted: connections
   * (and TLS sessions) are opened and the server's code is optimized before the first measured request.
   */
  warmupSeconds?: number;
}

export interface OpenLoopResult {
  sent: number;
  completed: number;
  /** Completed requests per second of the run, measured from the first send to the last answer. */
  achievedPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Answers that were not 2xx, and requests that failed outright. */
  errors: number;
  /** How late the dispatcher sent the latest request against its schedule (99th percentile). */
  lateP99Ms: number;
}

/** The times (ms from start) at which requests are due: `rate` per second for `seconds`. */
export function schedule(ratePerSecond: number, seconds: number): Float64Array {
  if (!(ratePerSecond > 0) || !(seconds > 0)) throw new Error('rate and seconds must be positive');
  const count = Math.round(ratePerSecond * seconds);
  const due = new Float64Array(count);
  for (let index = 0; index < count; index++) due[index] = (index * 1000) / ratePerSecond;
  return due;
}

/** p50/p90/p99/max of latencies in ms; NaN-free: throws when there are none. */
export function percentiles(latenciesMs: readonly number[]): { p50Ms: number; p90Ms: number; p99Ms: number; maxMs: number } {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return { p50Ms: nearestRank(sorted, 50), p90Ms: nearestRank(sorted, 90), p99Ms: nearestRank(sorted, 99), maxMs: nearestRank(sorted, 100) };
}

const nowMs = (): number => performance.now();

export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const target = new URL(options.url);
  const pool = new Pool(target.origin, { connections: options.connections, pipelining: 1, connect: options.ca === undefined ? {} : { ca: options.ca } });
  const warmup = options.warmupSeconds === undefined ? 0 : Math.round(options.ratePerSecond * options.warmupSeconds);
  const due = schedule(options.ratePerSecond, options.seconds + (options.warmupSeconds ?? 0));
  const latencies: number[] = [];
  const lateness: number[] = [];
  let errors = 0;
  let lastAnswer = 0;
  let measuredFrom = 0;
  const inFlight = new Set<Promise<void>>();

  const send = (index: number): void => {
    const started = nowMs();
    const request = pool
      .request({ path: target.pathname + target.search, method: options.method, headers: options.headers, body: options.body?.(index) })
      .then(async (answer) => {
        await answer.body.dump();
        return answer.statusCode >= 200 && answer.statusCode <= 299;
      })
      .catch(() => false)
      .then((succeeded) => {
        inFlight.delete(request);
        if (index < warmup) return;
        lastAnswer = nowMs();
        latencies.push(lastAnswer - started);
        if (!succeeded) errors++;
      });
    inFlight.add(request);
  };

  const start = nowMs();
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const elapsed = nowMs() - start;
      while (next < due.length && due[next]! <= elapsed) {
        if (next === warmup) measuredFrom = nowMs();
        if (next >= warmup) lateness.push(elapsed - due[next]!);
        send(next++);
      }
      if (next === due.length) resolve();
      else setTimeout(tick, Math.max(0, due[next]! - (nowMs() - start)));
    };
    tick();
  });
  await Promise.all(inFlight);
  await pool.close();
  const completed = latencies.length;
  return {
    sent: due.length - warmup,
    completed,
    achievedPerSecond: completed / ((lastAnswer - measuredFrom) / 1000),
    ...percentiles(latencies),
    errors,
    lateP99Ms: percentiles(lateness).p99Ms,
  };
}
