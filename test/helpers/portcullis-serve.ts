/**
 * Test helper: a real `portcullis serve` child process on 127.0.0.1 with a given data directory,
 * started as users start it (bin/portcullis.js). `stop()` ends it with SIGTERM, `kill()` with
 * SIGKILL (a crash); both by PID. Call `stop()` in an `after` hook.
 *
 * Access control is on unless `insecureNoAuth` asks for a server without it (tests of non-auth
 * behaviour, benchmarks); the first admin's password comes from `adminPassword`.
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

export interface ServeOptions {
  insecureNoAuth?: boolean;
  /** PORTCULLIS_ADMIN_PASSWORD for the first start; without it the password is generated (see output()). */
  adminPassword?: string;
  /** More command-line options, e.g. ['--tls-cert', file, '--tls-key', file]. */
  args?: string[];
}

/** The first admin's password in a test server: long enough for any policy, never used elsewhere. */
export const TEST_ADMIN_PASSWORD = 'portcullis-test-admin-password';

export async function startServe(dataDir: string, options: ServeOptions = {}): Promise<ServeProcess> {
  const host = `127.0.0.1:${await freePort()}`;
  const args = [CLI, 'serve', '--listen', host, '--data', dataDir, ...(options.insecureNoAuth === true ? ['--insecure-no-auth'] : []), ...(options.args ?? [])];
  const env = { ...process.env, PORTCULLIS_ADMIN_PASSWORD: options.adminPassword ?? '' };
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
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
  const scheme = options.args?.includes('--tls-cert') === true ? 'https' : 'http';
  const serve: ServeProcess = { url: `${scheme}://${host}`, host, child, output: () => output, stop: () => signal('SIGTERM'), kill: () => signal('SIGKILL') };
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`portcullis serve exited with ${child.exitCode}: ${output}`);
    // The line serve prints once it listens: works for HTTP and HTTPS, with and without auth.
    if (output.includes('portcullis serve: listening on')) return serve;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await serve.kill();
  throw new Error(`portcullis serve did not answer within ${STARTUP_TIMEOUT_MS} ms: ${output}`);
}
