/**
 * The policy the webhook decides by, kept current: loaded from its file, with the attestors' public
 * keys it declares (and an optional trust file that adds validity windows and revocations to keys),
 * reloaded when either file changes. A reload that fails keeps the policy in force and logs why, so a typo
 * in an edit never opens the gate. The revision covers both files: any change empties the cache.
 */
import { createHash } from 'node:crypto';
import { type StatWatcher, watchFile, unwatchFile } from 'node:fs';
import type { Logger } from '../core/index.ts';
import { attestorKeys, evaluate, loadPolicy, type CompiledPolicy } from '../policy/index.ts';
import { loadTrustFile, trustedKey, type TrustedKey } from '../signing/index.ts';
import type { AdmissionPolicy } from './decide.ts';

export interface PolicyFiles {
  policy: string;
  /**
   * Trust file (see `portcullis verify --trust`): keys it lists are used with its validity windows
   * and revocations instead of the policy's bare attestor keys.
   */
  trust?: string;
}

/** A compiled policy and its keys as admission uses them. */
export function admissionPolicy(compiled: CompiledPolicy, keys: readonly TrustedKey[]): AdmissionPolicy {
  const keyIds = keys.map((key) => `${key.name}=${key.keyId}:${key.notBefore?.toISOString() ?? ''}:${key.notAfter?.toISOString() ?? ''}:${key.revoked === true}`).sort();
  const revision = `sha256:${createHash('sha256').update(JSON.stringify([compiled.revision, keyIds])).digest('hex')}`;
  return { revision, evaluate: (input) => evaluate(compiled, input), attestorKeys: keys, compiled };
}

export async function loadAdmissionPolicy(files: PolicyFiles): Promise<AdmissionPolicy> {
  const [compiled, trusted] = await Promise.all([loadPolicy(files.policy), files.trust === undefined ? [] : loadTrustFile(files.trust)]);
  const known = new Set(trusted.map((key) => key.keyId));
  const declared = attestorKeys(compiled)
    .map((key, index) => trustedKey(`attestor-key-${index + 1}`, key))
    .filter((key) => !known.has(key.keyId));
  return admissionPolicy(compiled, [...trusted, ...declared]);
}

export class PolicyHolder {
  #current: AdmissionPolicy;
  readonly #files: PolicyFiles;
  readonly #logger: Logger;
  readonly #watched: string[] = [];
  #reloading: Promise<void> | undefined;

  private constructor(current: AdmissionPolicy, files: PolicyFiles, logger: Logger) {
    this.#current = current;
    this.#files = files;
    this.#logger = logger;
  }

  static async open(files: PolicyFiles, logger: Logger): Promise<PolicyHolder> {
    return new PolicyHolder(await loadAdmissionPolicy(files), files, logger);
  }

  current(): AdmissionPolicy {
    return this.#current;
  }

  /** Loads the files again; on failure the policy in force stays. */
  reload(): Promise<void> {
    this.#reloading ??= loadAdmissionPolicy(this.#files)
      .then((policy) => {
        if (policy.revision !== this.#current.revision) this.#logger.info(`admission: policy reloaded (revision ${policy.revision.slice(0, 19)})`);
        this.#current = policy;
      })
      .catch((error: unknown) => this.#logger.error(`admission: policy reload failed, the previous policy stays in force: ${(error as Error).message}`))
      .finally(() => {
        this.#reloading = undefined;
      });
    return this.#reloading;
  }

  /** Reloads whenever a file's modification time changes (polled: works on ConfigMap mounts too). */
  watch(intervalMs = 2000): void {
    for (const file of [this.#files.policy, this.#files.trust]) {
      if (file === undefined) continue;
      const watcher: StatWatcher = watchFile(file, { interval: intervalMs, persistent: false }, () => void this.reload());
      watcher.unref();
      this.#watched.push(file);
    }
  }

  close(): void {
    for (const file of this.#watched.splice(0)) unwatchFile(file);
  }
}
