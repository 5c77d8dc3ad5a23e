/**
 * The admission controller: one AdmissionRequest in, one AdmissionResponse out, for the validating
 * webhook (every image of the workload decided by the policy) and the mutating webhook (every image
 * pinned to the digest its tag names now, so what was checked is what runs). DELETE and CONNECT,
 * exempt namespaces and kinds without pods pass untouched. Side effects (deployment records,
 * break-glass audit and alerts) happen only for allowed, non-dry-run requests.
 */
import { appendAudit, type AuthStore } from '../auth/index.ts';
import { type Logger, parseReference } from '../core/index.ts';
import type { PolicyDeployment } from '../policy/types.ts';
import { breakGlassReason, type BreakGlassEvent } from './break-glass.ts';
import type { ImageDecider, ImageVerdict } from './decide.ts';
import { type AdmissionRequest, type AdmissionResponse, cleanWarnings } from './review.ts';
import { podSpecPath, readWorkload, type Workload } from './workload.ts';

export const DEFAULT_EXEMPT_NAMESPACES: readonly string[] = ['kube-system', 'kube-public', 'kube-node-lease'];

/** One admitted image of one workload, for the deployment history (occurrences). */
export interface DeploymentRecord {
  image: string;
  digest?: string;
  cluster?: string;
  namespace: string;
  kind: string;
  name: string;
  serviceAccount: string;
  user?: string;
  breakGlass: boolean;
  breakGlassReason?: string;
  /** ISO time of the admission. */
  admittedAt: string;
}

export interface ControllerOptions {
  decider: ImageDecider;
  cluster?: string;
  /** Namespaces whose requests pass unchecked (default kube-system, kube-public, kube-node-lease). */
  exemptNamespaces?: readonly string[];
  /** What to do with kinds that carry no pod spec Portcullis knows (default allow with a warning). */
  unknownKinds?: 'allow' | 'deny';
  recordDeployment?: (record: DeploymentRecord) => void | Promise<void>;
  /** Break-glass deploys are audited here when the server has an auth store. */
  auditStore?: AuthStore;
  alertBreakGlass?: (event: BreakGlassEvent) => void | Promise<void>;
  logger: Logger;
  now?: () => number;
}

export class AdmissionController {
  readonly #options: ControllerOptions;
  readonly #exempt: Set<string>;
  readonly #now: () => number;

  constructor(options: ControllerOptions) {
    this.#options = options;
    this.#exempt = new Set(options.exemptNamespaces ?? DEFAULT_EXEMPT_NAMESPACES);
    this.#now = options.now ?? Date.now;
  }

  async validate(request: AdmissionRequest): Promise<AdmissionResponse> {
    const pass = this.#passUntouched(request);
    if (pass !== undefined) return pass;
    const workload = readWorkload(request, podSpecPath(request) ?? []);
    if (workload.problems.length > 0) return refuse(request.uid, workload.problems.map((problem) => `${describeWorkload(workload)}: ${problem}`), []);
    const deployment: PolicyDeployment = {
      ...(this.#options.cluster !== undefined && { cluster: this.#options.cluster }),
      namespace: workload.namespace,
      serviceAccount: workload.serviceAccount,
      kind: workload.kind,
      name: workload.name,
    };
    const images = [...new Set(workload.images.map((use) => use.image))];
    const verdicts = await Promise.all(images.map((image) => this.#options.decider.decide(image, deployment)));
    const warnings = verdicts.flatMap((verdict) => verdict.warnings);
    const denials = verdicts.flatMap((verdict) => verdict.denials);
    const reason = breakGlassReason(workload.annotations);
    if (reason !== undefined) {
      await this.#breakGlass(request, workload, verdicts, reason);
      return { uid: request.uid, allowed: true, warnings: cleanWarnings([`admitted by break-glass (${reason}); this deploy is audited`, ...denials.map((text) => `break-glass overrides: ${text}`), ...warnings]) };
    }
    if (denials.length > 0) return refuse(request.uid, denials, warnings);
    if (!request.dryRun) await this.#record(request, workload, verdicts, undefined);
    return { uid: request.uid, allowed: true, ...(warnings.length > 0 && { warnings: cleanWarnings(warnings) }) };
  }

  /** A JSON Patch replacing each tag reference by `name@digest`; a tag that cannot be resolved refuses the request. */
  async mutate(request: AdmissionRequest): Promise<AdmissionResponse> {
    const pass = this.#passUntouched(request);
    if (pass !== undefined) return pass;
    const workload = readWorkload(request, podSpecPath(request) ?? []);
    if (workload.problems.length > 0) return refuse(request.uid, workload.problems.map((problem) => `${describeWorkload(workload)}: ${problem}`), []);
    const patch: Array<{ op: 'replace'; path: string; value: string }> = [];
    const failures: string[] = [];
    const pinned = new Map<string, Promise<string>>();
    await Promise.all(
      workload.images.map(async (use) => {
        let reference;
        try {
          reference = parseReference(use.image);
        } catch (error) {
          failures.push(`image ${use.image.slice(0, 200)} of container ${use.container} is not a valid image reference: ${(error as Error).message}`);
          return;
        }
        if (reference.digest !== undefined) return;
        let resolving = pinned.get(use.image);
        if (resolving === undefined) {
          resolving = this.#options.decider.resolveDigest(reference, use.image);
          pinned.set(use.image, resolving);
        }
        try {
          const digest = await resolving;
          patch.push({ op: 'replace', path: use.pointer, value: `${withoutTag(use.image)}@${digest}` });
        } catch (error) {
          failures.push(`image ${use.image} of container ${use.container} could not be pinned to a digest, so it is refused: ${(error as Error).message}`);
        }
      }),
    );
    if (failures.length > 0) return refuse(request.uid, failures, []);
    if (patch.length === 0) return { uid: request.uid, allowed: true };
    patch.sort((a, b) => (a.path < b.path ? -1 : 1));
    return { uid: request.uid, allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch)).toString('base64') };
  }

  #passUntouched(request: AdmissionRequest): AdmissionResponse | undefined {
    if (request.operation === 'DELETE' || request.operation === 'CONNECT') return { uid: request.uid, allowed: true };
    if (request.namespace !== undefined && this.#exempt.has(request.namespace)) return { uid: request.uid, allowed: true };
    if (podSpecPath(request) !== undefined) return undefined;
    const what = `${request.kind.group === '' ? '' : `${request.kind.group}/`}${request.kind.kind}`;
    if (this.#options.unknownKinds === 'deny') return refuse(request.uid, [`Portcullis does not know where ${what} keeps its images, and unknown kinds are refused`], []);
    return { uid: request.uid, allowed: true, warnings: [`Portcullis did not check ${what}: it reads images of Pods and workload controllers only`] };
  }

  async #breakGlass(request: AdmissionRequest, workload: Workload, verdicts: ImageVerdict[], reason: string): Promise<void> {
    const violations = verdicts.flatMap((verdict) => verdict.denials);
    this.#options.logger.warn(`admission: break-glass for ${describeWorkload(workload)} by ${request.username ?? 'unknown'}: ${reason}`);
    if (request.dryRun) return;
    const event: BreakGlassEvent = {
      ...(this.#options.cluster !== undefined && { cluster: this.#options.cluster }),
      namespace: workload.namespace,
      kind: workload.kind,
      name: workload.name,
      ...(request.username !== undefined && { user: request.username }),
      reason,
      images: verdicts.map((verdict) => verdict.image),
      violations,
    };
    if (this.#options.auditStore !== undefined) {
      appendAudit(this.#options.auditStore, {
        actor: request.username ?? 'unknown',
        action: 'admission.break_glass',
        target: describeWorkload(workload),
        ip: '',
        outcome: 'ok',
        detail: { reason, images: event.images.join(' '), violations: violations.length, ...(this.#options.cluster !== undefined && { cluster: this.#options.cluster }) },
      }, new Date(this.#now()));
    }
    // The alert goes out in the background: a slow receiver must not hold a deploy already allowed.
    Promise.resolve()
      .then(() => this.#options.alertBreakGlass?.(event))
      .catch((error: unknown) => this.#options.logger.error(`admission: break-glass alert: ${(error as Error).message}`));
    await this.#record(request, workload, verdicts, reason);
  }

  async #record(request: AdmissionRequest, workload: Workload, verdicts: ImageVerdict[], breakGlass: string | undefined): Promise<void> {
    const record = this.#options.recordDeployment;
    if (record === undefined) return;
    const admittedAt = new Date(this.#now()).toISOString();
    for (const verdict of verdicts) {
      try {
        await record({
          image: verdict.image,
          ...(verdict.digest !== undefined && { digest: verdict.digest }),
          ...(this.#options.cluster !== undefined && { cluster: this.#options.cluster }),
          namespace: workload.namespace,
          kind: workload.kind,
          name: workload.name,
          serviceAccount: workload.serviceAccount,
          ...(request.username !== undefined && { user: request.username }),
          breakGlass: breakGlass !== undefined,
          ...(breakGlass !== undefined && { breakGlassReason: breakGlass }),
          admittedAt,
        });
      } catch (error) {
        // The deploy is already decided; a lost record is logged, not a refused deploy.
        this.#options.logger.error(`admission: recording the deployment of ${verdict.image}: ${(error as Error).message}`);
      }
    }
  }
}

function describeWorkload(workload: Workload): string {
  return `${workload.kind} ${workload.namespace}/${workload.name}`;
}

function refuse(uid: string, denials: readonly string[], warnings: readonly string[]): AdmissionResponse {
  const message = `Portcullis refused this request: ${denials.join('; ')}`;
  return {
    uid,
    allowed: false,
    status: { code: 403, reason: 'Forbidden', message: message.length > 4000 ? `${message.slice(0, 3997)}...` : message },
    ...(warnings.length > 0 && { warnings: cleanWarnings(warnings) }),
  };
}

/** The image as written, without its tag: `reg:5000/app:1.2` -> `reg:5000/app`. */
function withoutTag(image: string): string {
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/') ? image.slice(0, colon) : image;
}
