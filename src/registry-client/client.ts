/**
 * Read operations of the OCI distribution API on one registry: manifests (by tag or digest, size
 * bounded, digest verified), blobs (buffered for small JSON, streamed and verified for layers) and
 * tag lists (paginated). Write operations (upload.ts, manifest-push.ts) are reached through the
 * same client so that one session, with its tokens, serves a whole copy or signing run.
 */
import type { Readable } from 'node:stream';
import { DigestVerifier, PortcullisError, digestAlgorithm, inputError, isDigest, isTag, parseDigest, sha256Digest } from '../core/index.ts';
import { DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_INDEX, OCI_MANIFEST } from '../oci/index.ts';
import { bodyChunks, readLimited, toReadable, verifiedChunks } from './body.ts';
import { pushManifest, type PushedManifest } from './manifest-push.ts';
import { RegistrySession, type RegistrySessionOptions } from './session.ts';
import { nextPageLink, parseTagPage } from './tags.ts';
import { pushBlob, type BlobSource, type PushBlobOptions, type PushedBlob } from './upload.ts';

export interface RegistryClientOptions extends RegistrySessionOptions {
  /** Largest manifest or index accepted; default 4 MiB. */
  maxManifestBytes?: number;
}

export interface FetchedManifest {
  /** The bytes exactly as served (what the digest covers). */
  bytes: Buffer;
  /** From Content-Type, without parameters; empty when the registry sent none. */
  mediaType: string;
  /** Verified digest of `bytes`. */
  digest: string;
}

/** What a blob is expected to be: from a descriptor in a verified manifest. */
export interface BlobRef {
  digest: string;
  size: number;
}

export interface ListTagsOptions {
  /** Tags asked for per page (`n`); default 1000. */
  pageSize?: number;
  /** More tags than this is a LIMIT error; default 100,000. */
  maxTags?: number;
}

/** Manifest kinds Portcullis reads, in order of preference. */
export const MANIFEST_ACCEPT = [OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST].join(', ');
const DEFAULT_MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_TAG_PAGE_BYTES = 8 * 1024 * 1024;
const PULL = ['pull'];

export class RegistryClient {
  readonly session: RegistrySession;
  readonly #maxManifestBytes: number;

  constructor(options: RegistryClientOptions) {
    this.session = new RegistrySession(options);
    this.#maxManifestBytes = options.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES;
  }

  /** GET a manifest or index by tag or digest. */
  async getManifest(repository: string, reference: string): Promise<FetchedManifest> {
    if (!isDigest(reference) && !isTag(reference)) throw inputError(`invalid manifest reference ${JSON.stringify(reference.slice(0, 100))}`);
    const what = `reading manifest ${reference}`;
    const response = await this.session.request({
      method: 'GET',
      repository,
      actions: PULL,
      path: `/v2/${repository}/manifests/${reference}`,
      headers: { accept: MANIFEST_ACCEPT },
      what,
    });
    const action = this.session.describe(what, repository);
    const bytes = await readLimited(response, this.#maxManifestBytes, this.session.idleTimeoutMs, action);
    const digest = verifyManifestDigest(bytes, reference, response.headers.get('docker-content-digest'), action);
    const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    return { bytes, mediaType, digest };
  }

  /** Whether a manifest exists (HEAD), without downloading it. */
  async hasManifest(repository: string, reference: string): Promise<boolean> {
    if (!isDigest(reference) && !isTag(reference)) throw inputError(`invalid manifest reference ${JSON.stringify(reference.slice(0, 100))}`);
    const response = await this.session.request({
      method: 'HEAD',
      repository,
      actions: PULL,
      path: `/v2/${repository}/manifests/${reference}`,
      headers: { accept: MANIFEST_ACCEPT },
      accept: (status) => status === 200 || status === 404,
      what: `checking manifest ${reference}`,
    });
    await response.body?.cancel().catch(() => {});
    return response.status === 200;
  }

  /** PUT a manifest under a tag or its digest; see manifest-push.ts. */
  pushManifest(repository: string, reference: string, bytes: Buffer, mediaType: string): Promise<PushedManifest> {
    return pushManifest(this.session, repository, reference, bytes, mediaType);
  }

  /** Uploads a blob unless the registry has it; see upload.ts. */
  pushBlob(repository: string, source: BlobSource, options?: PushBlobOptions): Promise<PushedBlob> {
    return pushBlob(this.session, repository, source, options);
  }

  /** A small blob (an image config) read whole; larger than `maxBytes` is a LIMIT error before any download. */
  async getBlob(repository: string, blob: BlobRef, maxBytes: number): Promise<Buffer> {
    const what = this.session.describe(`blob ${blob.digest}`, repository);
    if (blob.size > maxBytes) throw new PortcullisError('LIMIT', `${what}: declared size ${blob.size} is more than the limit of ${maxBytes} bytes`);
    const chunks: Buffer[] = [];
    for await (const chunk of await this.#blobChunks(repository, blob)) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  /**
   * A blob as a byte stream that verifies size and digest as it flows: INPUT when the size is
   * wrong, DIGEST_MISMATCH at the end when the content is. Destroying the stream closes the download.
   */
  async openBlob(repository: string, blob: BlobRef): Promise<Readable> {
    return toReadable(await this.#blobChunks(repository, blob));
  }

  async #blobChunks(repository: string, blob: BlobRef): Promise<AsyncIterable<Buffer>> {
    const digest = parseDigest(blob.digest, 'blob digest');
    if (!Number.isSafeInteger(blob.size) || blob.size < 0) throw inputError(`blob ${digest}: invalid size ${blob.size}`);
    const what = `reading blob ${digest}`;
    const response = await this.session.request({ method: 'GET', repository, actions: PULL, path: `/v2/${repository}/blobs/${digest}`, what });
    const action = this.session.describe(what, repository);
    const declared = response.headers.get('content-length');
    if (declared !== null && Number(declared) !== blob.size) {
      await response.body?.cancel().catch(() => {});
      throw inputError(`${action}: the registry sends ${declared} bytes, but the descriptor says ${blob.size}`);
    }
    return verifiedChunks(bodyChunks(response, this.session.idleTimeoutMs, action), digest, blob.size, action);
  }

  /**
   * Every tag of a repository, following `Link: <...>; rel="next"` pages. A page without tags ends
   * the listing, so every page followed adds at least one tag and `maxTags` bounds the pages too.
   */
  async listTags(repository: string, options: ListTagsOptions = {}): Promise<string[]> {
    const pageSize = options.pageSize ?? 1000;
    const maxTags = options.maxTags ?? 100_000;
    if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw inputError(`invalid tag page size ${pageSize}`);
    const what = 'listing tags';
    const action = this.session.describe(what, repository);
    const tags: string[] = [];
    const seen = new Set<string>();
    let path: string | undefined = `/v2/${repository}/tags/list?n=${pageSize}`;
    while (path !== undefined) {
      if (seen.has(path)) throw new PortcullisError('NETWORK', `${action}: pagination loops`);
      seen.add(path);
      const response = await this.session.request({ method: 'GET', repository, actions: PULL, path, headers: { accept: 'application/json' }, what });
      const body = await readLimited(response, MAX_TAG_PAGE_BYTES, this.session.idleTimeoutMs, action);
      const page = parseTagPage(body, action);
      tags.push(...page);
      if (tags.length > maxTags) throw new PortcullisError('LIMIT', `${action}: more than ${maxTags} tags`);
      path = page.length === 0 ? undefined : nextPageLink(response.headers.get('link'));
    }
    return tags;
  }
}

/**
 * The digest of fetched manifest bytes. By digest: the bytes must hash to it. By tag: the
 * registry's Docker-Content-Digest, when sent, must match the bytes; otherwise sha256 of the bytes.
 */
function verifyManifestDigest(bytes: Buffer, reference: string, header: string | null, action: string): string {
  const check = (expected: string, source: string): void => {
    const verifier = new DigestVerifier(expected);
    verifier.update(bytes);
    verifier.verify(`${action} (${source})`);
  };
  if (isDigest(reference)) check(reference, 'requested digest');
  if (header !== null && header !== '') {
    const claimed = header.trim();
    if (!isDigest(claimed)) throw new PortcullisError('NETWORK', `${action}: invalid Docker-Content-Digest header ${JSON.stringify(claimed.slice(0, 100))}`);
    // A registry may hash with another algorithm than the one asked for; each claim must hold.
    if (claimed !== reference) check(claimed, 'Docker-Content-Digest header');
    if (!isDigest(reference) && digestAlgorithm(claimed) === 'sha256') return claimed;
  }
  return isDigest(reference) ? reference : sha256Digest(bytes);
}
