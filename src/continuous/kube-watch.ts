/**
 * The cluster watcher (`portcullis serve --kube-watch KUBECONFIG`): lists and watches every pod
 * through the Kubernetes API (@kubernetes/client-node's informer: list, then watch from the list's
 * resourceVersion, relisting when the watch breaks) and keeps the running-image inventory exact.
 * Needs `list` and `watch` on pods cluster-wide.
 */
import { CoreV1Api, type Informer, KubeConfig, type ObjectCache, type V1Pod, makeInformer } from '@kubernetes/client-node';
import { type Logger, PortcullisError } from '../core/index.ts';
import type { RunningImage } from './model.ts';
import { type PodImage, podImages, reconcile } from './pods.ts';

export interface PodWatcherOptions {
  kubeconfig: string;
  inventory: {
    running(): RunningImage[];
    markEnded(id: string): void;
    observe(image: PodImage & { cluster?: string; admittedAt: string; breakGlass: boolean }): void;
  };
  cluster?: string;
  /** Admitted images whose pods never showed up end after this long (default 10 min). */
  startGraceMs?: number;
  /** Pause before a broken watch is started again (default 5 s). */
  retryMs?: number;
  logger: Logger;
  now?: () => number;
}

export class PodWatcher {
  readonly #options: PodWatcherOptions;
  readonly #informer: Informer<V1Pod> & ObjectCache<V1Pod>;
  readonly #seen = new Set<string>();
  readonly #now: () => number;
  #scheduled: NodeJS.Timeout | undefined;
  #retry: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: PodWatcherOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    const config = new KubeConfig();
    try {
      config.loadFromFile(options.kubeconfig);
    } catch (error) {
      throw new PortcullisError('USAGE', `--kube-watch ${options.kubeconfig}: ${(error as Error).message}`, { cause: error });
    }
    if (config.getCurrentCluster() === null) throw new PortcullisError('USAGE', `--kube-watch ${options.kubeconfig}: the kubeconfig names no current cluster`);
    const api = config.makeApiClient(CoreV1Api);
    this.#informer = makeInformer(config, '/api/v1/pods', () => api.listPodForAllNamespaces());
    const changed = () => this.#schedule();
    this.#informer.on('add', changed);
    this.#informer.on('update', changed);
    this.#informer.on('delete', changed);
    this.#informer.on('connect', changed);
    this.#informer.on('error', (error: unknown) => {
      if (this.#stopped) return;
      this.#options.logger.warn(`kube-watch: watching pods failed, retrying: ${error instanceof Error ? error.message : String(error)}`);
      this.#retryLater();
    });
  }

  async start(): Promise<void> {
    await this.#start();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#scheduled);
    clearTimeout(this.#retry);
    await this.#informer.stop();
  }

  async #start(): Promise<void> {
    if (this.#stopped) return;
    try {
      await this.#informer.start();
    } catch (error) {
      this.#options.logger.warn(`kube-watch: listing pods failed, retrying: ${(error as Error).message}`);
      this.#retryLater();
    }
  }

  /** One pending restart at most: a failed start may also be reported as an informer error. */
  #retryLater(): void {
    if (this.#stopped) return;
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => void this.#start(), this.#options.retryMs ?? 5000);
    this.#retry.unref();
  }

  /** Bursts of pod events (a rollout) are reconciled once. */
  #schedule(): void {
    if (this.#scheduled !== undefined || this.#stopped) return;
    this.#scheduled = setTimeout(() => {
      this.#scheduled = undefined;
      this.#reconcile();
    }, 100);
  }

  #reconcile(): void {
    const live = this.#informer.list().flatMap((pod) => podImages(pod));
    for (const image of live) this.#seen.add(JSON.stringify([image.namespace, image.digest ?? image.image]));
    const grace = this.#options.startGraceMs ?? 600_000;
    const mayEnd = (image: RunningImage) => this.#seen.has(JSON.stringify([image.namespace, image.digest ?? image.image])) || this.#now() - Date.parse(image.admittedAt) > grace;
    const { ended, unknown } = reconcile(this.#options.inventory.running(), live, mayEnd);
    for (const id of ended) this.#options.inventory.markEnded(id);
    const admittedAt = new Date(this.#now()).toISOString();
    for (const image of unknown) {
      this.#options.logger.warn(`kube-watch: ${image.image} runs in ${image.kind} ${image.namespace}/${image.name} without an admission record`);
      this.#options.inventory.observe({ ...image, ...(this.#options.cluster !== undefined && { cluster: this.#options.cluster }), admittedAt, breakGlass: false });
    }
  }
}
