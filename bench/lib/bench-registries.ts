/**
 * The two registries the benchmark compares, started side by side on OS-assigned loopback ports,
 * each on fresh, empty storage: `portcullis serve` (a fresh --data directory) and Debian's
 * `docker-registry` (CNCF distribution 2.8, the reference). Each is known by the PID listening on
 * its port, so its CPU time and peak memory can be read from /proc.
 */
import { join } from 'node:path';
import { startServe } from '../../test/helpers/portcullis-serve.ts';
import { startRegistry } from '../../test/helpers/registry.ts';
import { listeningPid } from './process-usage.ts';

export interface BenchRegistry {
  name: string;
  /** `127.0.0.1:<port>` */
  host: string;
  pid: number;
  stop(): Promise<void>;
}

const portOf = (host: string) => Number(host.slice(host.lastIndexOf(':') + 1));

/**
 * `portcullis serve` with its data in `dataDir`. With `cpuProfileDir`, Node writes a V8 CPU profile
 * of the server there when it stops (--cpu-prof through NODE_OPTIONS, which the child inherits).
 */
export async function startPortcullis(dataDir: string, cpuProfileDir?: string): Promise<BenchRegistry> {
  const saved = process.env.NODE_OPTIONS;
  if (cpuProfileDir !== undefined) process.env.NODE_OPTIONS = `${saved ?? ''} --cpu-prof --cpu-prof-dir=${cpuProfileDir}`.trim();
  try {
    const serve = await startServe(dataDir, { insecureNoAuth: true }); // the reference registry runs without auth too
    return { name: 'portcullis', host: serve.host, pid: listeningPid(portOf(serve.host)), stop: serve.stop };
  } finally {
    if (saved === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved;
  }
}

export async function startReference(): Promise<BenchRegistry> {
  const registry = await startRegistry();
  return { name: 'distribution 2.8', host: registry.host, pid: listeningPid(portOf(registry.host)), stop: registry.stop };
}

/** Both registries, reference first; `work` holds the Portcullis data directory of this run. */
export async function startBoth(work: string, run: number, cpuProfileDir?: string): Promise<BenchRegistry[]> {
  const reference = await startReference();
  try {
    return [reference, await startPortcullis(join(work, `portcullis-data-${run}`), cpuProfileDir)];
  } catch (error) {
    await reference.stop();
    throw error;
  }
}
