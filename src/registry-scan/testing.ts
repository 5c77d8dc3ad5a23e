/**
 * Test helpers for the registry scanner: a real webhook receiver on 127.0.0.1, small npm images
 * pushed through RegistryService, advisory databases built with `portcullis db import` from chosen
 * files of the shared advisory data, and polling with a deadline.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuiltImage, type ImageSpec, buildImage, writeOciLayout } from '../../test/helpers/image-builder.ts';
import { type ServeProcess, TEST_ADMIN_PASSWORD, startServe } from '../../test/helpers/portcullis-serve.ts';
import { requireTool } from '../../test/helpers/registry.ts';
import { runCli } from '../../test/helpers/cli.ts';
import type { RegistryService } from '../registry/index.ts';

export const VULNDATA = fileURLToPath(new URL('../../../shared/vulndata/', import.meta.url));

export interface ReceivedDelivery {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** What the receiver answered. */
  status: number;
  at: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedDelivery[];
  close(): Promise<void>;
}

/** A webhook receiver answering each request with `statusFor(n)` (n counts from 1; default 200). */
export async function startWebhookReceiver(statusFor: (n: number) => number = () => 200): Promise<WebhookReceiver> {
  const received: ReceivedDelivery[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const status = statusFor(received.length + 1);
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), status, at: Date.now() });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Polls `probe` until it returns something other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** An image whose one layer holds an npm application with these dependencies. */
export function npmImage(packages: Record<string, string>): ImageSpec {
  const entries = [{ path: 'app/package.json', content: JSON.stringify({ name: 'shop', version: '1.0.0' }) }];
  for (const [name, version] of Object.entries(packages)) {
    entries.push({ path: `app/node_modules/${name}/package.json`, content: JSON.stringify({ name, version }) });
  }
  return { layers: [{ entries, createdBy: 'COPY app /app' }] };
}

async function* once(bytes: Buffer): AsyncIterable<Uint8Array> {
  yield bytes;
}

/** Uploads a built image's config and layers through the service. */
export async function pushBlobs(registry: RegistryService, repository: string, image: BuiltImage): Promise<void> {
  for (const blob of [image.config, ...image.layers]) {
    const upload = await registry.uploads.start(repository);
    await registry.uploads.complete(repository, upload.id, blob.digest, { body: once(blob.bytes), headers: {} });
  }
}

/** Pushes a built image's blobs and manifest through the service, as a client push would. */
export async function pushBuilt(registry: RegistryService, repository: string, tag: string, image: BuiltImage): Promise<string> {
  await pushBlobs(registry, repository, image);
  const { digest } = await registry.manifests.put(repository, tag, image.manifest.bytes, image.manifest.mediaType);
  return digest;
}

export function buildNpmImage(packages: Record<string, string>): BuiltImage {
  return buildImage(npmImage(packages));
}

/** Imports the named GHSA npm advisories of the shared data into `db` (replacing what it held). */
export async function importGhsa(db: string, files: readonly string[]): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'portcullis-ghsa-'));
  try {
    for (const file of files) await copyFile(join(VULNDATA, 'ghsa', 'npm', file), join(dir, file));
    const result = await runCli(['db', 'import', '--db', db, '-q', dir]);
    if (result.code !== 0) throw new Error(`db import failed: ${result.stderr}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** GHSA files by what they name: ws CVE-2024-37890 (HIGH), semver CVE-2022-25883 (MODERATE), lodash ones. */
export const GHSA = {
  ws: 'GHSA-3h5v-q93c-6h6q.json',
  semver: 'GHSA-c2qf-rxjj-qqgw.json',
  lodashModerate: 'GHSA-29mw-wpgm-hmr9.json',
  lodashHigh: 'GHSA-35jh-r3h4-6jhm.json',
} as const;

/**
 * A real `portcullis serve` with access control (admin / TEST_ADMIN_PASSWORD) matching against the
 * GHSA advisory of ws, and an OCI layout holding an image with ws 7.4.0 (one HIGH finding) to push
 * as `oci:LAYOUT:app`. `close()` stops the server and removes everything.
 */
export async function startServeWithVulnerableImage(prefix: string, args: readonly string[] = []): Promise<{ work: string; layout: string; serve: ServeProcess; close(): Promise<void> }> {
  requireTool('skopeo', 'skopeo');
  if (!existsSync(VULNDATA)) throw new Error(`the shared advisory data is missing at ${VULNDATA}`);
  const work = await mkdtemp(join(tmpdir(), prefix));
  try {
    const db = join(work, 'advisories.db');
    await importGhsa(db, [GHSA.ws]);
    const layout = join(work, 'layout');
    await writeOciLayout(layout, npmImage({ ws: '7.4.0' }), 'app');
    const serve = await startServe(join(work, 'data'), { adminPassword: TEST_ADMIN_PASSWORD, args: ['--db', db, '-q', ...args] });
    const close = async () => {
      await serve.stop();
      await rm(work, { recursive: true, force: true });
    };
    return { work, layout, serve, close };
  } catch (error) {
    await rm(work, { recursive: true, force: true });
    throw error;
  }
}
