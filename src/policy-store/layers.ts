/**
 * PolicyLayers: every policy layer of the server compiled and ready for synchronous evaluation —
 * the organisation layer from the --policy file (reloaded when the file changes) or else from the
 * store, and the project and namespace layers stored through the API. Compiling resolves attestors
 * by name from the store. A reload or recompile that fails keeps the layer in force and logs why,
 * so a broken edit never opens the gate. `revision()` changes with every file reload and every
 * store change (policy or attestor), which empties admission's decision cache.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { type StatWatcher, unwatchFile, watchFile } from 'node:fs';
import { PortcullisError, type Logger } from '../core/index.ts';
import { attestorKeys, loadPolicy, parsePolicy, type CompiledLayer, type CompiledPolicy, type LoadPolicyOptions } from '../policy/index.ts';
import type { LayerName, StoredPolicies } from './store.ts';

export interface PolicyLayersOptions {
  store: StoredPolicies;
  /** The organisation policy file (--policy): when given, it is the organisation layer. */
  file?: string;
  logger: Logger;
}

interface CompiledEntry {
  compiled: CompiledLayer;
  policy: CompiledPolicy;
}

export class PolicyLayers {
  readonly #options: PolicyLayersOptions;
  #file: CompiledEntry | undefined;
  #stored = new Map<string, CompiledEntry>();
  #storeRevision = -1;
  #revision = '';
  #watching = false;
  #pollTimer: NodeJS.Timeout | undefined;
  #refreshing: Promise<void> | undefined;

  private constructor(options: PolicyLayersOptions) {
    this.#options = options;
  }

  /** Loads the file (a file that does not load stops the server) and compiles the stored layers. */
  static async open(options: PolicyLayersOptions): Promise<PolicyLayers> {
    const layers = new PolicyLayers(options);
    if (options.file !== undefined) layers.#file = entryOf(await loadPolicy(options.file, layers.#loadOptions('organisation')));
    await layers.refresh();
    return layers;
  }

  /** True when --policy gives the organisation layer (the API then refuses to change it). */
  get organisationFromFile(): boolean {
    return this.#options.file !== undefined;
  }

  /** Changes whenever any layer or stored attestor changes. */
  revision(): string {
    return this.#revision;
  }

  /** The compiled layers of these names that exist, in the order given. */
  layers(names: readonly LayerName[]): CompiledLayer[] {
    return names.flatMap((name) => {
      const entry = name === 'organisation' && this.#file !== undefined ? this.#file : this.#stored.get(name);
      return entry === undefined ? [] : [entry.compiled];
    });
  }

  /** Every attestor public key of every layer (what signatures of local images are verified against). */
  attestorKeys(): KeyObject[] {
    const all = [this.#file, ...this.#stored.values()].filter((entry) => entry !== undefined);
    return attestorKeys({ layers: all.map((entry) => entry.compiled), revision: this.#revision });
  }

  /** Compiles policy bytes as the named layer would be; throws the loader's error when it does not load. */
  async validate(bytes: Uint8Array, layer: LayerName): Promise<void> {
    await parsePolicy(bytes, layer, this.#loadOptions(layer));
  }

  /** Recompiles the stored layers when the store changed since the last refresh. */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#recompile().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  /** Loads the --policy file again; on failure the organisation layer in force stays. */
  async reloadFile(): Promise<void> {
    const file = this.#options.file;
    if (file === undefined) return;
    try {
      const entry = entryOf(await loadPolicy(file, this.#loadOptions('organisation')));
      if (entry.policy.revision === this.#file?.policy.revision) return;
      this.#file = entry;
      this.#updateRevision();
      this.#options.logger.info(`policy: organisation policy ${file} reloaded (revision ${this.#revision.slice(0, 19)})`);
    } catch (error) {
      this.#options.logger.error(`policy: reloading ${file} failed, the previous organisation policy stays in force: ${(error as Error).message}`);
    }
  }

  /** Polls the file's modification time and the store's revision (works on ConfigMap mounts too). */
  watch(intervalMs = 2000): void {
    if (this.#options.file !== undefined) {
      const watcher: StatWatcher = watchFile(this.#options.file, { interval: intervalMs, persistent: false }, () => void this.reloadFile());
      watcher.unref();
      this.#watching = true;
    }
    this.#pollTimer = setInterval(() => void this.refresh(), intervalMs);
    this.#pollTimer.unref();
  }

  close(): void {
    if (this.#watching && this.#options.file !== undefined) unwatchFile(this.#options.file);
    this.#watching = false;
    clearInterval(this.#pollTimer);
  }

  async #recompile(): Promise<void> {
    const { store, logger } = this.#options;
    const revision = store.revision();
    if (revision === this.#storeRevision) return;
    const next = new Map<string, CompiledEntry>();
    for (const stored of store.layers()) {
      try {
        next.set(stored.layer, entryOf(await parsePolicy(stored.document, stored.layer, this.#loadOptions(stored.layer))));
      } catch (error) {
        const previous = this.#stored.get(stored.layer);
        if (previous !== undefined) next.set(stored.layer, previous);
        logger.error(`policy: stored layer ${stored.layer} does not compile (${(error as Error).message}); ${previous === undefined ? 'it is not applied' : 'its previous version stays in force'}`);
      }
    }
    this.#stored = next;
    this.#storeRevision = revision;
    this.#updateRevision();
  }

  #updateRevision(): void {
    const stored = [...this.#stored.values()].map((entry) => entry.policy.revision);
    this.#revision = `sha256:${createHash('sha256').update(JSON.stringify([this.#file?.policy.revision ?? '', this.#storeRevision, stored])).digest('hex')}`;
  }

  #loadOptions(layer: LayerName): LoadPolicyOptions {
    const store = this.#options.store;
    return {
      layer,
      resolveAttestor: async (name) => {
        const attestor = store.attestor(name);
        return attestor === undefined ? undefined : [createPublicKey(attestor.publicKeyPem)];
      },
    };
  }
}

function entryOf(policy: CompiledPolicy): CompiledEntry {
  const compiled = policy.layers[0];
  if (compiled === undefined) throw new PortcullisError('INTERNAL', 'a loaded policy has one layer');
  return { compiled, policy };
}
