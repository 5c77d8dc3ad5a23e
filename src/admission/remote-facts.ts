/**
 * Facts about images in other registries, through the policy module's gatherRemoteFacts: the digest
 * the reference names, its creation time, and the signatures and attestations there that verify
 * against the attestor keys valid now. Other registries hold no Portcullis scan or labels, so the
 * scan is `none` and labels are empty: a policy that requires a scan refuses such images.
 */
import { parseReference } from '../core/index.ts';
import { gatherRemoteFacts } from '../policy/facts/index.ts';
import { type RemoteFacts, keysValidAt } from './facts.ts';

export interface RegistryFactsOptions {
  /** Registries reached over plain HTTP (loopback test registries, for instance). */
  insecureHosts?: readonly string[];
}

export function registryRemoteFacts(options: RegistryFactsOptions = {}): RemoteFacts {
  const insecure = new Set(options.insecureHosts ?? []);
  return async (image, { attestorKeys, timeoutMs, signal }) => {
    const now = new Date();
    const { input } = await gatherRemoteFacts(image, {
      attestorKeys: keysValidAt(attestorKeys, now).map((key) => key.publicKey),
      timeoutMs,
      signal,
      insecure: insecure.has(parseReference(image).domain),
      now,
    });
    return {
      digest: input.image.digest,
      ...(input.image.createdAt !== undefined && { createdAt: input.image.createdAt }),
      labels: input.labels,
      signatures: input.signatures,
      attestations: input.attestations,
      scan: input.scan,
    };
  };
}
