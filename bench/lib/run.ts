/**
 * Runs a command and measures it: wall time and peak resident memory (through GNU time, which sees
 * the whole process tree's largest child), so our figure and the peer's are taken the same way.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface Measured {
  seconds: number;
  peakRssMb: number;
  stdout: string;
  stderr: string;
}

export async function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const { stdout, stderr, code } = await spawnCollect(command, args, options);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`);
  return stdout;
}

/** Runs a command to its end and returns its output and exit code, whatever the code. */
export function spawnCollect(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv }) {
  return new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), code }));
  });
}

/** Runs `command` under /usr/bin/time and returns its wall time and peak RSS. */
export async function measure(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Measured> {
  if (!existsSync('/usr/bin/time')) throw new Error('GNU time is needed for the benchmark: apt-get install time');
  const { stdout, stderr, code } = await spawnCollect('/usr/bin/time', ['-f', '\nBENCH %e %M', command, ...args], options);
  const match = /\nBENCH ([\d.]+) (\d+)\s*$/.exec(stderr);
  if (code !== 0 || !match) throw new Error(`${command} ${args.join(' ')} failed (${code}): ${stderr.slice(-2000)}`);
  return { seconds: Number(match[1]), peakRssMb: Number(match[2]) / 1024, stdout, stderr: stderr.slice(0, match.index) };
}

/** Seconds for `fn`, measured in this process. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, value };
}
