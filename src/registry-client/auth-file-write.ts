/**
 * Saving registry credentials the way `docker login` and `cosign login` do: an `auths` entry
 * `{"auth": base64("user:password")}` under the registry's key in REGISTRY_AUTH_FILE, else
 * ${DOCKER_CONFIG:-~/.docker}/config.json. Every other entry and field of the file is kept; the file
 * is replaced atomically (temporary file + rename) and is only ever readable by its owner (0600).
 * A file that is not a JSON object is refused rather than overwritten.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { DOCKER_HUB_DOMAIN, PortcullisError, inputError } from '../core/index.ts';
import type { Credentials } from './auth-file.ts';

export interface WriteAuthFileOptions {
  /** Write here instead of the default location. */
  authFile?: string;
  env?: NodeJS.ProcessEnv;
}

const MAX_AUTH_FILE_BYTES = 1024 * 1024;
/** docker keeps Docker Hub credentials under its v1 index URL; readers expect that key. */
const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';

export function authFilePath(options: WriteAuthFileOptions = {}): string {
  if (options.authFile !== undefined) return options.authFile;
  const env = options.env ?? process.env;
  if (env.REGISTRY_AUTH_FILE) return env.REGISTRY_AUTH_FILE;
  return join(env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker'), 'config.json');
}

/** Stores credentials for `host`; returns the path written. */
export async function writeCredentials(host: string, credentials: Credentials, options: WriteAuthFileOptions = {}): Promise<string> {
  if (credentials.username.includes(':')) throw inputError('user names cannot contain ":" (the auth file joins user and password with it)');
  const path = authFilePath(options);
  const document = await readExisting(path);
  const auths = document.auths === undefined ? {} : document.auths;
  if (typeof auths !== 'object' || auths === null || Array.isArray(auths)) throw inputError(`auth file ${path}: "auths" is not an object; not overwriting it`);
  const key = host === DOCKER_HUB_DOMAIN || host === 'index.docker.io' || host === 'registry-1.docker.io' ? DOCKER_HUB_KEY : host;
  const updated = { ...document, auths: { ...(auths as Record<string, unknown>), [key]: { auth: Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64') } } };

  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = join(dirname(path), `.auth-${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, `${JSON.stringify(updated, null, '\t')}\n`, { mode: 0o600 });
    await chmod(temporary, 0o600); // the umask may have narrowed it further, never widened: make it exact
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new PortcullisError('INPUT', `cannot write auth file ${path}: ${(error as Error).message}`, { cause: error });
  }
  return path;
}

async function readExisting(path: string): Promise<Record<string, unknown>> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw inputError(`cannot read auth file ${path}: ${(error as Error).message}`, error);
  }
  if (bytes.length > MAX_AUTH_FILE_BYTES) throw new PortcullisError('LIMIT', `auth file ${path} is larger than ${MAX_AUTH_FILE_BYTES} bytes; not overwriting it`);
  if (bytes.toString('utf8').trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw inputError(`auth file ${path} is not valid JSON; not overwriting it`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw inputError(`auth file ${path} is not a JSON object; not overwriting it`);
  return parsed as Record<string, unknown>;
}
