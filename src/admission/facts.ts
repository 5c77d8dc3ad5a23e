/**
 * What admission knows about an image before the policy speaks: its digest and the facts a
 * PolicyInput carries (labels, verified signatures and attestations, scan). Local images come from
 * Portcullis's own registry in-process (local-facts.ts); images of other registries from a
 * RemoteFacts function bounded by a time budget well under the webhook's timeout.
 */
import type { PolicyInput } from '../policy/types.ts';
import type { TrustedKey } from '../signing/index.ts';

export type ImageFacts = Pick<PolicyInput, 'labels' | 'signatures' | 'attestations' | 'scan'> & {
  /** `sha256:<hex>` of the manifest the reference names now. */
  digest: string;
  createdAt?: string;
};

export interface RemoteFactsOptions {
  /** Keys whose signatures and attestations count; the rest are ignored. */
  attestorKeys: readonly TrustedKey[];
  timeoutMs: number;
  signal: AbortSignal;
}

/** Gathers the facts of an image in another registry; rejects (never hangs) past the budget. */
export type RemoteFacts = (reference: string, options: RemoteFactsOptions) => Promise<ImageFacts>;

/**
 * The keys that vouch for anything at `now`: not revoked, inside their trust window. Verification
 * with only these is what verifying against the whole trust file at `now` means.
 */
export function keysValidAt(keys: readonly TrustedKey[], now: Date): TrustedKey[] {
  return keys.filter((key) => key.revoked !== true && (key.notBefore === undefined || key.notBefore <= now) && (key.notAfter === undefined || now <= key.notAfter));
}
