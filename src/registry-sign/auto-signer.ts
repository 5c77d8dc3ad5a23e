/**
 * AutoSigner: signing inside the registry. When a scan completes (or a rescan changes an image's
 * findings) for an image of a project with an auto-sign rule, the stored findings are checked against
 * the rule; an image that meets it is signed with the project's key (inside the token for PKCS#11),
 * the signature stored in both layouts with the vuln attestation it rests on, and an audit record
 * written. Signing is idempotent per (digest, key). An image already signed whose rescan breaks the
 * rule keeps its signature: the failure is recorded, audited and announced instead. An index is
 * signed once the stored scans of all its platform images meet the rule (until then it waits in
 * the store, so a restart does not forget it).
 */
import { EventEmitter } from 'node:events';
import { type Logger, silentLogger } from '../core/index.ts';
import { projectOf, type AuditEvent } from '../auth/index.ts';
import type { ManifestPushed, RegistryService } from '../registry/index.ts';
import type { RegistryScanner, RescanReport, ScanResult } from '../registry-scan/index.ts';
import { evaluate, policyFindingOf, policyFromScanRule, type DecisionReason } from '../policy/index.ts';
import { ATTACHMENT, PREDICATE_TYPES, attestationAttachment, parseAttachmentManifest, signatureAttachment } from '../signing/index.ts';
import type { Signer } from '../signing/keys/index.ts';
import { storedScanPredicate } from './evidence.ts';
import { platformImages } from './index-images.ts';
import { RuleKeys, type ServerSecrets } from './keys.ts';
import { storeAttachment } from './local-registry.ts';
import type { AutoSignRule } from './rule.ts';
import type { AutoSignStore, RuleFailure } from './store.ts';

/** The actor of every audit record the AutoSigner writes. */
export const AUTOSIGN_ACTOR = 'portcullis-autosign';

export interface SignedEvent {
  repository: string;
  digest: string;
  keyFingerprint: string;
  signatureDigest: string;
  /** The vuln attestation's referrer; absent for an index (its platform images carry theirs). */
  attestationDigest?: string;
}

export interface AutoSignerEvents {
  signed: [SignedEvent];
  ruleFailed: [RuleFailure];
  error: [unknown];
}

/** The rule every project without its own uses (from `serve --auto-sign-key/--auto-sign-rule`). */
export type DefaultRule = Omit<AutoSignRule, 'project'>;

export interface AutoSignerOptions {
  registry: RegistryService;
  scanner: Pick<RegistryScanner, 'events' | 'scanResult'>;
  store: AutoSignStore;
  /** `host[:port]` clients pull from: the name signed payloads carry ("127.0.0.1:5000/team/app"). */
  registryName: string;
  defaultRule?: DefaultRule;
  secrets?: ServerSecrets;
  /** Writes an audit record (the auth store's log); without one, records go to the logger only. */
  audit?: (event: AuditEvent) => void;
  toolVersion: string;
  logger?: Logger;
  now?: () => number;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class AutoSigner {
  readonly events = new EventEmitter<AutoSignerEvents>();
  readonly #options: AutoSignerOptions;
  readonly #keys: RuleKeys;
  readonly #logger: Logger;
  readonly #now: () => number;
  /** One image at a time: two events for one digest must not both sign it. */
  #queue: Promise<void> = Promise.resolve();
  readonly #onScan = (result: ScanResult) => this.#enqueue(() => this.#consider(result));
  readonly #onPushed = (event: ManifestPushed) => {
    // Referrers (signatures, SBOMs) are never indexes of images.
    if (event.subject === undefined) this.#enqueue(() => this.#indexPushed(event.repository, event.digest));
  };
  readonly #onRescan = (report: RescanReport) => {
    for (const image of report.changed) {
      this.#enqueue(async () => {
        const result = this.#options.scanner.scanResult(image.digest);
        if (result !== undefined) await this.#consider({ ...result, repository: image.repository });
      });
    }
  };

  constructor(options: AutoSignerOptions) {
    this.#options = options;
    this.#keys = new RuleKeys(options.secrets ?? {});
    this.#logger = options.logger ?? silentLogger;
    this.#now = options.now ?? Date.now;
  }

  start(): void {
    this.#options.scanner.events.on('scanCompleted', this.#onScan);
    this.#options.scanner.events.on('rescanCompleted', this.#onRescan);
    this.#options.registry.events.on('manifestPushed', this.#onPushed);
  }

  /** Stops listening and waits for the signing in progress. */
  async close(): Promise<void> {
    this.#options.scanner.events.off('scanCompleted', this.#onScan);
    this.#options.scanner.events.off('rescanCompleted', this.#onRescan);
    this.#options.registry.events.off('manifestPushed', this.#onPushed);
    await this.idle();
  }

  /** Resolves when every event received so far has been handled (tests, shutdown). */
  idle(): Promise<void> {
    return this.#queue;
  }

  /** The rule that applies to a project: its own, else the server's default. */
  ruleFor(project: string): AutoSignRule | undefined {
    const own = this.#options.store.getRule(project);
    if (own !== undefined) return own;
    return this.#options.defaultRule === undefined ? undefined : { ...this.#options.defaultRule, project };
  }

  #enqueue(work: () => Promise<void>): void {
    this.#queue = this.#queue.then(work).catch((error: unknown) => {
      this.#logger.error(`auto-sign: ${describe(error)}`);
      if (this.events.listenerCount('error') > 0) this.events.emit('error', error);
    });
  }

  async #consider(result: ScanResult): Promise<void> {
    await this.#considerImage(result);
    await this.#settleIndexes(result.repository);
  }

  /** The policy engine's verdict on the scan: the rule is a one-layer policy, as for `sign --require-scan`. */
  #violations(rule: AutoSignRule, result: ScanResult): DecisionReason[] {
    const { repository, digest } = result;
    const decision = evaluate(policyFromScanRule(rule.rule, `auto-sign:${rule.project}`), {
      action: 'sign',
      image: { reference: `${repository}@${digest}`, registry: '', repository, digest },
      labels: {},
      signatures: [],
      attestations: [],
      scan: { state: 'completed', findings: result.findings.map((finding) => policyFindingOf(finding)) },
      now: new Date(this.#now()).toISOString(),
    });
    return decision.allowed ? [] : decision.violations;
  }

  async #considerImage(result: ScanResult): Promise<void> {
    const { repository, digest } = result;
    const rule = this.ruleFor(projectOf(repository));
    if (rule === undefined || (await this.#isAttachment(repository, digest))) return;
    const violations = this.#violations(rule, result);
    const signer = await this.#keys.signerFor(rule);
    const signed = this.#options.store.signed(digest, signer.keyId);
    if (violations.length === 0) {
      if (signed === undefined) await this.#sign(result, rule, signer);
      else this.#options.store.setFailing(digest, signer.keyId, false);
      return;
    }
    if (signed === undefined) {
      this.#logger.info(`auto-sign: not signing ${repository}@${digest}: its scan breaks "${rule.rule}"`);
      return;
    }
    if (this.#options.store.setFailing(digest, signer.keyId, true)) this.#failed(result, rule, signer.keyId, violations);
  }

  async #indexPushed(repository: string, digest: string): Promise<void> {
    if (this.ruleFor(projectOf(repository)) === undefined || (await platformImages(this.#options.registry, repository, digest)) === undefined) return;
    this.#options.store.addPendingIndex(repository, digest);
    await this.#settleIndexes(repository);
  }

  /** Signs each waiting index whose platform images all meet the rule; drops those where one does not. */
  async #settleIndexes(repository: string): Promise<void> {
    for (const digest of this.#options.store.pendingIndexes(repository)) {
      const rule = this.ruleFor(projectOf(repository));
      const images = rule === undefined ? undefined : await platformImages(this.#options.registry, repository, digest).catch(() => undefined);
      if (rule === undefined || images === undefined) {
        this.#options.store.removePendingIndex(repository, digest);
        continue;
      }
      const results = images.map((image) => this.#options.scanner.scanResult(image));
      if (results.some((result) => result === undefined)) continue;
      const failing = images.filter((_image, index) => this.#violations(rule, results[index]!).length > 0);
      this.#options.store.removePendingIndex(repository, digest);
      if (failing.length > 0) {
        this.#logger.info(`auto-sign: not signing index ${repository}@${digest}: ${failing.join(', ')} break "${rule.rule}"`);
        continue;
      }
      const signer = await this.#keys.signerFor(rule);
      if (this.#options.store.signed(digest, signer.keyId) === undefined) await this.#signIndex(repository, digest, rule, signer);
    }
  }

  async #signIndex(repository: string, digest: string, rule: AutoSignRule, signer: Signer): Promise<void> {
    const record = await this.#options.registry.manifests.get(repository, digest);
    const subject = { mediaType: record.mediaType, digest, size: record.size };
    const signature = await signatureAttachment(`${this.#options.registryName}/${repository}`, digest, signer, rule.annotations);
    const stored = await storeAttachment(this.#options.registry, repository, subject, signature.attachment);
    this.#recordSigned({ repository, digest, keyFingerprint: signer.keyId, signatureDigest: stored.referrerDigest }, rule);
  }

  /** Signature and attestation manifests are scanned like images, but are never signed themselves. */
  async #isAttachment(repository: string, digest: string): Promise<boolean> {
    const record = await this.#options.registry.manifests.get(repository, digest);
    try {
      const layers = parseAttachmentManifest(record.content).layers;
      const attachmentTypes: string[] = [ATTACHMENT.signature.layerMediaType, ATTACHMENT.attestation.layerMediaType];
      return layers.length > 0 && layers.every((layer) => attachmentTypes.includes(layer.mediaType));
    } catch {
      return false;
    }
  }

  async #sign(result: ScanResult, rule: AutoSignRule, signer: Signer): Promise<void> {
    const { repository, digest } = result;
    const record = await this.#options.registry.manifests.get(repository, digest);
    const subject = { mediaType: record.mediaType, digest, size: record.size };
    const name = `${this.#options.registryName}/${repository}`;
    const predicate = storedScanPredicate(result, this.#options.toolVersion, rule.rule);
    const signature = await signatureAttachment(name, digest, signer, rule.annotations);
    const attestation = await attestationAttachment(name, digest, signer, PREDICATE_TYPES.vuln!, predicate);
    const storedSignature = await storeAttachment(this.#options.registry, repository, subject, signature.attachment);
    const storedAttestation = await storeAttachment(this.#options.registry, repository, subject, attestation.attachment);
    this.#recordSigned({ repository, digest, keyFingerprint: signer.keyId, signatureDigest: storedSignature.referrerDigest, attestationDigest: storedAttestation.referrerDigest }, rule);
  }

  #recordSigned(event: SignedEvent, rule: AutoSignRule): void {
    const { repository, digest, keyFingerprint } = event;
    this.#options.store.recordSigned({ ...event, attestationDigest: event.attestationDigest ?? '', project: rule.project, rule: rule.rule, signedAt: this.#now() });
    const references = { signature: event.signatureDigest, ...(event.attestationDigest !== undefined && { attestation: event.attestationDigest }) };
    this.#audit({ action: 'sign', target: `${repository}@${digest}`, outcome: 'ok', detail: { fingerprint: keyFingerprint, rule: rule.rule, ...references } });
    this.#logger.info(`auto-sign: signed ${repository}@${digest} with ${keyFingerprint} (scan met "${rule.rule}")`);
    this.events.emit('signed', event);
  }

  #failed(result: ScanResult, rule: AutoSignRule, keyFingerprint: string, violations: DecisionReason[]): void {
    const { repository, digest } = result;
    const failure = this.#options.store.recordFailure({
      project: rule.project,
      repository,
      digest,
      keyFingerprint,
      rule: rule.rule,
      violations: violations.map((violation) => ({ clause: violation.clause ?? violation.rule, findings: (violation.findings ?? []).map((finding) => finding.id) })),
      failedAt: this.#now(),
    });
    const broken = failure.violations.map((violation) => violation.clause).join(', ');
    this.#audit({ action: 'sign.rule.failed', target: `${repository}@${digest}`, outcome: 'failed', detail: { fingerprint: keyFingerprint, rule: rule.rule, broken } });
    this.#logger.warn(`auto-sign: ${repository}@${digest} was signed but now breaks "${rule.rule}" (${broken}); the signature stays`);
    this.events.emit('ruleFailed', failure);
  }

  #audit(event: Omit<AuditEvent, 'actor' | 'ip'>): void {
    const record: AuditEvent = { actor: AUTOSIGN_ACTOR, ip: '', ...event };
    if (this.#options.audit === undefined) this.#logger.info(`audit: ${record.action} ${record.target} ${record.outcome}`);
    else this.#options.audit(record);
  }
}
