/**
 * Where a server of Portcullis lives by default: its data directory and listen address, shared by
 * `serve` and the commands that work on a server's data offline (admin, gc, retention) or listen
 * themselves (admission).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { usageError } from '../args.ts';

export const DEFAULT_LISTEN = '127.0.0.1:5000';

/** The default data directory under the user's state directory (XDG base directory spec). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const state = env.XDG_STATE_HOME !== undefined && env.XDG_STATE_HOME.startsWith('/') ? env.XDG_STATE_HOME : join(homedir(), '.local', 'state');
  return join(state, 'portcullis');
}

/** `HOST:PORT` or `[IPv6]:PORT`. */
export function parseListen(value: string): { host: string; port: number } {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:\s]+)):(\d{1,5})$/.exec(value);
  const port = Number(match?.[3]);
  if (match === null || port > 65535) throw usageError(`--listen takes HOST:PORT, got ${JSON.stringify(value)}`);
  return { host: match[1] ?? match[2] ?? '', port };
}
