/**
 * Registry credentials from docker-style auth files, the way podman and docker find them:
 * an explicit path, else $REGISTRY_AUTH_FILE, else ${XDG_RUNTIME_DIR}/containers/auth.json, then
 * ${DOCKER_CONFIG:-~/.docker}/config.json. An entry is `auths.<key>.auth` (base64 "user:password")
 * or `auths.<key>.username` + `.password`; keys may be a host, a URL ("https://index.docker.io/v1/")
 * or a host with a repository prefix ("quay.io/org"), and the most specific key wins.
 *
 * Credential helpers (`credsStore`, `credHelpers`) are deliberately not run: executing programs
 * named by a config file is out of scope for a scanner. The file is untrusted input: its contents
 * never reach a message, only its path and the offending key.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PortcullisError, inputError, silentLogger, type Logger } from '../core/index.ts';

export interface Credentials {
  username: string;
  password: string;
}

export interface AuthFileOptions {
  /** An explicit auth file: the only one read, and it must exist. */
  authFile?: string;
  /** Environment to read REGISTRY_AUTH_FILE, XDG_RUNTIME_DIR, DOCKER_CONFIG and HOME from. */
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
}

const MAX_AUTH_FILE_BYTES = 1024 * 1024;
/** Keys that all mean Docker Hub. */
const DOCKER_HUB_KEYS = ['docker.io', 'index.docker.io', 'registry-1.docker.io'];

interface Candidate {
  path: string;
  mustExist: boolean;
}

function candidates(options: AuthFileOptions): Candidate[] {
  if (options.authFile !== undefined) return [{ path: options.authFile, mustExist: true }];
  const env = options.env ?? process.env;
  if (env.REGISTRY_AUTH_FILE) return [{ path: env.REGISTRY_AUTH_FILE, mustExist: false }];
  const files: Candidate[] = [];
  if (env.XDG_RUNTIME_DIR) files.push({ path: join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json'), mustExist: false });
  const dockerDir = env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
  files.push({ path: join(dockerDir, 'config.json'), mustExist: false });
  return files;
}

/** "https://Index.Docker.io/v1/" -> "index.docker.io"; "quay.io/org/" -> "quay.io/org". */
function normaliseKey(key: string): string {
  const withoutScheme = key.replace(/^https?:\/\//i, '').replace(/\/+(v1|v2)?\/*$/i, '');
  const slash = withoutScheme.indexOf('/');
  return slash === -1 ? withoutScheme.toLowerCase() : `${withoutScheme.slice(0, slash).toLowerCase()}${withoutScheme.slice(slash)}`;
}

/** Keys to try for a repository, most specific first: "host/a/b", "host/a", "host". */
function lookupKeys(domain: string, repository: string): string[] {
  const hosts = DOCKER_HUB_KEYS.includes(domain) ? DOCKER_HUB_KEYS : [domain];
  const parts = repository.split('/');
  const keys: string[] = [];
  for (let length = parts.length; length >= 0; length--) {
    const suffix = length === 0 ? '' : `/${parts.slice(0, length).join('/')}`;
    for (const host of hosts) keys.push(`${host}${suffix}`);
  }
  return keys;
}

async function readAuthFile(candidate: Candidate): Promise<unknown> {
  let text: string;
  try {
    const bytes = await readFile(candidate.path);
    if (bytes.length > MAX_AUTH_FILE_BYTES) throw new PortcullisError('LIMIT', `auth file ${candidate.path} is larger than ${MAX_AUTH_FILE_BYTES} bytes`);
    text = bytes.toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !candidate.mustExist) return undefined;
    if (error instanceof PortcullisError) throw error;
    throw inputError(`cannot read auth file ${candidate.path}: ${(error as Error).message}`, error);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw inputError(`auth file ${candidate.path} is not valid JSON`);
  }
}

function decodeEntry(entry: unknown, key: string, path: string): Credentials | undefined {
  const bad = (what: string) => inputError(`auth file ${path}: entry ${JSON.stringify(key)} ${what}`);
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw bad('is not an object');
  const { auth, username, password } = entry as { auth?: unknown; username?: unknown; password?: unknown };
  if (typeof auth === 'string' && auth !== '') {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(auth)) throw bad('has an "auth" field that is not base64');
    const decoded = Buffer.from(auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw bad('has an "auth" field that is not base64 of "user:password"');
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (auth !== undefined && typeof auth !== 'string') throw bad('has an "auth" field that is not a string');
  if (username === undefined && password === undefined) return undefined;
  if (typeof username !== 'string' || username === '' || typeof password !== 'string') {
    throw bad('needs both "username" and "password" as strings');
  }
  return { username, password };
}

/** Credentials for a repository on a registry domain ("docker.io", "localhost:5000"), if any file has them. */
export async function findCredentials(domain: string, repository: string, options: AuthFileOptions = {}): Promise<Credentials | undefined> {
  const logger = options.logger ?? silentLogger;
  const wanted = lookupKeys(domain, repository);
  for (const candidate of candidates(options)) {
    const parsed = await readAuthFile(candidate);
    if (parsed === undefined) continue;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw inputError(`auth file ${candidate.path} is not a JSON object`);
    const { auths, credsStore, credHelpers } = parsed as { auths?: unknown; credsStore?: unknown; credHelpers?: unknown };
    if (auths !== undefined && (typeof auths !== 'object' || auths === null || Array.isArray(auths))) {
      throw inputError(`auth file ${candidate.path}: "auths" is not an object`);
    }
    const entries = new Map<string, { key: string; value: unknown }>();
    for (const [key, value] of Object.entries((auths ?? {}) as Record<string, unknown>)) entries.set(normaliseKey(key), { key, value });
    for (const key of wanted) {
      const entry = entries.get(key);
      if (entry === undefined) continue;
      const credentials = decodeEntry(entry.value, entry.key, candidate.path);
      if (credentials !== undefined) return credentials;
    }
    const helper = typeof credHelpers === 'object' && credHelpers !== null && domain in credHelpers;
    if (helper || typeof credsStore === 'string') {
      logger.warn(`auth file ${candidate.path} names a credential helper for ${domain}; Portcullis does not run credential helpers`);
    }
  }
  return undefined;
}
