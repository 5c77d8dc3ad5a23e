/**
 * Facts about an image in a remote registry, gathered into a PolicyInput: its digest (resolved from
 * the tag), creation time (image config), signatures and attestations verified against the
 * attestors' keys, and its scan and labels: the stored scan the image's own registry keeps when
 * that registry is a Portcullis server (read through the same client, so the same credentials), or
 * a fresh scan the caller runs. This is the imperative shell around evaluate(): every remote call
 * carries the caller's AbortSignal and a timeout.
 */
import type { KeyObject } from 'node:crypto';
import { PortcullisError, parseReference } from '../../core/index.ts';
import { parseImageConfig, parseImageDocument } from '../../oci/index.ts';
import { RegistryClient, type Credentials } from '../../registry-client/index.ts';
import { collectCandidates, fetchStoredScan, registryClientReader, trustedKey, verifyAttestationCandidates, verifySignatureCandidates, type AttachmentReader, type Check } from '../../signing/index.ts';
import type { PolicyAction, PolicyDeployment, PolicyInput, PolicyScan, VerifiedAttestation, VerifiedSignature } from '../types.ts';
import { policyScanOf } from './stored-scan-input.ts';

export const DEFAULT_FACTS_TIMEOUT_MS = 30_000;
/** Image configs are a few kilobytes; a larger one is not read for its creation time. */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

export interface RemoteFactsOptions {
  /** Public keys of the attestors the policy names: only signatures by these are reported. */
  attestorKeys: readonly KeyObject[];
  /** Time limit for the whole gathering, and so for each remote call in it. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Registry credentials (else the auth file, as `portcullis login` wrote it). */
  credentials?: Credentials;
  authFile?: string;
  insecure?: boolean;
  /**
   * Read the image's scan and labels from its own registry, when that registry is a Portcullis
   * server. A registry that keeps no scans leaves the scan `none`, with a warning.
   */
  storedScan?: boolean;
  /** A fresh scan of the resolved image instead (the CLI's `--db`). */
  scan?: (reference: string, digest: string, signal: AbortSignal) => Promise<PolicyScan>;
  action?: PolicyAction;
  deployment?: PolicyDeployment;
  /** The decision time; the clock when absent. */
  now?: Date;
}

export interface RemoteFacts {
  input: PolicyInput;
  /** Facts that could not be read and were left out (an unreadable config, a registry without stored scans). */
  warnings: string[];
}

export async function gatherRemoteFacts(reference: string, options: RemoteFactsOptions): Promise<RemoteFacts> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_FACTS_TIMEOUT_MS;
  try {
    return await gather(reference, options, timeoutMs);
  } catch (error) {
    // Cancellation and time limits surface from fetch as DOMExceptions: callers get one error type.
    if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
      const why = options.signal?.aborted === true ? 'cancelled' : `no answer within ${timeoutMs} ms`;
      throw new PortcullisError('NETWORK', `gathering facts about ${reference}: ${why}`, { cause: error });
    }
    throw error;
  }
}

async function gather(reference: string, options: RemoteFactsOptions, timeoutMs: number): Promise<RemoteFacts> {
  if (options.storedScan === true && options.scan !== undefined) throw new PortcullisError('USAGE', 'the stored scan and a fresh scan are two sources of the same facts: give one');
  const parsed = parseReference(reference);
  const signal = options.signal === undefined ? AbortSignal.timeout(timeoutMs) : AbortSignal.any([options.signal, AbortSignal.timeout(timeoutMs)]);
  const client = new RegistryClient({
    domain: parsed.domain,
    timeoutMs,
    signal,
    ...(options.credentials !== undefined && { credentials: options.credentials }),
    ...(options.authFile !== undefined && { authFile: options.authFile }),
    ...(options.insecure !== undefined && { insecure: options.insecure }),
  });
  const warnings: string[] = [];
  const manifest = await client.getManifest(parsed.repository, parsed.digest ?? parsed.tag ?? 'latest');
  if (parsed.digest !== undefined && manifest.digest !== parsed.digest) {
    throw new PortcullisError('DIGEST_MISMATCH', `${reference}: the registry answered manifest ${manifest.digest}`);
  }
  const digest = manifest.digest;
  const createdAt = await readCreatedAt(client, parsed.repository, manifest, warnings);
  const reader = registryClientReader(client);
  const { signatures, attestations } = await verifiedAttachments(reader, { repository: parsed.repository, name: `${parsed.domain}/${parsed.repository}` }, digest, options.attestorKeys, options.now ?? new Date());

  let scan: PolicyScan = { state: 'none', findings: [] };
  let labels: Record<string, string> = {};
  if (options.storedScan === true) {
    const answer = await fetchStoredScan(client, parsed.repository, digest);
    if (answer.offered) {
      scan = policyScanOf(answer.scan);
      labels = answer.scan.labels;
    } else warnings.push(`${parsed.domain}/${parsed.repository}@${digest}: no stored scan (${answer.reason}), so the image counts as never scanned`);
  } else if (options.scan !== undefined) {
    scan = await options.scan(`${parsed.domain}/${parsed.repository}@${digest}`, digest, signal);
  }

  const input: PolicyInput = {
    action: options.action ?? 'admit',
    image: {
      reference,
      registry: parsed.domain,
      repository: parsed.repository,
      digest,
      ...(parsed.tag !== undefined && { tag: parsed.tag }),
      ...(createdAt !== undefined && { createdAt }),
    },
    labels,
    signatures,
    attestations,
    scan,
    now: (options.now ?? new Date()).toISOString(),
  };
  if (options.deployment !== undefined) input.deployment = options.deployment;
  return { input, warnings };
}

async function readCreatedAt(client: RegistryClient, repository: string, manifest: { bytes: Buffer; mediaType: string; digest: string }, warnings: string[]): Promise<string | undefined> {
  try {
    const document = parseImageDocument(manifest.bytes, manifest.mediaType);
    // An index has no one creation time: its platform images may differ.
    if (document.kind !== 'manifest') return undefined;
    const config = parseImageConfig(await client.getBlob(repository, document.manifest.config, MAX_CONFIG_BYTES));
    return config.created;
  } catch (error) {
    if (!(error instanceof PortcullisError) || error.code === 'NETWORK') throw error;
    warnings.push(`the image config of ${manifest.digest} could not be read, so its age is unknown: ${error.message}`);
    return undefined;
  }
}

/**
 * Signatures and attestations that verify with one of the keys, each named by its key's fingerprint.
 * `image.repository` is the path in the registry, `image.name` the same with the registry host.
 * Verification time is `now`, so a key's trust window is judged at the decision's time.
 */
export async function verifiedAttachments(
  reader: AttachmentReader,
  image: { repository: string; name: string },
  digest: string,
  keys: readonly KeyObject[],
  now: Date,
): Promise<{ signatures: VerifiedSignature[]; attestations: VerifiedAttestation[] }> {
  if (keys.length === 0) return { signatures: [], attestations: [] };
  // Naming each trusted key by its fingerprint makes the verifier's keyName the fingerprint itself.
  const trusted = keys.map((key) => {
    const named = trustedKey('', key);
    return { ...named, name: named.keyId };
  });
  // Signed payloads name the image with its registry: that is what they are checked against.
  const options = { digest, repository: image.name, keys: trusted, now };
  const [signatureCandidates, attestationCandidates] = await Promise.all([collectCandidates(reader, image.repository, digest, 'signature'), collectCandidates(reader, image.repository, digest, 'attestation')]);
  const valid = (checks: Check[]) => checks.filter((check) => check.valid && check.keyName !== undefined);
  const signatures = valid(verifySignatureCandidates(signatureCandidates, options).checks).map((check) => ({
    keyFingerprint: check.keyName as string,
    annotations: check.annotations ?? {},
    source: check.locations.some((location) => location.startsWith('tag')) ? ('cosign-tag' as const) : ('referrer' as const),
  }));
  const attestations = valid(verifyAttestationCandidates(attestationCandidates, options).checks).map((check) => ({ keyFingerprint: check.keyName as string, predicateType: check.predicateType ?? '' }));
  return { signatures, attestations };
}
