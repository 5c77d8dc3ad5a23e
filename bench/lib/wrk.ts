/**
 * HTTP load with Debian's `wrk` (C, epoll): it costs far less CPU per request than a load generator
 * in Node would, which matters on a two-core machine where the load tool and the server share the
 * cores. `parseWrk` reads the report `wrk --latency` prints (its only output format without a Lua
 * script); anything it cannot read is an error, never a silent zero.
 */
import { requireTool } from '../../test/helpers/registry.ts';
import { spawnCollect } from './run.ts';

export interface WrkResult {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  /** Latency percentiles in milliseconds, as wrk's "Latency Distribution" gives them. */
  latencyMs: { p50: number; p75: number; p90: number; p99: number; max: number };
  /** Answers outside 2xx/3xx: a benchmark of failures is no benchmark. */
  non2xx: number;
  socketErrors: { connect: number; read: number; write: number; timeout: number };
}

export interface WrkOptions {
  connections: number;
  threads: number;
  durationSeconds: number;
  headers?: Record<string, string>;
}

const TIME_UNITS_MS: Record<string, number> = { us: 1e-3, ms: 1, s: 1e3, m: 60e3, h: 3600e3 };

function wrkError(message: string, output: string): Error {
  return new Error(`wrk output: ${message}\n--- output ---\n${output.slice(0, 2000)}`);
}

function milliseconds(text: string, what: string, output: string): number {
  const match = /^(\d+(?:\.\d+)?)(us|ms|s|m|h)$/.exec(text);
  const unit = match === null ? undefined : TIME_UNITS_MS[match[2] ?? ''];
  if (match === null || unit === undefined) throw wrkError(`${what}: not a duration: ${JSON.stringify(text)}`, output);
  // wrk prints two decimals of its unit: rounding to 0.01 µs drops only floating-point noise.
  return Number((Number(match[1]) * unit).toFixed(5));
}

function required(output: string, pattern: RegExp, what: string): RegExpExecArray {
  const match = pattern.exec(output);
  if (match === null) throw wrkError(`no ${what}`, output);
  return match;
}

/** Reads the report of `wrk --latency`. Throws naming the missing piece when it is not one. */
export function parseWrk(output: string): WrkResult {
  const total = required(output, /^\s*(\d+) requests in (\S+), \S+ read\s*$/m, 'request total');
  const rate = required(output, /^Requests\/sec:\s+(\d+(?:\.\d+)?)\s*$/m, 'Requests/sec line');
  const latency = required(output, /^\s*Latency\s+(\S+)\s+(\S+)\s+(\S+)\s+\S+$/m, 'latency line');
  const percentile = (p: number) => milliseconds(required(output, new RegExp(`^\\s*${p}%\\s+(\\S+)\\s*$`, 'm'), `${p}% latency`)[1] ?? '', `${p}%`, output);
  const socket = /^\s*Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)$/m.exec(output);
  const non2xx = /^\s*Non-2xx or 3xx responses: (\d+)$/m.exec(output);
  const requests = Number(total[1]);
  const seconds = milliseconds(total[2] ?? '', 'duration', output) / 1000;
  if (!(seconds > 0)) throw wrkError('zero duration', output);
  return {
    requests,
    seconds,
    requestsPerSecond: Number(rate[1]),
    latencyMs: { p50: percentile(50), p75: percentile(75), p90: percentile(90), p99: percentile(99), max: milliseconds(latency[3] ?? '', 'max latency', output) },
    non2xx: Number(non2xx?.[1] ?? 0),
    socketErrors: { connect: Number(socket?.[1] ?? 0), read: Number(socket?.[2] ?? 0), write: Number(socket?.[3] ?? 0), timeout: Number(socket?.[4] ?? 0) },
  };
}

/** Runs wrk against `url` (loopback only: the benchmark never loads another host). */
export async function runWrk(url: string, options: WrkOptions): Promise<WrkResult> {
  requireTool('wrk', 'wrk');
  if (!/^http:\/\/(127\.0\.0\.1|\[::1\]|localhost)[:/]/.test(url)) throw new Error(`wrk: loopback URLs only, not ${url}`);
  const args = ['--latency', '-t', String(options.threads), '-c', String(options.connections), '-d', `${options.durationSeconds}s`, '--timeout', '5s'];
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}: ${value}`);
  args.push(url);
  const { stdout, stderr, code } = await spawnCollect('wrk', args, {});
  if (code !== 0) throw new Error(`wrk ${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`);
  return parseWrk(stdout);
}
