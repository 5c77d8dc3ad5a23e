/**
 * Manifests, tags and referrers (distribution spec "Pushing manifests", "Content discovery",
 * "Content management"). A manifest becomes visible only after its digest is verified, it parses,
 * and everything it references is present in the repository; then it is stored and tagged in one
 * transaction and `manifestPushed` is emitted.
 */
import { createHash } from 'node:crypto';
import { digestAlgorithm } from '../core/index.ts';
import { OCI_INDEX } from '../oci/index.ts';
import type { ManifestRecord, Page } from '../storage/index.ts';
import type { RegistryContext } from './context.ts';
import { RegistryError } from './errors.ts';
import { type PushedDocument, parsePushedDocument } from './manifest-document.ts';
import { checkReference } from './names.ts';

export interface PushResult {
  digest: string;
  /** The subject's digest, for the OCI-Subject response header. */
  subject?: string;
}

export interface ReferrerList {
  /** The image index the referrers API answers with. */
  index: { schemaVersion: 2; mediaType: string; manifests: Array<Record<string, unknown>> };
  /** True when an artifactType filter was applied (OCI-Filters-Applied header). */
  filtered: boolean;
}

function digestOf(bytes: Uint8Array, algorithm: 'sha256' | 'sha512'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

export class Manifests {
  readonly #context: RegistryContext;

  constructor(context: RegistryContext) {
    this.#context = context;
  }

  async put(repository: string, reference: string, bytes: Uint8Array, contentType: string | undefined): Promise<PushResult> {
    const target = checkReference(reference, 'MANIFEST_INVALID');
    const { maxManifestBytes } = this.#context.limits;
    if (bytes.byteLength > maxManifestBytes) {
      throw new RegistryError('MANIFEST_TOO_LARGE', `manifest is ${bytes.byteLength} bytes, over the limit of ${maxManifestBytes}`);
    }
    const digest = digestOf(bytes, 'digest' in target ? digestAlgorithm(target.digest) : 'sha256');
    if ('digest' in target && target.digest !== digest) {
      throw new RegistryError('DIGEST_INVALID', `manifest digest is ${digest}, not ${target.digest}`);
    }
    const document = parsePushedDocument(bytes, contentType, maxManifestBytes);
    const record: ManifestRecord = {
      repository,
      digest,
      mediaType: document.mediaType,
      ...(document.artifactType !== undefined && { artifactType: document.artifactType }),
      ...(document.subject !== undefined && { subject: document.subject.digest }),
      size: bytes.byteLength,
      content: bytes,
      ...(document.annotations !== undefined && { annotations: document.annotations }),
      createdAt: this.#context.now(),
    };
    const tag = 'tag' in target ? target.tag : undefined;
    const store = () =>
      this.#context.lock.shared(async () => {
        await this.#checkReferences(repository, document);
        const references = [...document.blobs, ...document.manifests].map((descriptor) => descriptor.digest);
        await this.#context.metadata.putManifest(record, references, tag);
      });
    await (tag === undefined ? store() : this.#context.tags.push(repository, tag, digest, store));
    this.#context.events.publish('manifestPushed', {
      repository,
      digest,
      mediaType: document.mediaType,
      ...(tag !== undefined && { tag }),
      ...(record.subject !== undefined && { subject: record.subject }),
    });
    return { digest, ...(record.subject !== undefined && { subject: record.subject }) };
  }

  /** The manifest a tag or digest names; MANIFEST_UNKNOWN when there is none. */
  async get(repository: string, reference: string): Promise<ManifestRecord> {
    const record = await this.find(repository, reference);
    if (record === undefined) {
      throw new RegistryError('MANIFEST_UNKNOWN', `manifest ${reference} not found in ${repository}`, { detail: { reference } });
    }
    return record;
  }

  /** The digest a tag names (a tag always names a stored manifest), without reading the manifest. */
  async resolve(repository: string, reference: string): Promise<string | undefined> {
    const target = checkReference(reference, 'MANIFEST_UNKNOWN');
    if ('tag' in target) return this.#context.metadata.resolveTag(repository, target.tag);
    return (await this.#context.metadata.getManifest(repository, target.digest))?.digest;
  }

  /**
   * The manifest a tag or digest names, or undefined: for callers to whom absence is an answer
   * (a signature tag that is not there), without the cost of building an error for each miss.
   */
  async find(repository: string, reference: string): Promise<ManifestRecord | undefined> {
    const target = checkReference(reference, 'MANIFEST_UNKNOWN');
    const digest = 'digest' in target ? target.digest : await this.#context.metadata.resolveTag(repository, target.tag);
    return digest === undefined ? undefined : this.#context.metadata.getManifest(repository, digest);
  }

  /** Deletes a manifest by digest (with its tags), or only a tag. */
  async delete(repository: string, reference: string): Promise<void> {
    const target = checkReference(reference, 'MANIFEST_UNKNOWN');
    const metadata = this.#context.metadata;
    if ('tag' in target) {
      const digest = await metadata.resolveTag(repository, target.tag);
      if (digest !== undefined) await this.#context.tags.checkTagDelete(repository, target.tag);
      if (digest === undefined || !(await metadata.deleteTag(repository, target.tag))) {
        throw new RegistryError('MANIFEST_UNKNOWN', `tag ${target.tag} not found in ${repository}`);
      }
      this.#context.events.publish('manifestDeleted', { repository, digest, tag: target.tag });
      return;
    }
    await this.#context.tags.checkManifestDelete(repository, target.digest);
    if (!(await metadata.deleteManifest(repository, target.digest))) {
      throw new RegistryError('MANIFEST_UNKNOWN', `manifest ${target.digest} not found in ${repository}`);
    }
    this.#context.events.publish('manifestDeleted', { repository, digest: target.digest });
  }

  async tags(repository: string, page: Page): Promise<string[]> {
    if (!(await this.#context.metadata.repositoryExists(repository))) {
      throw new RegistryError('NAME_UNKNOWN', `repository ${repository} not found`, { detail: { name: repository } });
    }
    return this.#context.metadata.listTags(repository, page);
  }

  /** Manifests whose subject is `digest`, as an image index; optionally only one artifactType. */
  async referrers(repository: string, digest: string, artifactType?: string): Promise<ReferrerList> {
    const records = await this.#context.metadata.listReferrers(repository, digest);
    const matching = artifactType === undefined ? records : records.filter((record) => record.artifactType === artifactType);
    const manifests = matching.map((record) => ({
      mediaType: record.mediaType,
      digest: record.digest,
      size: record.size,
      ...(record.artifactType !== undefined && { artifactType: record.artifactType }),
      ...(record.annotations !== undefined && { annotations: record.annotations }),
    }));
    return { index: { schemaVersion: 2, mediaType: OCI_INDEX, manifests }, filtered: artifactType !== undefined };
  }

  /** Every referenced blob must be linked to the repository and stored; every child manifest stored. */
  async #checkReferences(repository: string, document: PushedDocument): Promise<void> {
    const { blobs, metadata } = this.#context;
    for (const descriptor of document.blobs) {
      const stored = (await metadata.isBlobLinked(repository, descriptor.digest)) ? await blobs.stat(descriptor.digest) : undefined;
      if (stored === undefined) {
        throw new RegistryError('MANIFEST_BLOB_UNKNOWN', `blob ${descriptor.digest} is not in ${repository}`, { detail: { digest: descriptor.digest } });
      }
      if (stored.size !== descriptor.size) {
        throw new RegistryError('MANIFEST_INVALID', `blob ${descriptor.digest} is ${stored.size} bytes, the manifest says ${descriptor.size}`);
      }
    }
    for (const descriptor of document.manifests) {
      if ((await metadata.getManifest(repository, descriptor.digest)) === undefined) {
        throw new RegistryError('MANIFEST_BLOB_UNKNOWN', `manifest ${descriptor.digest} is not in ${repository}`, { detail: { digest: descriptor.digest } });
      }
    }
  }
}
