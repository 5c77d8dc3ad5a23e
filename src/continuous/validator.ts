/**
 * Continuous validation: the images admission let in are decided again, by the very decider
 * admission uses (same facts, same policy, same cache), whenever what the decision rests on
 * changes: a scan or rescan of a running digest, or a new policy revision. A running image that now
 * fails is a violation: logged, kept on the inventory with its reasons, and announced once per new
 * set of reasons (`deployment.violation` webhook). Nothing is evicted.
 */
import { type Logger, parseReference } from '../core/index.ts';
import type { DeploymentRecord, ImageVerdict } from '../admission/index.ts';
import type { PolicyDeployment } from '../policy/types.ts';
import type { DeploymentViolationData, RegistryScannerEvents, RescanReport, ScanResult } from '../registry-scan/index.ts';
import { type CurrentDecision, type EvaluationTrigger, type RunningImage, runningImageId } from './model.ts';
import type { RunningImageStore } from './store.ts';

/** What continuous validation needs of admission: its decider and the revision of its policy. */
export interface DecisionEngine {
  decide(image: string, deployment: PolicyDeployment): Promise<ImageVerdict>;
  /** Drops cached verdicts of a digest whose facts changed. */
  invalidate(digest: string): void;
  revision(): string;
}

export interface ScanEventSource {
  events: {
    on<E extends 'scanCompleted' | 'rescanCompleted'>(event: E, listener: (...args: RegistryScannerEvents[E]) => void): unknown;
    off<E extends 'scanCompleted' | 'rescanCompleted'>(event: E, listener: (...args: RegistryScannerEvents[E]) => void): unknown;
  };
}

export interface ContinuousOptions {
  store: RunningImageStore;
  /** Scan results that may change a running image's decision. */
  scanner?: ScanEventSource;
  /** Where violations are announced (the scanner's signed webhooks in `portcullis serve`). */
  notify?: (violation: DeploymentViolationData) => void;
  /** How often the policy revision is compared with the one running images were decided by (default 2 s). */
  policyPollMs?: number;
  logger: Logger;
  now?: () => number;
}

export class ContinuousValidator {
  readonly store: RunningImageStore;
  readonly #options: ContinuousOptions;
  readonly #now: () => number;
  readonly #pending = new Map<string, EvaluationTrigger>();
  #engine: DecisionEngine | undefined;
  #revision: string | undefined;
  #queue: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  readonly #onScan = (result: ScanResult) => this.#digestChanged(result.digest, 'scan');
  readonly #onRescan = (report: RescanReport) => {
    for (const image of report.changed) this.#digestChanged(image.digest, 'rescan');
  };

  constructor(options: ContinuousOptions) {
    this.store = options.store;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    options.scanner?.events.on('scanCompleted', this.#onScan);
    options.scanner?.events.on('rescanCompleted', this.#onRescan);
  }

  /** Connects admission's decider; every running image is decided by it at once. */
  attach(engine: DecisionEngine): void {
    this.#engine = engine;
    this.#revision = engine.revision();
    clearInterval(this.#timer);
    this.#timer = setInterval(() => this.#checkPolicy(), this.#options.policyPollMs ?? 2000);
    this.#timer.unref();
    this.#enqueue(this.store.list().filter((image) => image.decision?.policyRevision !== this.#revision), 'policy');
  }

  /** Admission's recorder: the image is on the inventory from now on, and decided again in the background. */
  readonly recordDeployment = (record: DeploymentRecord): void => {
    const image = {
      id: runningImageId(record),
      image: record.image,
      ...(record.digest !== undefined && { digest: record.digest }),
      ...(record.cluster !== undefined && { cluster: record.cluster }),
      namespace: record.namespace,
      kind: record.kind,
      name: record.name,
      serviceAccount: record.serviceAccount,
      ...(record.user !== undefined && { user: record.user }),
      breakGlass: record.breakGlass,
      ...(record.breakGlassReason !== undefined && { breakGlassReason: record.breakGlassReason }),
      admittedAt: record.admittedAt,
      source: 'admission' as const,
    };
    this.store.upsert(image);
    this.#enqueue([image], 'admission');
  };

  /** An image the cluster runs that admission never recorded (cluster watcher). */
  observe(image: Omit<RunningImage, 'id' | 'decision' | 'endedAt' | 'source'>): void {
    const running = { ...image, id: runningImageId(image), source: 'cluster' as const };
    this.store.upsert(running);
    this.#enqueue([running], 'cluster');
  }

  markEnded(id: string): void {
    this.store.markEnded(id, new Date(this.#now()).toISOString());
  }

  running(): RunningImage[] {
    return this.store.list();
  }

  /** Resolves once every queued evaluation has finished (tests, and the CLI's one-shot uses). */
  async whenIdle(): Promise<void> {
    let queue: Promise<void>;
    do {
      queue = this.#queue;
      await queue;
    } while (queue !== this.#queue);
  }

  close(): void {
    clearInterval(this.#timer);
    this.#options.scanner?.events.off('scanCompleted', this.#onScan);
    this.#options.scanner?.events.off('rescanCompleted', this.#onRescan);
  }

  #digestChanged(digest: string, trigger: EvaluationTrigger): void {
    const images = this.store.byDigest(digest);
    if (images.length === 0) return;
    // The admission cache follows the same events, but listener order is not ours to rely on.
    this.#engine?.invalidate(digest);
    this.#enqueue(images, trigger);
  }

  #checkPolicy(): void {
    const revision = this.#engine?.revision();
    if (revision === undefined || revision === this.#revision) return;
    this.#revision = revision;
    this.#options.logger.info('continuous validation: the admission policy changed, deciding running images again');
    this.#enqueue(this.store.list(), 'policy');
  }

  /** Evaluations run one at a time (the decider's cache makes repeats cheap); an id queued twice runs once. */
  #enqueue(images: ReadonlyArray<{ id: string }>, trigger: EvaluationTrigger): void {
    if (this.#engine === undefined) return;
    const fresh = images.filter((image) => !this.#pending.has(image.id));
    for (const image of images) this.#pending.set(image.id, trigger);
    for (const image of fresh) {
      this.#queue = this.#queue.then(() => this.#evaluate(image.id));
    }
  }

  async #evaluate(id: string): Promise<void> {
    const trigger = this.#pending.get(id) ?? 'policy';
    this.#pending.delete(id);
    const engine = this.#engine;
    const image = this.store.get(id);
    if (engine === undefined || image === undefined || image.endedAt !== undefined) return;
    const revision = engine.revision();
    let verdict: ImageVerdict;
    try {
      verdict = await engine.decide(pinned(image), {
        ...(image.cluster !== undefined && { cluster: image.cluster }),
        namespace: image.namespace,
        serviceAccount: image.serviceAccount,
        kind: image.kind,
        name: image.name,
      });
    } catch (error) {
      this.#options.logger.error(`continuous validation: deciding ${image.image} of ${describe(image)} failed: ${(error as Error).message}`);
      return;
    }
    const decision: CurrentDecision = { allowed: verdict.allowed, denials: verdict.denials, warnings: verdict.warnings, policyRevision: revision, evaluatedAt: new Date(this.#now()).toISOString() };
    this.store.setDecision(id, decision);
    if (decision.allowed || sameDenials(image.decision, decision)) return;
    this.#options.logger.warn(`continuous validation: ${image.image} running in ${describe(image)} violates the policy (${trigger}): ${decision.denials.join('; ')}`);
    this.#options.notify?.({
      ...(image.cluster !== undefined && { cluster: image.cluster }),
      namespace: image.namespace,
      kind: image.kind,
      name: image.name,
      image: image.image,
      ...(image.digest !== undefined && { digest: image.digest }),
      reasons: decision.denials,
      trigger,
      breakGlass: image.breakGlass,
      policyRevision: revision,
    });
  }
}

/** The image as it runs: pinned to the digest admitted, so a moved tag does not change the answer. */
function pinned(image: RunningImage): string {
  if (image.digest === undefined) return image.image;
  try {
    const reference = parseReference(image.image);
    return reference.digest !== undefined ? image.image : `${reference.domain}/${reference.repository}@${image.digest}`;
  } catch {
    return image.image;
  }
}

function sameDenials(before: CurrentDecision | undefined, after: CurrentDecision): boolean {
  return before !== undefined && !before.allowed && before.denials.join('\n') === after.denials.join('\n');
}

function describe(image: RunningImage): string {
  return `${image.kind} ${image.namespace}/${image.name}${image.cluster === undefined ? '' : ` (cluster ${image.cluster})`}`;
}
