/**
 * Assembles the webhook from its parts: the image decider (facts, policy, cache), the controller
 * (reviews), the cache invalidation that follows the registry and scanner, and the routes. Used by
 * `portcullis serve` as a ServerExtension (local registry in-process) and by the standalone
 * `portcullis admission` server (every image remote).
 */
import type { FastifyInstance } from 'fastify';
import type { AuthStore } from '../auth/index.ts';
import type { Logger } from '../core/index.ts';
import type { RegistryService } from '../registry/index.ts';
import type { RegistryScanner } from '../registry-scan/index.ts';
import type { ServerExtension } from '../server/index.ts';
import { breakGlassAlerter, type BreakGlassEvent } from './break-glass.ts';
import { AdmissionController, type ControllerOptions } from './controller.ts';
import { type AdmissionPolicy, ImageDecider } from './decide.ts';
import type { RemoteFacts } from './facts.ts';
import { followInvalidations } from './invalidation.ts';
import { type LabelFacts, LocalFacts } from './local-facts.ts';
import { registerAdmissionRoutes } from './routes.ts';

export interface AdmissionOptions extends Pick<ControllerOptions, 'cluster' | 'exemptNamespaces' | 'unknownKinds' | 'recordDeployment'> {
  policy: () => AdmissionPolicy;
  /** Portcullis's own registry, read in-process for images whose host is one of `localHosts`. */
  registry?: RegistryService;
  localHosts?: readonly string[];
  scanner?: RegistryScanner;
  labels?: LabelFacts;
  remoteFacts?: RemoteFacts;
  remoteTimeoutMs?: number;
  cache?: { allowTtlMs?: number; denyTtlMs?: number; maxEntries?: number };
  /** Where break-glass alerts go (`admission.break_glass` webhook events), sent once each. */
  alerts?: { urls: readonly string[]; secret?: string };
  /** Delivers break-glass alerts instead of `alerts` (the server's durable webhooks). */
  alertBreakGlass?: (event: BreakGlassEvent) => void;
  auditStore?: AuthStore;
  /** Told the assembled admission once the server builds it (continuous validation reuses its decider). */
  onCreated?: (admission: Admission) => void;
  logger: Logger;
  now?: () => number;
}

export interface Admission {
  controller: AdmissionController;
  decider: ImageDecider;
  close(): void;
}

export function createAdmission(options: AdmissionOptions): Admission {
  const local = options.registry === undefined ? undefined : {
    facts: new LocalFacts({ registry: options.registry, ...(options.scanner !== undefined && { scans: options.scanner }), ...(options.labels !== undefined && { labels: options.labels }) }),
    hosts: options.localHosts ?? [],
  };
  const decider = new ImageDecider({
    policy: options.policy,
    ...(local !== undefined && { local }),
    ...(options.remoteFacts !== undefined && { remoteFacts: options.remoteFacts }),
    ...(options.remoteTimeoutMs !== undefined && { remoteTimeoutMs: options.remoteTimeoutMs }),
    ...(options.cache?.allowTtlMs !== undefined && { allowTtlMs: options.cache.allowTtlMs }),
    ...(options.cache?.denyTtlMs !== undefined && { denyTtlMs: options.cache.denyTtlMs }),
    ...(options.cache?.maxEntries !== undefined && { maxCacheEntries: options.cache.maxEntries }),
    logger: options.logger,
    ...(options.now !== undefined && { now: options.now }),
  });
  const alerts = options.alerts;
  const controller = new AdmissionController({
    decider,
    ...(options.cluster !== undefined && { cluster: options.cluster }),
    ...(options.exemptNamespaces !== undefined && { exemptNamespaces: options.exemptNamespaces }),
    ...(options.unknownKinds !== undefined && { unknownKinds: options.unknownKinds }),
    ...(options.recordDeployment !== undefined && { recordDeployment: options.recordDeployment }),
    ...(options.auditStore !== undefined && { auditStore: options.auditStore }),
    ...(options.alertBreakGlass !== undefined
      ? { alertBreakGlass: options.alertBreakGlass }
      : alerts !== undefined && alerts.urls.length > 0 && { alertBreakGlass: breakGlassAlerter({ ...alerts, logger: options.logger, ...(options.now !== undefined && { now: options.now }) }) }),
    logger: options.logger,
    ...(options.now !== undefined && { now: options.now }),
  });
  const unfollow = followInvalidations(decider.cache, {
    ...(options.scanner !== undefined && { scanner: options.scanner }),
    ...(options.registry !== undefined && { registry: options.registry }),
  });
  return { controller, decider, close: unfollow };
}

/** Serves the webhook on the app; without an explicit audit store, the server's auth store audits break-glass. */
export function admissionExtension(options: Omit<AdmissionOptions, 'logger'>): ServerExtension {
  return (app: FastifyInstance, context) => {
    const admission = createAdmission({ ...options, logger: context.logger, ...(options.auditStore === undefined && context.auth !== undefined && { auditStore: context.auth.store }) });
    registerAdmissionRoutes(app, admission.controller, context.logger);
    options.onCreated?.(admission);
    app.addHook('onClose', async () => admission.close());
  };
}
