/**
 * Downloading one feed into the cache, politely and verifiably:
 * - conditional requests (If-None-Match / If-Modified-Since) so an unchanged feed costs a 304;
 * - partial downloads kept as `<file>.part` (with the validator they were fetched under in
 *   `<file>.part.json`) and resumed with Range + If-Range, within a run and across runs;
 * - sizes checked against Content-Length / Content-Range, and the MD5 of osv.dev's bucket
 *   (`x-goog-hash: md5=...`) checked when the server publishes one; only a verified file replaces
 *   the cached copy.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PortcullisError } from '../../../core/index.ts';

export interface Validators {
  etag?: string | undefined;
  lastModified?: string | undefined;
}

export interface DownloadResult extends Validators {
  /** False when the server said the cached copy is current (304). */
  changed: boolean;
  file: string;
  bytes: number;
}

export type DownloadProgress = { kind: 'start'; totalBytes: number } | { kind: 'advance'; bytes: number } | { kind: 'done' };

export interface DownloadOptions {
  /** Validators of the cached copy, when there is one. */
  previous?: Validators | undefined;
  /** Attempts per download; each one after the first resumes what the last one got. */
  attempts?: number;
  onProgress?: (event: DownloadProgress) => void;
  /** Time to wait for response headers. */
  timeoutMs?: number;
}

const DEFAULT_ATTEMPTS = 3;
const RETRY_DELAY_MS = 250;

class Interrupted extends Error {}

async function sizeOf(file: string): Promise<number | undefined> {
  return (await stat(file).catch(() => undefined))?.size;
}

async function md5Of(file: string): Promise<string> {
  const hash = createHash('md5');
  await pipeline(createReadStream(file), hash);
  return hash.digest('base64');
}

/** The md5 value of an `x-goog-hash: crc32c=...,md5=...` header. */
function publishedMd5(header: string | null): string | undefined {
  for (const part of header?.split(',') ?? []) {
    const [name, value] = part.trim().split(/=(.*)/s);
    if (name === 'md5' && value) return value;
  }
  return undefined;
}

async function readPartialValidators(metaFile: string, url: string): Promise<Validators | undefined> {
  try {
    const meta = JSON.parse(await readFile(metaFile, 'utf8')) as { url?: unknown; etag?: unknown; lastModified?: unknown };
    if (meta.url !== url) return undefined;
    const validators: Validators = {};
    if (typeof meta.etag === 'string') validators.etag = meta.etag;
    if (typeof meta.lastModified === 'string') validators.lastModified = meta.lastModified;
    return validators.etag || validators.lastModified ? validators : undefined;
  } catch {
    return undefined;
  }
}

function networkError(url: string, error: unknown): PortcullisError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? (error as Error).message;
  return new PortcullisError('NETWORK', `cannot download ${url}: ${detail} (offline? the advisory database was not changed)`, { cause: error });
}

/** One request; resolves with the result, or throws Interrupted when the body was cut short. */
async function attempt(url: string, file: string, options: DownloadOptions): Promise<DownloadResult> {
  const part = `${file}.part`;
  const metaFile = `${file}.part.json`;
  const headers: Record<string, string> = {};
  const haveCached = (await sizeOf(file)) !== undefined;
  if (haveCached && options.previous?.etag) headers['if-none-match'] = options.previous.etag;
  if (haveCached && options.previous?.lastModified) headers['if-modified-since'] = options.previous.lastModified;
  const partial = await readPartialValidators(metaFile, url);
  const partialBytes = partial ? ((await sizeOf(part)) ?? 0) : 0;
  if (partial && partialBytes > 0) {
    headers.range = `bytes=${partialBytes}-`;
    headers['if-range'] = partial.etag ?? partial.lastModified!;
  }

  // The timeout covers the wait for the response headers only: a large feed may take longer to arrive.
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error('no response in time')), options.timeoutMs ?? 60_000);
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: abort.signal, redirect: 'follow' });
  } catch (error) {
    throw networkError(url, error);
  } finally {
    clearTimeout(timer);
  }
  if (response.status === 304) {
    await response.body?.cancel();
    return { changed: false, file, bytes: (await sizeOf(file)) ?? 0, etag: options.previous?.etag, lastModified: options.previous?.lastModified };
  }
  if (response.status === 416) {
    await response.body?.cancel();
    await rm(part, { force: true });
    await rm(metaFile, { force: true });
    throw new Interrupted('range not satisfiable');
  }
  if (response.status !== 200 && response.status !== 206) {
    await response.body?.cancel();
    throw new PortcullisError('NETWORK', `cannot download ${url}: HTTP ${response.status} ${response.statusText}`);
  }
  const validators: Validators = {};
  const etag = response.headers.get('etag');
  const lastModified = response.headers.get('last-modified');
  if (etag) validators.etag = etag;
  if (lastModified) validators.lastModified = lastModified;

  const resuming = response.status === 206;
  let start = 0;
  let total: number | undefined;
  if (resuming) {
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(response.headers.get('content-range') ?? '');
    if (!range || Number(range[1]) !== partialBytes) {
      await response.body?.cancel();
      await rm(part, { force: true });
      throw new Interrupted(`unusable Content-Range ${JSON.stringify(response.headers.get('content-range'))}`);
    }
    start = partialBytes;
    total = Number(range[3]);
  } else {
    const length = response.headers.get('content-length');
    total = length === null ? undefined : Number(length);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(metaFile, JSON.stringify({ url, ...validators }));
  }

  options.onProgress?.({ kind: 'start', totalBytes: total ?? 0 });
  options.onProgress?.({ kind: 'advance', bytes: start });
  // Each chunk is written before the next is read, so whatever arrived before a cut is on disk to resume from.
  const output = await open(part, resuming ? 'a' : 'w');
  try {
    for await (const chunk of (response.body ?? []) as AsyncIterable<Uint8Array>) {
      await output.write(chunk);
      options.onProgress?.({ kind: 'advance', bytes: chunk.length });
    }
  } catch (error) {
    throw new Interrupted(`connection cut: ${(error as Error).message}`);
  } finally {
    await output.close();
    options.onProgress?.({ kind: 'done' });
  }

  const bytes = (await sizeOf(part)) ?? 0;
  if (total !== undefined && bytes !== total) {
    if (bytes < total) throw new Interrupted(`got ${bytes} of ${total} bytes`);
    await rm(part, { force: true });
    await rm(metaFile, { force: true });
    throw new PortcullisError('DIGEST_MISMATCH', `${url}: got ${bytes} bytes, the server announced ${total}`);
  }
  const md5 = publishedMd5(response.headers.get('x-goog-hash'));
  if (md5 !== undefined && (await md5Of(part)) !== md5) {
    await rm(part, { force: true });
    await rm(metaFile, { force: true });
    throw new PortcullisError('DIGEST_MISMATCH', `${url}: MD5 of the download does not match the published x-goog-hash; not used`);
  }
  await rename(part, file);
  await rm(metaFile, { force: true });
  return { changed: true, file, bytes, ...(resuming ? partial : validators) };
}

export async function download(url: string, file: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
  let last: unknown;
  for (let index = 0; index < attempts; index++) {
    if (index > 0) await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * index));
    try {
      return await attempt(url, file, options);
    } catch (error) {
      if (!(error instanceof Interrupted) && !(error instanceof PortcullisError && error.code === 'NETWORK' && error.cause)) throw error;
      last = error;
    }
  }
  if (last instanceof PortcullisError) throw last;
  throw new PortcullisError('NETWORK', `cannot download ${url}: ${(last as Error).message} after ${attempts} attempts (the advisory database was not changed)`);
}
