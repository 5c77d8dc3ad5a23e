/**
 * Test helper: a real registry (Debian's `docker-registry`, CNCF distribution 2.8) on 127.0.0.1 with
 * a temporary storage directory and a generated config, with no auth, htpasswd auth or token auth;
 * plus `pushToRegistry` to copy an image into it with skopeo and `smallImageLayout` for an image
 * to push. Every registry started here is killed
 * by PID and its directory removed by `stop()`; call it in an `after` hook.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export type RegistryAuth =
  | { kind: 'none' }
  /** Basic auth against one user in an htpasswd file (bcrypt, made with `htpasswd -Bbn`). */
  | { kind: 'htpasswd'; username: string; password: string }
  /**
   * The Docker token flow: clients are sent to `realm` for a JWT that `issuer` signed with the key
   * of a certificate in `rootCertBundle` (a PEM file) and whose audience is `service`.
   */
  | { kind: 'token'; realm: string; service: string; issuer: string; rootCertBundle: string };

export interface StartedRegistry {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `127.0.0.1:<port>`, the registry part of image references. */
  host: string;
  stop(): Promise<void>;
}

/** Ports this project's registry tests fall back to when the OS cannot pick one. */
const FALLBACK_PORTS = { first: 15000, last: 15099 };
const STARTUP_TIMEOUT_MS = 15_000;

/** Fails with a message naming the Debian package when a tool the test drives is missing. */
export function requireTool(command: string, debianPackage: string): void {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
  if (!found) throw new Error(`${command} is not installed: run scripts/test-setup.sh as root (Debian package ${debianPackage})`);
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A free port on 127.0.0.1: the OS's choice, else the first free one in the fallback range. */
export async function freePort(): Promise<number> {
  try {
    return await listenOnce(0);
  } catch {
    for (let port = FALLBACK_PORTS.first; port <= FALLBACK_PORTS.last; port++) {
      try {
        return await listenOnce(port);
      } catch {
        // taken: try the next one
      }
    }
    throw new Error(`no free port on 127.0.0.1 in ${FALLBACK_PORTS.first}-${FALLBACK_PORTS.last}`);
  }
}

async function authConfig(auth: RegistryAuth, dir: string): Promise<Record<string, unknown> | undefined> {
  switch (auth.kind) {
    case 'none':
      return undefined;
    case 'htpasswd': {
      requireTool('htpasswd', 'apache2-utils');
      const made = spawnSync('htpasswd', ['-Bbn', auth.username, auth.password], { encoding: 'utf8' });
      if (made.status !== 0) throw new Error(`htpasswd failed: ${made.stderr}`);
      const path = join(dir, 'htpasswd');
      await writeFile(path, made.stdout);
      return { htpasswd: { realm: 'portcullis-test', path } };
    }
    case 'token':
      return { token: { realm: auth.realm, service: auth.service, issuer: auth.issuer, rootcertbundle: auth.rootCertBundle } };
  }
}

async function waitUntilServing(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}: ${output()}`);
    try {
      await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) });
      return; // any HTTP answer (200 or 401) means it serves
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`docker-registry did not answer within ${STARTUP_TIMEOUT_MS} ms: ${output()}`);
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  const pid = child.pid;
  return new Promise((resolve) => {
    const force = setTimeout(() => process.kill(pid, 'SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    process.kill(pid, 'SIGTERM');
  });
}

export async function startRegistry(options: { auth?: RegistryAuth } = {}): Promise<StartedRegistry> {
  requireTool('docker-registry', 'docker-registry');
  const dir = await mkdtemp(join(tmpdir(), 'portcullis-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const auth = await authConfig(options.auth ?? { kind: 'none' }, dir);
  // YAML is a superset of JSON, so the config is written as JSON.
  const config = {
    version: 0.1,
    log: { level: 'warn', accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: join(dir, 'storage') }, delete: { enabled: true } },
    http: { addr: host, secret: randomBytes(16).toString('hex') },
    ...(auth !== undefined && { auth }),
  };
  const configPath = join(dir, 'config.yml');
  await writeFile(configPath, JSON.stringify(config, null, 2));

  // distribution reads REGISTRY_* variables as config overrides: none of ours may leak into it.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('REGISTRY_')));
  const child = spawn('docker-registry', ['serve', configPath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const stop = async () => {
    await stopProcess(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilServing(`http://${host}`, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://${host}`, host, stop };
}

/**
 * Copies an image into a registry with skopeo (`source` in skopeo syntax, e.g. `oci:/dir:tag`;
 * `destination` a reference like `127.0.0.1:5000/app:1`), over plain HTTP. `all` copies every
 * image of an index; `format: 'v2s2'` converts to Docker schema 2 media types. Asynchronous, so
 * that servers in the test process (a token server) can answer.
 */
export async function pushToRegistry(
  source: string,
  destination: string,
  options: { creds?: string; all?: boolean; format?: 'oci' | 'v2s2' } = {},
): Promise<void> {
  requireTool('skopeo', 'skopeo');
  const args = ['copy', '--quiet', '--dest-tls-verify=false'];
  if (options.creds !== undefined) args.push('--dest-creds', options.creds);
  if (options.all === true) args.push('--all');
  if (options.format !== undefined) args.push('--format', options.format);
  args.push(source, `docker://${destination}`);
  // skopeo also reads REGISTRY_AUTH_FILE: isolate it from credentials a test sets for the client.
  const env = { ...process.env, REGISTRY_AUTH_FILE: join(tmpdir(), 'portcullis-no-auth-file.json') };
  try {
    await promisify(execFile)('skopeo', args, { encoding: 'utf8', env, timeout: 120_000 });
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`skopeo ${args.join(' ')} failed: ${stderr || message}`);
  }
}

/** Content of the one file in the small test image, at /hello.txt. */
export const SMALL_IMAGE_FILE = 'hello from portcullis\n';
const SMALL_IMAGE_CACHE = join(homedir(), '.cache', 'portcullis-test', 'registry-small-image-v1');

function run(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.error?.message}`);
}

/**
 * An OCI layout made by umoci (cached under ~/.cache/portcullis-test/) with tags `amd64` (one
 * layer holding /hello.txt), `arm64` (the same layer, config for linux/arm64, label
 * portcullis.test=arm) and `multi` (an image index of both, with platforms). Returns its path.
 */
export async function smallImageLayout(): Promise<string> {
  if (existsSync(join(SMALL_IMAGE_CACHE, 'index.json'))) return SMALL_IMAGE_CACHE;
  requireTool('umoci', 'umoci');
  const work = await mkdtemp(join(tmpdir(), 'portcullis-small-image-'));
  try {
    const layout = join(work, 'layout');
    await writeFile(join(work, 'hello.txt'), SMALL_IMAGE_FILE);
    run('umoci', ['init', '--layout', layout], work);
    run('umoci', ['new', '--image', `${layout}:amd64`], work);
    run('umoci', ['config', '--image', `${layout}:amd64`, '--os', 'linux', '--architecture', 'amd64'], work);
    run('umoci', ['insert', '--image', `${layout}:amd64`, join(work, 'hello.txt'), '/hello.txt'], work);
    run('umoci', ['config', '--image', `${layout}:amd64`, '--tag', 'arm64', '--architecture', 'arm64', '--config.label', 'portcullis.test=arm'], work);
    await addIndexTag(layout);
    await mkdir(join(SMALL_IMAGE_CACHE, '..'), { recursive: true });
    await rename(layout, SMALL_IMAGE_CACHE).catch((error: NodeJS.ErrnoException) => {
      // Another test process cached it first: theirs is as good as ours.
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
    return SMALL_IMAGE_CACHE;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Writes an image index of the `amd64` and `arm64` manifests and tags it `multi` in index.json. */
async function addIndexTag(layout: string): Promise<void> {
  const indexPath = join(layout, 'index.json');
  const top = JSON.parse(await readFile(indexPath, 'utf8')) as { manifests: Array<Record<string, unknown> & { annotations?: Record<string, string> }> };
  const byTag = (tag: string) => {
    const entry = top.manifests.find((manifest) => manifest.annotations?.['org.opencontainers.image.ref.name'] === tag);
    if (entry === undefined) throw new Error(`umoci layout has no tag ${tag}`);
    const { annotations: _, ...descriptor } = entry;
    return descriptor;
  };
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { ...byTag('amd64'), platform: { os: 'linux', architecture: 'amd64' } },
        { ...byTag('arm64'), platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      ],
    }),
  );
  const hex = createHash('sha256').update(index).digest('hex');
  await writeFile(join(layout, 'blobs', 'sha256', hex), index);
  top.manifests.push({
    mediaType: 'application/vnd.oci.image.index.v1+json',
    digest: `sha256:${hex}`,
    size: index.length,
    annotations: { 'org.opencontainers.image.ref.name': 'multi' },
  });
  await writeFile(indexPath, JSON.stringify(top));
}
