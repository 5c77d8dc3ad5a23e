/**
 * `npm run bench:registry`: `portcullis serve` against the reference registry (Debian's
 * `docker-registry`, CNCF distribution 2.8), started side by side on loopback, measured in one run.
 *
 *   transfer  cold skopeo push, then pull, of the benchmark images (bench/lib/bench-image.ts) to
 *             fresh storage (each pull --pulls times): wall time, throughput, the ratio of
 *             throughputs, server CPU and memory;
 *             then a GET of each image's largest layer with curl into /dev/null (the server's own
 *             sending speed, which skopeo's pull, bound by its disk writes, does not show)
 *   manifest  GET of the image manifest by tag with 200 connections, two ways, beside a bare
 *             node:http server sending the same bytes (the floor this machine and Node set):
 *             - saturation: wrk, a closed loop (each connection sends again as soon as it is
 *               answered): the most requests/s each server answers, and latency at that load
 *             - open loop: 1,000 and 3,000 requests/s evenly spaced over the 200 connections
 *               (bench/lib/open-loop.ts), as clients that do not wait for each other send them:
 *               latency p50/p90/p99 at a given load
 *
 * Goals: at least the reference's throughput; p99 manifest GET under 5 ms at 200 connections (a
 * closed loop cannot show that: its mean latency is connections / throughput, see the note it prints).
 *
 *   npm run bench:registry
 *   npm run bench:registry -- --image realistic --runs 3 --duration 5 --rates 1000,5000
 *   npm run bench:registry -- --cpu-prof /tmp/profiles    # V8 profile of the server, summarized
 */
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchImage } from './lib/bench-image.ts';
import { startBoth, type BenchRegistry } from './lib/bench-registries.ts';
import { summarizeProfile } from './lib/cpu-profile.ts';
import { startFloorServer } from './lib/floor-server.ts';
import { layoutImage, warmPageCache, type LayoutImage } from './lib/oci-layout.ts';
import { blobGet, idleCpuShare, manifestLoad, manifestRatedLoad, pull, push, type BlobGetResult, type LoadResult, type RatedLoadResult, type StepResult } from './lib/registry-steps.ts';

const IMAGES = ['realistic', 'large'] as const;
type ImageName = (typeof IMAGES)[number];
const P99_GOAL_MS = 5;
const REPOSITORY = 'bench/app';
/** Seconds over which the idle CPU of each server is measured. */
const IDLE_SECONDS = 5;

const { values } = parseArgs({
  options: {
    image: { type: 'string', multiple: true },
    runs: { type: 'string', default: '1' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '200' },
    threads: { type: 'string', default: '2' },
    rates: { type: 'string', default: '1000,3000' },
    pulls: { type: 'string', default: '3' },
    'cpu-prof': { type: 'string' },
  },
});
const positive = (name: string, text: string) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, not ${text}`);
  return n;
};
const images = (values.image ?? [...IMAGES]).map((name) => {
  if (!(IMAGES as readonly string[]).includes(name)) throw new Error(`--image ${name}: expected one of ${IMAGES.join(', ')}`);
  return name as ImageName;
});
const RUNS = positive('runs', values.runs);
const LOAD = { durationSeconds: positive('duration', values.duration), connections: positive('connections', values.connections), threads: positive('threads', values.threads) };
const PULLS = positive('pulls', values.pulls);
const RATES = values.rates.split(',').map((rate) => positive('rates', rate.trim()));
const profileDir = values['cpu-prof'] === undefined ? undefined : resolve(values['cpu-prof']);

/** Every measurement of one registry, run after run. */
interface Samples {
  push: Map<ImageName, StepResult[]>;
  pull: Map<ImageName, StepResult[]>;
  /** GET of the image's largest layer. */
  blob: Map<ImageName, BlobGetResult[]>;
  load: LoadResult[];
  /** Open-loop manifest loads by rate. */
  rated: Map<number, RatedLoadResult[]>;
  /** Share of a core spent while idle. */
  idle: number[];
}

const emptySamples = (): Samples => ({ push: new Map(), pull: new Map(), blob: new Map(), load: [], rated: new Map(), idle: [] });
const median = (numbers: number[]) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};
const medianOf = <T>(items: T[], pick: (item: T) => number) => median(items.map(pick));
const mb = (bytes: number) => bytes / 1024 ** 2;
function row(cells: Array<string | number>, first = 20): string {
  return cells.map((cell, i) => String(cell).padEnd(i === 0 ? 6 : i === 1 ? first : 15)).join('').trimEnd();
}

function printTransfer(name: ImageName, facts: LayoutImage, samples: Map<string, Samples>): void {
  console.log(`\nCold skopeo copy, image "${name}": ${facts.layers} layers, ${mb(facts.bytes).toFixed(1)} MB (medians: pushes of ${RUNS} run${RUNS > 1 ? 's' : ''}, pulls ${PULLS} per run)`);
  console.log(row(['step', 'registry', 'seconds', 'MB/s', 'server CPU s', 'then CPU s', 'server RSS MB', 'skopeo RSS MB']));
  for (const step of ['push', 'pull'] as const) {
    const throughput = new Map<string, number>();
    for (const [registry, sample] of samples) {
      const results = sample[step].get(name) ?? [];
      if (results.length === 0) continue; // the floor server only takes the manifest load
      const seconds = medianOf(results, (r) => r.seconds);
      throughput.set(registry, mb(facts.bytes) / seconds);
      const cells = [seconds.toFixed(2), (mb(facts.bytes) / seconds).toFixed(1), medianOf(results, (r) => r.serverCpuSeconds).toFixed(2), medianOf(results, (r) => r.backgroundCpuSeconds).toFixed(2), medianOf(results, (r) => r.serverPeakRssMb).toFixed(0), medianOf(results, (r) => r.clientPeakRssMb).toFixed(0)];
      console.log(row([step, registry, ...cells]));
    }
    const ratio = (throughput.get('portcullis') ?? NaN) / (throughput.get('distribution 2.8') ?? NaN);
    const background = medianOf(samples.get('portcullis')?.[step].get(name) ?? [], (r) => r.backgroundSeconds);
    if (background >= 1) console.log(`      portcullis kept working ${background.toFixed(1)} s after the ${step} (scan on push); the next step waited for it`);
    console.log(`      ${step} throughput portcullis / distribution 2.8: ${ratio.toFixed(2)}x  (goal >= 1.00: ${ratio >= 1 ? 'met' : 'MISSED'})`);
  }
}

function printBlobGet(name: ImageName, facts: LayoutImage, samples: Map<string, Samples>): void {
  const layerMb = mb(facts.largestLayer.size);
  console.log(`\nGET of the largest layer of "${name}" (${layerMb.toFixed(1)} MB) with curl into /dev/null (median of ${RUNS})`);
  console.log(row(['', 'registry', 'seconds', 'MB/s', 'server CPU s']));
  const throughput = new Map<string, number>();
  for (const [registry, sample] of samples) {
    const results = sample.blob.get(name) ?? [];
    if (results.length === 0) continue;
    const seconds = medianOf(results, (r) => r.seconds);
    throughput.set(registry, layerMb / seconds);
    console.log(row(['', registry, seconds.toFixed(3), (layerMb / seconds).toFixed(0), medianOf(results, (r) => r.serverCpuSeconds).toFixed(2)]));
  }
  const ratio = (throughput.get('portcullis') ?? NaN) / (throughput.get('distribution 2.8') ?? NaN);
  console.log(`      blob GET throughput portcullis / distribution 2.8: ${ratio.toFixed(2)}x`);
}

function printLoad(samples: Map<string, Samples>): void {
  console.log(`\nManifest GET by tag: wrk, ${LOAD.connections} connections, ${LOAD.threads} threads, ${LOAD.durationSeconds} s per registry (median of ${RUNS})`);
  // errors: non-2xx answers + timeouts (t, over 5 s) + other socket errors (s), summed over the runs
  console.log(row(['', 'registry', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'errors', 'server CPU s']));
  const rates = new Map<string, number>();
  let goal = '';
  for (const [registry, { load }] of samples) {
    const total = (pick: (wrk: LoadResult['wrk']) => number) => load.reduce((sum, { wrk }) => sum + pick(wrk), 0);
    const errors = total((wrk) => wrk.non2xx + wrk.socketErrors.connect + wrk.socketErrors.read + wrk.socketErrors.write + wrk.socketErrors.timeout);
    const errorText = errors === 0 ? '0' : `${total((wrk) => wrk.non2xx)}+${total((wrk) => wrk.socketErrors.timeout)}t+${errors - total((wrk) => wrk.non2xx + wrk.socketErrors.timeout)}s`;
    const p99 = medianOf(load, (l) => l.wrk.latencyMs.p99);
    rates.set(registry, medianOf(load, (l) => l.wrk.requestsPerSecond));
    const latency = (pick: (l: LoadResult) => number) => medianOf(load, pick).toFixed(2);
    console.log(
      row(['', registry, (rates.get(registry) ?? 0).toFixed(0), latency((l) => l.wrk.latencyMs.p50), latency((l) => l.wrk.latencyMs.p90), p99.toFixed(2), latency((l) => l.wrk.latencyMs.max), errorText, latency((l) => l.serverCpuSeconds)]),
    );
    if (registry === 'portcullis') goal = `      portcullis p99 goal < ${P99_GOAL_MS} ms without errors: ${p99 < P99_GOAL_MS && errors === 0 ? 'met' : 'MISSED'}`;
  }
  console.log(goal);
  const idle = [...samples].filter(([, sample]) => sample.idle.length > 0).map(([registry, sample]) => `${registry} ${(median(sample.idle) * 100).toFixed(1)}%`).join(', ');
  console.log(`      idle server CPU (share of one core over ${IDLE_SECONDS} s, before the load): ${idle}`);
  console.log(`      requests/s portcullis / distribution 2.8: ${((rates.get('portcullis') ?? NaN) / (rates.get('distribution 2.8') ?? NaN)).toFixed(2)}x`);
  // Little's law for a closed loop: every connection waits for its answer before the next request,
  // so mean latency = connections / throughput, whatever the server does with its time.
  const needed = LOAD.connections / (P99_GOAL_MS / 1000);
  console.log(`      note: with ${LOAD.connections} connections each waiting for its answer, mean latency = connections / (req/s);`);
  console.log(`      a p99 under ${P99_GOAL_MS} ms needs more than ${needed.toFixed(0)} req/s here (mean latency portcullis ${(LOAD.connections / (rates.get('portcullis') ?? NaN) * 1000).toFixed(1)} ms)`);
}

function printRatedLoad(samples: Map<string, Samples>): void {
  console.log(`\nManifest GET by tag, open loop: requests evenly spaced over ${LOAD.connections} connections, ${LOAD.durationSeconds} s per registry and rate after a warm-up (median of ${RUNS})`);
  console.log(row(['rate', 'registry', 'achieved/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'errors', 'CPU µs/request']));
  const verdicts: string[] = [];
  for (const rate of RATES) {
    const p99s = new Map<string, number>();
    for (const [registry, sample] of samples) {
      const runs = sample.rated.get(rate) ?? [];
      if (runs.length === 0) continue;
      const latency = (pick: (result: RatedLoadResult) => number) => medianOf(runs, pick).toFixed(2);
      const errors = runs.reduce((sum, { load }) => sum + load.errors + (load.sent - load.completed), 0);
      p99s.set(registry, medianOf(runs, (result) => result.load.p99Ms));
      console.log(
        row([
          String(rate),
          registry,
          medianOf(runs, (result) => result.load.achievedPerSecond).toFixed(0),
          latency((result) => result.load.p50Ms),
          latency((result) => result.load.p90Ms),
          latency((result) => result.load.p99Ms),
          latency((result) => result.load.maxMs),
          String(errors),
          medianOf(runs, (result) => result.serverCpuUsPerRequest).toFixed(0),
        ]),
      );
      if (registry === 'portcullis') verdicts.push(`${rate} req/s: p99 ${(p99s.get(registry) ?? NaN).toFixed(2)} ms, ${(p99s.get(registry) ?? NaN) < P99_GOAL_MS && errors === 0 ? 'met' : 'MISSED'}`);
    }
    console.log(`      p99 distribution 2.8 / portcullis at ${rate} req/s: ${((p99s.get('distribution 2.8') ?? NaN) / (p99s.get('portcullis') ?? NaN)).toFixed(1)}x`);
  }
  console.log(`      portcullis p99 goal < ${P99_GOAL_MS} ms at ${LOAD.connections} connections without errors: ${verdicts.join('; ')}`);
}

async function printProfiles(dir: string): Promise<void> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.cpuprofile')).sort();
  for (const file of files) {
    const summary = await summarizeProfile(join(dir, file), `${resolve(import.meta.dirname, '..')}/`);
    const busy = summary.totalMs - summary.idleMs;
    console.log(`\nportcullis serve CPU profile ${join(dir, file)}: ${(busy / 1000).toFixed(2)} s busy of ${(summary.totalMs / 1000).toFixed(2)} s; top self time`);
    for (const hot of summary.hot) console.log(`  ${hot.selfMs.toFixed(0).padStart(7)} ms ${(hot.share * 100).toFixed(1).padStart(5)}%  ${hot.where}`);
  }
}

/** One run: both registries fresh, every image pushed then pulled, then the manifest load. */
async function oneRun(runIndex: number, work: string, layouts: Map<ImageName, { dir: string; tag: string }>, facts: Map<ImageName, LayoutImage>, samples: Map<string, Samples>): Promise<void> {
  const registries = await startBoth(work, runIndex, profileDir);
  try {
    // Alternate who goes first, so neither registry always meets a warmer (or busier) machine.
    const order: BenchRegistry[] = runIndex % 2 === 0 ? registries : [...registries].reverse();
    const sampleOf = (registry: BenchRegistry) => {
      const sample = samples.get(registry.name);
      if (sample === undefined) throw new Error(`no samples for ${registry.name}`);
      return sample;
    };
    const add = <T>(list: Map<ImageName, T[]>, image: ImageName, result: T) => list.set(image, [...(list.get(image) ?? []), result]);
    for (const [name, layout] of layouts) {
      await warmPageCache(layout.dir, layout.tag);
      const digest = facts.get(name)!.digest;
      for (const registry of order) add(sampleOf(registry).push, name, await push(registry, layout, `${REPOSITORY}-${name}`));
      // A pull only reads: it is repeated, the registries taking turns, to outweigh the machine's noise.
      for (let repeat = 0; repeat < PULLS; repeat++) {
        for (const registry of order) add(sampleOf(registry).pull, name, await pull(registry, `${REPOSITORY}-${name}`, layout.tag, join(work, `pull-${runIndex}`), digest));
      }
      for (const registry of order) add(sampleOf(registry).blob, name, await blobGet(registry, `${REPOSITORY}-${name}`, facts.get(name)!.largestLayer));
    }
    const [first] = layouts;
    if (first === undefined) return;
    const [loadImage, loadLayout] = first;
    const manifest = [`${REPOSITORY}-${loadImage}`, loadLayout.tag, facts.get(loadImage)!.digest] as const;
    const loads = async (registry: BenchRegistry) => {
      const sample = sampleOf(registry);
      sample.load.push(await manifestLoad(registry, ...manifest, LOAD));
      for (const rate of RATES) {
        const result = await manifestRatedLoad(registry, ...manifest, { rate, seconds: LOAD.durationSeconds, connections: LOAD.connections });
        sample.rated.set(rate, [...(sample.rated.get(rate) ?? []), result]);
      }
    };
    for (const registry of order) sampleOf(registry).idle.push(await idleCpuShare(registry, IDLE_SECONDS));
    for (const registry of order) await loads(registry);
    const floor = await startFloorServer(loadLayout);
    try {
      await loads(floor);
    } finally {
      await floor.stop();
    }
  } finally {
    for (const registry of registries) await registry.stop();
  }
}

const work = await mkdtemp(join(tmpdir(), 'portcullis-bench-registry-'));
try {
  if (profileDir !== undefined) await mkdir(profileDir, { recursive: true });
  const layouts = new Map<ImageName, { dir: string; tag: string }>();
  const facts = new Map<ImageName, LayoutImage>();
  for (const name of images) {
    const { layout } = await benchImage({ large: name === 'large' });
    layouts.set(name, layout);
    facts.set(name, await layoutImage(layout.dir, layout.tag));
  }
  // Insertion order fixes the print order: the reference first.
  const samples = new Map<string, Samples>([
    ['distribution 2.8', emptySamples()],
    ['portcullis', emptySamples()],
    ['node:http floor', emptySamples()],
  ]);
  for (let runIndex = 0; runIndex < RUNS; runIndex++) await oneRun(runIndex, work, layouts, facts, samples);
  for (const [name, image] of facts) {
    printTransfer(name, image, samples);
    printBlobGet(name, image, samples);
  }
  printLoad(samples);
  printRatedLoad(samples);
  if (profileDir !== undefined) await printProfiles(profileDir);
} finally {
  await rm(work, { recursive: true, force: true });
}
