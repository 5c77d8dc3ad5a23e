/**
 * Test helper: a real `portcullis serve` child process on 127.0.0.1 with a given data directory,
 * started as users start it (bin/portcullis.js). `stop()` ends it with SIGTERM, `kill()` with
 * SIGKILL (a crash); both by PID. Call `stop()` in an `after` hook.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from './registry.ts';

const CLI = new URL('../../bin/portcullis.js', import.meta.url).pathname;
const STARTUP_TIMEOUT_MS = 15_000;

export interface ServeProcess {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `127.0.0.1:<port>` */
  host: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startServe(dataDir: string, port?: number): Promise<ServeProcess> {
  const chosen = port ?? (await freePort());
  const host = `127.0.0.1:${chosen}`;
  const child = spawn(process.execPath, [CLI, 'serve', '--listen', host, '--data', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, name);
    await exited(child);
  };
  const serve: ServeProcess = { url: `http://${host}`, host, child, output: () => output, stop: () => signal('SIGTERM'), kill: () => signal('SIGKILL') };
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`portcullis serve exited with ${child.exitCode}: ${output}`);
    try {
      const response = await fetch(`${serve.url}/v2/`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return serve;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await serve.kill();
  throw new Error(`portcullis serve did not answer within ${STARTUP_TIMEOUT_MS} ms: ${output}`);
}
