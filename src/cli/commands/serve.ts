/**
 * `portcullis serve`: runs the registry (OCI distribution API) on HOST:PORT with its data under DIR,
 * until SIGINT or SIGTERM. Composition root of the server: opens the stores, builds the app, listens.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { openRegistry } from '../../registry/index.ts';
import { allowAll, build } from '../../server/index.ts';
import { loggerFor, parseCommandLine, usageError } from '../args.ts';

export const SERVE_HELP = `Usage: portcullis serve [options]

Runs an OCI registry (distribution spec v1.1) that CI pushes to and clusters pull from.

Options:
      --listen HOST:PORT  address to listen on (default 127.0.0.1:5000; [::1]:5000 for IPv6)
      --data DIR          data directory: blobs, uploads and metadata.db (default
                          $XDG_STATE_HOME/portcullis, else ~/.local/state/portcullis)
  -q, --quiet             log only errors
      --debug             log every request
  -h, --help              this help

Access control is not configured yet: anyone who can reach the address can push, pull and delete.
Keep the default loopback address unless the network is trusted.`;

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  quiet: { type: 'boolean', short: 'q' },
  debug: { type: 'boolean' },
  listen: { type: 'string' },
  data: { type: 'string' },
} as const;

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

export async function serveCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, OPTIONS);
  if (values.help) {
    process.stdout.write(`${SERVE_HELP}\n`);
    return 0;
  }
  if (positionals.length > 0) throw usageError(`serve takes no arguments, got ${positionals.join(' ')}`);
  const { host, port } = parseListen(values.listen ?? DEFAULT_LISTEN);
  const dataDir = values.data ?? defaultDataDir();
  const logger = loggerFor(values);

  const registry = await openRegistry({ dataDir });
  const app = build({ registry, authorize: allowAll, logger });
  logger.warn('access control is not configured: every client that can connect may push, pull and delete');
  const address = await app.listen({ host, port });
  process.stdout.write(`portcullis serve: listening on ${address} (data in ${dataDir})\n`);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await app.close();
  await registry.close();
  return 0;
}
