/**
 * The access-control part of `portcullis serve`: opens the auth database and the server secret in
 * the data directory, creates the first admin, works out the token realm and service name, and
 * reads the TLS certificate. Kept apart from serve.ts so the command stays a short composition root.
 */
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { AuthService, ensureInitialAdmin, loadOrCreateServerSecret, openSqliteAuthStore, type SqliteAuthStore } from '../../auth/index.ts';
import type { Logger } from '../../core/index.ts';
import { allowAll, type Authorize } from '../../server/index.ts';
import { usageError } from '../args.ts';

export const ACCESS_OPTIONS = {
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  realm: { type: 'string' },
  service: { type: 'string' },
  'insecure-no-auth': { type: 'boolean' },
} as const;

export const ACCESS_HELP = `Access control (docs/commands/serve.md, "Access control"; accounts: portcullis admin):
      --tls-cert FILE     serve HTTPS with this PEM certificate (chain) ...
      --tls-key FILE      ... and this PEM private key
      --service NAME      service name in challenges and the token audience (default: the
                          --listen address, e.g. 127.0.0.1:5000)
      --realm URL         token endpoint clients are sent to (default: http(s)://SERVICE/token)
      --insecure-no-auth  no access control at all: anyone who connects may push, pull and delete.
                          Only with a loopback --listen address (tests, benchmarks)

On first start an "admin" user is created with the password in $PORTCULLIS_ADMIN_PASSWORD, or a
generated one printed once on stderr. Its data (auth.db, server-secret) lives in --data.`;

/** The auth database and server secret, beside the registry's own files in the data directory. */
export function authDbPath(dataDir: string): string {
  return join(dataDir, 'auth.db');
}
export function serverSecretPath(dataDir: string): string {
  return join(dataDir, 'server-secret');
}

export interface AccessValues {
  'tls-cert'?: string | undefined;
  'tls-key'?: string | undefined;
  realm?: string | undefined;
  service?: string | undefined;
  'insecure-no-auth'?: boolean | undefined;
}

export interface AccessSetup {
  /** The access part of build()'s options. */
  access: { auth: AuthService } | { authorize: Authorize };
  tls: { key: Buffer; cert: Buffer } | undefined;
  close(): void;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

async function readTls(values: AccessValues): Promise<{ key: Buffer; cert: Buffer } | undefined> {
  const certFile = values['tls-cert'];
  const keyFile = values['tls-key'];
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined) throw usageError('--tls-cert and --tls-key go together');
  const read = (file: string, option: string) =>
    readFile(file).catch((error: unknown) => {
      throw usageError(`--${option} ${file}: ${(error as Error).message}`);
    });
  return { cert: await read(certFile, 'tls-cert'), key: await read(keyFile, 'tls-key') };
}

/** The service name and realm: given, or derived from the listen address as clients will dial it. */
export function tokenEndpoint(values: AccessValues, host: string, port: number, tls: boolean): { service: string; realm: string } {
  if (port === 0 && (values.service === undefined || values.realm === undefined)) {
    throw usageError('with --listen port 0 the address is not known in advance: give --service and --realm');
  }
  const hostPart = isIP(host) === 6 ? `[${host}]` : host;
  const service = values.service ?? `${hostPart}:${port}`;
  const realm = values.realm ?? `${tls ? 'https' : 'http'}://${service}/token`;
  let parsed: URL;
  try {
    parsed = new URL(realm);
  } catch {
    throw usageError(`--realm takes an absolute URL, got ${JSON.stringify(realm)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw usageError(`--realm must be an http or https URL, got ${JSON.stringify(realm)}`);
  if (service === '' || /[\s"\\]/.test(service)) throw usageError(`--service takes a name without spaces or quotes, got ${JSON.stringify(service)}`);
  return { service, realm };
}

/** Opens access control for `serve`; prints a generated first-admin password once on stderr. */
export async function openAccess(values: AccessValues, listen: { host: string; port: number }, dataDir: string, logger: Logger): Promise<AccessSetup> {
  const tls = await readTls(values);
  if (values['insecure-no-auth'] === true) {
    if (!LOOPBACK.has(listen.host)) throw usageError('--insecure-no-auth is only allowed with a loopback --listen address');
    logger.warn('--insecure-no-auth: every client that can connect may push, pull and delete');
    return { access: { authorize: allowAll }, tls, close: () => {} };
  }
  const { service, realm } = tokenEndpoint(values, listen.host, listen.port, tls !== undefined);
  if (values.realm === undefined && (listen.host === '0.0.0.0' || listen.host === '::')) {
    logger.warn(`the token realm ${realm} names an unspecified address: give --realm and --service as clients reach this server`);
  }
  const opened = openSqliteAuthStore(authDbPath(dataDir));
  try {
    const auth = await startAuth(opened.store, dataDir, service, realm);
    return { access: { auth }, tls, close: opened.close };
  } catch (error) {
    opened.close();
    throw error;
  }
}

async function startAuth(store: SqliteAuthStore, dataDir: string, service: string, realm: string): Promise<AuthService> {
  const first = await ensureInitialAdmin(store);
  if (first.created && first.passwordSource === 'generated') {
    // Shown this once only: it is stored as a scrypt hash and never logged.
    process.stderr.write(`portcullis serve: created user "${first.username}" with password ${first.generatedPassword}\n` + 'portcullis serve: store it now; it is not shown again (change it with portcullis admin user passwd)\n');
  } else if (first.created) {
    process.stderr.write(`portcullis serve: created user "${first.username}" with the password from $PORTCULLIS_ADMIN_PASSWORD\n`);
  }
  const serverSecret = await loadOrCreateServerSecret(serverSecretPath(dataDir));
  return AuthService.open({ store, serverSecret, service, realm });
}
