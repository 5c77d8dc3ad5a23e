/**
 * Test helpers for the registry and server tests: a registry on a temporary directory with a clock
 * tests control, blobs pushed through the service, and manifests built from pushed blobs.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OCI_MANIFEST } from '../oci/index.ts';
import { openRegistry } from './open.ts';
import type { RegistryService } from './service.ts';

export interface TestRegistry {
  registry: RegistryService;
  dataDir: string;
  /** Moves the registry's clock forward. */
  advance(ms: number): void;
  close(): Promise<void>;
}

export async function openTestRegistry(): Promise<TestRegistry> {
  const dataDir = await mkdtemp(join(tmpdir(), 'portcullis-registry-test-'));
  let offset = 0;
  const registry = await openRegistry({ dataDir, now: () => Date.now() + offset });
  return {
    registry,
    dataDir,
    advance: (ms) => {
      offset += ms;
    },
    close: async () => {
      await registry.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function sha256(data: string | Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export async function* chunksOf(...parts: Array<string | Uint8Array>): AsyncIterable<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? Buffer.from(part) : part;
}

export interface PushedBlob {
  mediaType: string;
  digest: string;
  size: number;
}

/** Uploads `content` to `repository` in one chunk and returns its descriptor. */
export async function pushBlob(registry: RegistryService, repository: string, content: string, mediaType = 'application/vnd.oci.image.layer.v1.tar'): Promise<PushedBlob> {
  const upload = await registry.uploads.start(repository);
  const digest = sha256(content);
  await registry.uploads.complete(repository, upload.id, digest, { body: chunksOf(content), headers: {} });
  return { mediaType, digest, size: Buffer.byteLength(content) };
}

/** An OCI image manifest's bytes over a config and layers, with optional extra fields (subject, artifactType). */
export function manifestBytes(config: PushedBlob, layers: PushedBlob[], extra: Record<string, unknown> = {}): Buffer {
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers, ...extra }));
}

/** Pushes a config and one layer (contents derived from `seed`) and a manifest tagged `tag`. */
export async function pushImage(registry: RegistryService, repository: string, tag: string, seed: string): Promise<{ digest: string; layer: PushedBlob; config: PushedBlob }> {
  const config = await pushBlob(registry, repository, JSON.stringify({ seed }), 'application/vnd.oci.image.config.v1+json');
  const layer = await pushBlob(registry, repository, `layer of ${seed}`);
  const { digest } = await registry.manifests.put(repository, tag, manifestBytes(config, [layer]), OCI_MANIFEST);
  return { digest, layer, config };
}
