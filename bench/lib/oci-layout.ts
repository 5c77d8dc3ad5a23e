/**
 * The facts about an image in an OCI layout that the registry benchmark needs: the manifest digest
 * a tag names and the bytes a push or pull moves (manifest + config + layers), so throughput is
 * bytes over wall time and a pull can be checked to have brought back the very image pushed.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface LayoutImage {
  digest: string;
  /** Bytes of the manifest, its config and its layers. */
  bytes: number;
  layers: number;
  largestLayer: Descriptor;
}

export interface Descriptor {
  digest: string;
  size: number;
}

function descriptor(value: unknown, what: string): Descriptor {
  const { digest, size } = (value ?? {}) as Record<string, unknown>;
  if (typeof digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(digest)) throw new Error(`${what}: no sha256 digest`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw new Error(`${what}: no size`);
  return { digest, size };
}

const blobPath = (dir: string, digest: string) => join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length));

async function json(path: string): Promise<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: not JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${path}: not a JSON object`);
  return value as Record<string, unknown>;
}

/** The manifest descriptor that `tag` names in the layout's index.json. */
export async function taggedManifest(dir: string, tag: string): Promise<Descriptor> {
  const index = await json(join(dir, 'index.json'));
  const entries = Array.isArray(index.manifests) ? (index.manifests as unknown[]) : [];
  const entry = entries.find((raw) => ((raw as { annotations?: Record<string, unknown> }).annotations ?? {})['org.opencontainers.image.ref.name'] === tag);
  if (entry === undefined) throw new Error(`${dir}: no manifest tagged ${tag}`);
  return descriptor(entry, `${dir} index.json entry ${tag}`);
}

export async function layoutImage(dir: string, tag: string): Promise<LayoutImage> {
  const manifest = await taggedManifest(dir, tag);
  const body = await json(blobPath(dir, manifest.digest));
  const layers = (Array.isArray(body.layers) ? body.layers : []).map((layer, i) => descriptor(layer, `manifest layer ${i}`));
  const config = descriptor(body.config, 'manifest config');
  const bytes = manifest.size + config.size + layers.reduce((sum, layer) => sum + layer.size, 0);
  const largestLayer = layers.reduce<Descriptor | undefined>((largest, layer) => (largest === undefined || layer.size > largest.size ? layer : largest), undefined);
  if (largestLayer === undefined) throw new Error(`${dir}: image ${tag} has no layers`);
  return { digest: manifest.digest, bytes, layers: layers.length, largestLayer };
}

/** The manifest `tag` names, as bytes, with its media type. */
export async function taggedManifestBytes(dir: string, tag: string): Promise<{ digest: string; mediaType: string; bytes: Buffer }> {
  const manifest = await taggedManifest(dir, tag);
  const bytes = await readFile(blobPath(dir, manifest.digest));
  const { mediaType } = JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown };
  return { digest: manifest.digest, mediaType: typeof mediaType === 'string' ? mediaType : 'application/vnd.oci.image.manifest.v1+json', bytes };
}

/**
 * Reads every blob of the layout once, so the page cache holds the image before the first
 * measured push: otherwise the registry measured first would pay for the disk reads of both.
 */
export async function warmPageCache(dir: string, tag: string): Promise<void> {
  const manifest = await taggedManifest(dir, tag);
  const body = await json(blobPath(dir, manifest.digest));
  const blobs = [body.config, ...(Array.isArray(body.layers) ? body.layers : [])].map((raw, i) => descriptor(raw, `manifest blob ${i}`));
  for (const blob of blobs) {
    for await (const _ of createReadStream(blobPath(dir, blob.digest), { highWaterMark: 1 << 20 })) {
      // reading is the point
    }
  }
}
