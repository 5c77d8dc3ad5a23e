/**
 * One image, one verdict: parse the reference, find its digest and facts (in-process for the local
 * registry, a bounded remote call otherwise), build the PolicyInput and ask the policy. Verdicts are
 * cached by (reference, digest, policy revision, deploy context); concurrent asks for the same key
 * share one evaluation. Whatever goes wrong (bad reference, image not found, timeout, a policy
 * error) is a denial naming the image and the cause: admission fails closed.
 */
import { type Logger, type Reference, isPortcullisError, parseReference } from '../core/index.ts';
import type { Decision, DecisionReason, PolicyDeployment, PolicyInput } from '../policy/types.ts';
import type { CompiledPolicy } from '../policy/model.ts';
import type { TrustedKey } from '../signing/index.ts';
import { DecisionCache } from './cache.ts';
import type { ImageFacts, RemoteFacts } from './facts.ts';
import type { LocalFacts } from './local-facts.ts';

/** What admission needs of a policy: its revision (the cache key) and a pure evaluate. */
export interface AdmissionPolicy {
  /** Changes whenever the policy or its attestor keys change. */
  revision: string;
  evaluate(input: PolicyInput): Decision;
  /** Public keys of the policy's attestors, for verifying signatures of local images. */
  attestorKeys: readonly TrustedKey[];
  /** The compiled policy behind `evaluate`, when there is one (layered policies add its layers to theirs). */
  compiled?: CompiledPolicy;
}

export interface ImageVerdict {
  image: string;
  digest?: string;
  allowed: boolean;
  /** Refusals, each naming the image, the rule and the fix. */
  denials: string[];
  warnings: string[];
}

export interface DeciderOptions {
  policy: () => AdmissionPolicy;
  /** Portcullis's own registry, and the host names pod specs reach it by. */
  local?: { facts: LocalFacts; hosts: readonly string[] };
  remoteFacts?: RemoteFacts;
  /** Budget for facts of an image in another registry (default 3 s): past it the image is denied. */
  remoteTimeoutMs?: number;
  /** Lifetime of cached allows (default 5 min) and denials (default 10 s). */
  allowTtlMs?: number;
  denyTtlMs?: number;
  maxCacheEntries?: number;
  logger: Logger;
  now?: () => number;
}

export const DEFAULT_REMOTE_TIMEOUT_MS = 3000;

export class ImageDecider {
  readonly cache: DecisionCache<ImageVerdict>;
  readonly #options: DeciderOptions;
  readonly #localHosts: Set<string>;
  readonly #inFlight = new Map<string, Promise<ImageVerdict>>();
  readonly #now: () => number;
  #revision: string | undefined;

  constructor(options: DeciderOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.cache = new DecisionCache({ now: this.#now, ...(options.maxCacheEntries !== undefined && { maxEntries: options.maxCacheEntries }) });
    this.#localHosts = new Set((options.local?.hosts ?? []).map((host) => host.toLowerCase()));
  }

  isLocal(reference: Reference): boolean {
    return this.#options.local !== undefined && this.#localHosts.has(reference.domain);
  }

  /** The digest an image reference names now (in-process for local images, else by remote facts). */
  async resolveDigest(reference: Reference, written: string): Promise<string> {
    if (reference.digest !== undefined) return reference.digest;
    const local = this.#options.local;
    if (local !== undefined && this.isLocal(reference)) return local.facts.resolve(reference.repository, reference.tag ?? 'latest');
    return (await this.#remote(written, this.#options.policy().attestorKeys)).digest;
  }

  async decide(image: string, deployment: PolicyDeployment): Promise<ImageVerdict> {
    const policy = this.#options.policy();
    if (policy.revision !== this.#revision) {
      // A new policy (or new keys) makes every cached verdict stale.
      this.cache.clear();
      this.#revision = policy.revision;
    }
    let reference: Reference;
    try {
      reference = parseReference(image);
    } catch (error) {
      return deny(image, undefined, `image ${quote(image)} is not a valid image reference: ${messageOf(error)}`);
    }
    let digest = reference.digest;
    const local = this.#options.local;
    if (digest === undefined && local !== undefined && this.isLocal(reference)) {
      try {
        digest = await local.facts.resolve(reference.repository, reference.tag ?? 'latest');
      } catch (error) {
        if (isPortcullisError(error) && error.code === 'NOT_FOUND') {
          return deny(image, undefined, `image ${quote(image)} is not in the Portcullis registry (${messageOf(error)}). Fix: push it there first`);
        }
        this.#options.logger.error(`admission: resolving ${image}: ${messageOf(error)}`);
        return deny(image, undefined, `image ${quote(image)} could not be resolved in the Portcullis registry, so it is refused: ${messageOf(error)}`);
      }
    }
    const key = JSON.stringify([image, digest, policy.revision, deployment.cluster, deployment.namespace, deployment.serviceAccount, deployment.kind, deployment.name]);
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const running = this.#inFlight.get(key);
    if (running !== undefined) return running;
    const work = this.#evaluate(image, reference, digest, deployment, policy).then((outcome) => {
      if (outcome.cacheable) {
        const ttl = outcome.verdict.allowed ? (this.#options.allowTtlMs ?? 300_000) : (this.#options.denyTtlMs ?? 10_000);
        this.cache.set(key, outcome.verdict, ttl, outcome.verdict.digest);
      }
      return outcome.verdict;
    });
    this.#inFlight.set(key, work);
    try {
      return await work;
    } finally {
      this.#inFlight.delete(key);
    }
  }

  async #evaluate(image: string, reference: Reference, digest: string | undefined, deployment: PolicyDeployment, policy: AdmissionPolicy): Promise<{ verdict: ImageVerdict; cacheable: boolean }> {
    let facts: ImageFacts;
    try {
      facts = await this.#facts(image, reference, digest, policy.attestorKeys);
    } catch (error) {
      // Facts that could not be read are not cached: the next request tries again.
      this.#options.logger.warn(`admission: facts of ${image}: ${messageOf(error)}`);
      return { verdict: deny(image, digest, `image ${quote(image)} could not be checked, so it is refused: ${messageOf(error)}`), cacheable: false };
    }
    const input: PolicyInput = {
      action: 'admit',
      image: {
        reference: image,
        registry: reference.domain,
        repository: reference.repository,
        digest: facts.digest,
        ...(reference.tag !== undefined && { tag: reference.tag }),
        ...(facts.createdAt !== undefined && { createdAt: facts.createdAt }),
      },
      labels: facts.labels,
      signatures: facts.signatures,
      attestations: facts.attestations,
      scan: facts.scan,
      deployment,
      now: new Date(this.#now()).toISOString(),
    };
    let decision: Decision;
    try {
      decision = policy.evaluate(input);
    } catch (error) {
      this.#options.logger.error(`admission: policy evaluation of ${image} failed: ${messageOf(error)}`);
      return { verdict: deny(image, facts.digest, `image ${quote(image)}: the policy could not be evaluated (${messageOf(error)})`), cacheable: false };
    }
    return { verdict: verdictOf(image, facts.digest, decision), cacheable: true };
  }

  async #facts(image: string, reference: Reference, digest: string | undefined, keys: readonly TrustedKey[]): Promise<ImageFacts> {
    const local = this.#options.local;
    if (local !== undefined && digest !== undefined && this.isLocal(reference)) {
      return local.facts.gather(reference.repository, digest, `${reference.domain}/${reference.repository}`, keys);
    }
    const facts = await this.#remote(image, keys);
    if (digest !== undefined && facts.digest !== digest) throw new Error(`the registry answered for ${facts.digest}, not ${digest}`);
    return facts;
  }

  /** Remote facts within the budget; a timeout rejects even if the fact source ignores its signal. */
  async #remote(image: string, keys: readonly TrustedKey[]): Promise<ImageFacts> {
    const remoteFacts = this.#options.remoteFacts;
    if (remoteFacts === undefined) throw new Error('it is not in the local registry and no remote registry access is configured');
    const timeoutMs = this.#options.remoteTimeoutMs ?? DEFAULT_REMOTE_TIMEOUT_MS;
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`its registry did not answer within ${timeoutMs} ms (fail closed)`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([remoteFacts(image, { attestorKeys: keys, timeoutMs, signal: controller.signal }), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function quote(image: string): string {
  return image.length > 200 ? `${image.slice(0, 200)}...` : image;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function deny(image: string, digest: string | undefined, message: string): ImageVerdict {
  return { image, ...(digest !== undefined && { digest }), allowed: false, denials: [message], warnings: [] };
}

function describeReason(image: string, reason: DecisionReason): string {
  const fix = reason.fix === undefined ? '' : ` Fix: ${reason.fix}`;
  return `image ${quote(image)} violates ${reason.rule} (${reason.layer}): ${reason.message}.${fix}`.replace(/\.\./g, '.');
}

/** The policy's decision in admission's words; a dry-run policy reports violations as warnings. */
export function verdictOf(image: string, digest: string, decision: Decision): ImageVerdict {
  const warnings = decision.warnings.map((reason) => describeReason(image, reason));
  const violations = decision.violations.map((reason) => describeReason(image, reason));
  if (decision.enforcement === 'dryrun' || decision.allowed) {
    return { image, digest, allowed: true, denials: [], warnings: [...violations.map((text) => `dry run, would deny: ${text}`), ...warnings] };
  }
  return { image, digest, allowed: false, denials: violations.length > 0 ? violations : [`image ${quote(image)} is denied by the policy`], warnings };
}
