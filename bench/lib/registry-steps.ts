/**
 * The measured steps of the registry benchmark, each taken the same way for every registry: dirty
 * pages flushed first (`sync`, so one registry's writes are not paid by the next), the client's wall
 * time from GNU time, and the server's own CPU seconds and peak memory from /proc around the step.
 * Every step starts on an idle server and waits for it to be idle again after.
 */
import { rm } from 'node:fs/promises';
import type { BenchRegistry } from './bench-registries.ts';
import { taggedManifest } from './oci-layout.ts';
import { openLoop, type OpenLoopResult } from './open-loop.ts';
import { processUsage } from './process-usage.ts';
import { run, type Measured } from './run.ts';
import { skopeoCopy } from './skopeo.ts';
import { runWrk, type WrkOptions, type WrkResult } from './wrk.ts';

export interface StepResult {
  seconds: number;
  clientPeakRssMb: number;
  serverCpuSeconds: number;
  /** The server's peak resident memory since it started, read after the step. */
  serverPeakRssMb: number;
  /** CPU the server went on spending after the client was done (Portcullis scans what was pushed). */
  backgroundCpuSeconds: number;
  backgroundSeconds: number;
}

export interface LoadResult {
  wrk: WrkResult;
  serverCpuSeconds: number;
}

/** Every manifest type the benchmark image may be stored as, so no registry converts or refuses. */
const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

/**
 * The server counts as idle once it used under 10% of a core over the last second: an idle
 * `portcullis serve` still spends a few percent (its job queue polls), a scan spends a whole core.
 */
const IDLE_WINDOW_MS = 1000;
const IDLE_CPU_SECONDS = 0.1;
const SETTLE_LIMIT_MS = 600_000;

/**
 * Waits until the server is idle, so that no step pays for the background work of the one before
 * (a scan after a push), and returns how long that work went on and the CPU it took.
 */
export async function settle(registry: BenchRegistry): Promise<{ seconds: number; cpuSeconds: number }> {
  const start = Date.now();
  const first = processUsage(registry.pid).cpuSeconds;
  let previous = first;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, IDLE_WINDOW_MS));
    const now = processUsage(registry.pid).cpuSeconds;
    if (now - previous < IDLE_CPU_SECONDS) return { seconds: (Date.now() - start - IDLE_WINDOW_MS) / 1000, cpuSeconds: previous - first };
    if (Date.now() - start > SETTLE_LIMIT_MS) throw new Error(`${registry.name} stayed busy for ${SETTLE_LIMIT_MS / 1000} s`);
    previous = now;
  }
}

/** Share of one core the idle server spends, over `seconds` (after it settled). */
export async function idleCpuShare(registry: BenchRegistry, seconds: number): Promise<number> {
  await settle(registry);
  const before = processUsage(registry.pid).cpuSeconds;
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  return (processUsage(registry.pid).cpuSeconds - before) / seconds;
}

async function serverStep<T>(registry: BenchRegistry, step: () => Promise<T>): Promise<{ value: T; cpuSeconds: number }> {
  await run('sync', []);
  await settle(registry);
  const before = processUsage(registry.pid);
  const value = await step();
  const after = processUsage(registry.pid);
  return { value, cpuSeconds: after.cpuSeconds - before.cpuSeconds };
}

async function stepResult(registry: BenchRegistry, { value, cpuSeconds }: { value: Measured; cpuSeconds: number }): Promise<StepResult> {
  const background = await settle(registry);
  const { peakRssMb } = processUsage(registry.pid);
  return { seconds: value.seconds, clientPeakRssMb: value.peakRssMb, serverCpuSeconds: cpuSeconds, serverPeakRssMb: peakRssMb, backgroundCpuSeconds: background.cpuSeconds, backgroundSeconds: background.seconds };
}

/** Pushes the layout image `dir:tag` to `registry` as `repository:tag`. */
export async function push(registry: BenchRegistry, layout: { dir: string; tag: string }, repository: string): Promise<StepResult> {
  return stepResult(registry, await serverStep(registry, () => skopeoCopy(`oci:${layout.dir}:${layout.tag}`, `docker://${registry.host}/${repository}:${layout.tag}`)));
}

/**
 * Pulls `repository:tag` into a fresh OCI layout at `into` (removed afterwards) and checks that the
 * manifest that came back is the one pushed: a fast pull of the wrong image is no result.
 */
export async function pull(registry: BenchRegistry, repository: string, tag: string, into: string, expectedDigest: string): Promise<StepResult> {
  try {
    const result = await stepResult(registry, await serverStep(registry, () => skopeoCopy(`docker://${registry.host}/${repository}:${tag}`, `oci:${into}:${tag}`)));
    const pulled = await taggedManifest(into, tag);
    if (pulled.digest !== expectedDigest) throw new Error(`${registry.name}: pulled ${pulled.digest}, pushed ${expectedDigest}`);
    return result;
  } finally {
    await rm(into, { recursive: true, force: true });
  }
}

export interface BlobGetResult {
  seconds: number;
  serverCpuSeconds: number;
}

/**
 * `GET /v2/<repository>/blobs/<digest>` with curl into /dev/null: how fast the server itself sends a
 * layer, without a client that verifies and writes what it receives (skopeo's pull is bound by that).
 * The answer must be 200 with every byte of the layer.
 */
export async function blobGet(registry: BenchRegistry, repository: string, layer: { digest: string; size: number }): Promise<BlobGetResult> {
  const url = `http://${registry.host}/v2/${repository}/blobs/${layer.digest}`;
  const { value, cpuSeconds } = await serverStep(registry, () => run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code} %{size_download} %{time_total}', url]));
  const [status, bytes, seconds] = value.trim().split(' ').map(Number);
  if (status !== 200 || bytes !== layer.size || !(seconds !== undefined && seconds > 0)) {
    throw new Error(`${registry.name}: GET ${url} answered ${value.trim()}, expected 200 with ${layer.size} bytes`);
  }
  return { seconds, serverCpuSeconds: cpuSeconds };
}

/**
 * The URL of `GET /v2/<repository>/manifests/<tag>`, after checking that one such request answers
 * 200 with the expected digest (so a load on it measures real answers, not errors).
 */
async function probedManifestUrl(registry: BenchRegistry, repository: string, tag: string, expectedDigest: string): Promise<string> {
  const url = `http://${registry.host}/v2/${repository}/manifests/${tag}`;
  const probe = await fetch(url, { headers: { accept: MANIFEST_ACCEPT } });
  await probe.arrayBuffer();
  const digest = probe.headers.get('docker-content-digest');
  if (probe.status !== 200 || digest !== expectedDigest) throw new Error(`${registry.name}: GET ${url} answered ${probe.status} with digest ${digest}, expected 200 and ${expectedDigest}`);
  return url;
}

/** Loads the manifest GET with wrk: a closed loop, every connection sending as fast as it is answered. */
export async function manifestLoad(registry: BenchRegistry, repository: string, tag: string, expectedDigest: string, options: Omit<WrkOptions, 'headers'>): Promise<LoadResult> {
  const url = await probedManifestUrl(registry, repository, tag, expectedDigest);
  const { value, cpuSeconds } = await serverStep(registry, () => runWrk(url, { ...options, headers: { Accept: MANIFEST_ACCEPT } }));
  return { wrk: value, serverCpuSeconds: cpuSeconds };
}

export interface RatedLoadResult {
  load: OpenLoopResult;
  /** The server's CPU time per request answered, warm-up included, in microseconds. */
  serverCpuUsPerRequest: number;
}

const OPEN_LOOP_WARMUP_SECONDS = 2;

/** Loads the manifest GET open-loop: `rate` requests a second, evenly spaced over the connections. */
export async function manifestRatedLoad(
  registry: BenchRegistry,
  repository: string,
  tag: string,
  expectedDigest: string,
  options: { rate: number; seconds: number; connections: number },
): Promise<RatedLoadResult> {
  const url = await probedManifestUrl(registry, repository, tag, expectedDigest);
  const { value, cpuSeconds } = await serverStep(registry, () =>
    openLoop({ url, method: 'GET', headers: { accept: MANIFEST_ACCEPT }, ratePerSecond: options.rate, seconds: options.seconds, warmupSeconds: OPEN_LOOP_WARMUP_SECONDS, connections: options.connections }),
  );
  return { load: value, serverCpuUsPerRequest: (cpuSeconds / (value.sent + options.rate * OPEN_LOOP_WARMUP_SECONDS)) * 1e6 };
}
