/**
 * Facts about images in Portcullis's own registry, read in-process: the manifest digest a tag names
 * (RegistryService), signatures and attestations verified against the policy's attestor keys
 * (signing, over the registry's in-process attachment reader), scan results and when each finding was first seen
 * (RegistryScanner), and lifecycle labels (the registry-policy store). For an image index the
 * signatures are the index's own and the scan is every platform image's, taken together.
 */
import { PortcullisError } from '../core/index.ts';
import { parseImageConfig, parseImageDocument } from '../oci/index.ts';
import { verifiedAttachments } from '../policy/facts/index.ts';
import { policyFindingOf, type PolicyFinding, type PolicyScan } from '../policy/index.ts';
import { findingKey, type RegistryScanner } from '../registry-scan/index.ts';
import type { RegistryService } from '../registry/index.ts';
import { localAttachmentReader } from '../registry-sign/index.ts';
import type { AttachmentReader, TrustedKey } from '../signing/index.ts';
import { DecisionCache } from './cache.ts';
import { type ImageFacts, keysValidAt } from './facts.ts';

/** What admission reads from the scanner. */
export type ScanFacts = Pick<RegistryScanner, 'scanResult' | 'scanState' | 'findingFirstSeen'>;
/** What admission reads from the registry-policy store. */
export interface LabelFacts {
  labels(digest: string): Record<string, string>;
}

export interface LocalFactsOptions {
  registry: RegistryService;
  scans?: ScanFacts;
  labels?: LabelFacts;
}

/** Largest image config read for its `created` time. */
const MAX_CONFIG_BYTES = 1024 * 1024;
/** A config never changes under its digest: its `created` time is remembered for a day. */
const CREATED_TTL_MS = 24 * 3600 * 1000;

export class LocalFacts {
  readonly #registry: RegistryService;
  readonly #reader: AttachmentReader;
  readonly #scans: ScanFacts | undefined;
  readonly #labels: LabelFacts | undefined;
  readonly #created = new DecisionCache<{ createdAt?: string }>({ maxEntries: 10_000 });

  constructor(options: LocalFactsOptions) {
    this.#registry = options.registry;
    this.#reader = localAttachmentReader(options.registry);
    this.#scans = options.scans;
    this.#labels = options.labels;
  }

  /** The digest a tag or digest names in the repository; NOT_FOUND when there is none. */
  async resolve(repository: string, reference: string): Promise<string> {
    const digest = await this.#registry.manifests.resolve(repository, reference);
    if (digest === undefined) throw new PortcullisError('NOT_FOUND', `manifest ${reference} not found in ${repository}`);
    return digest;
  }

  /**
   * Everything a PolicyInput needs about `repository@digest`; `signedName` is the "registry/path"
   * signatures must name (the host as the pod spec writes it).
   */
  async gather(repository: string, digest: string, signedName: string, keys: readonly TrustedKey[]): Promise<ImageFacts> {
    const record = await this.#registry.manifests.get(repository, digest);
    let document;
    try {
      document = parseImageDocument(record.content, record.mediaType, { maxBytes: this.#registry.limits.maxManifestBytes });
    } catch (error) {
      throw new PortcullisError('INPUT', `${repository}@${digest} is not a container image: ${(error as Error).message}`, { cause: error });
    }
    const now = new Date();
    const platforms = document.kind === 'index' ? document.index.manifests.map((entry) => entry.digest) : [digest];
    const [{ signatures, attestations }, createdAt] = await Promise.all([
      verifiedAttachments(this.#reader, { repository, name: signedName }, digest, keysValidAt(keys, now).map((key) => key.publicKey), now),
      document.kind === 'manifest' ? this.#createdAt(repository, document.manifest.config.digest) : undefined,
    ]);
    return {
      digest,
      ...(createdAt !== undefined && { createdAt }),
      labels: this.#labels?.labels(digest) ?? {},
      signatures,
      attestations,
      scan: this.#scan(platforms),
    };
  }

  async #createdAt(repository: string, configDigest: string): Promise<string | undefined> {
    const known = this.#created.get(configDigest);
    if (known !== undefined) return known.createdAt;
    let created: string | undefined;
    try {
      created = parseImageConfig(await this.#reader.getBlob(repository, configDigest, MAX_CONFIG_BYTES)).created;
    } catch (error) {
      // An image without a readable config has no known age; the policy decides what that means.
      if (!(error instanceof PortcullisError)) throw error;
    }
    // Remembered either way: the bytes under a digest never change, nor what can be read from them.
    this.#created.set(configDigest, created === undefined ? {} : { createdAt: created }, CREATED_TTL_MS, configDigest);
    return created;
  }

  /** The scan of one image, or of all platform images of an index (the least finished state wins). */
  #scan(digests: readonly string[]): PolicyScan {
    const scans = this.#scans;
    if (scans === undefined) return { state: 'none', findings: [] };
    const findings: PolicyFinding[] = [];
    const states: PolicyScan['state'][] = [];
    let completedAt: number | undefined;
    for (const digest of digests) {
      const result = scans.scanResult(digest);
      if (result === undefined) {
        const job = scans.scanState(digest);
        states.push(job === undefined ? 'none' : job.state === 'failed' ? 'failed' : 'pending');
        continue;
      }
      states.push('completed');
      completedAt = Math.max(completedAt ?? 0, result.matchedAt);
      const firstSeen = scans.findingFirstSeen(digest);
      for (const finding of result.findings) findings.push(policyFindingOf(finding, firstSeen.get(findingKey(finding))));
    }
    const state = (['failed', 'none', 'pending'] as const).find((worst) => states.includes(worst)) ?? 'completed';
    return { state, findings, ...(state === 'completed' && completedAt !== undefined && { completedAt: new Date(completedAt).toISOString() }) };
  }
}

