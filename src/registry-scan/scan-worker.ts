/**
 * The scan of one pushed image: open it from the local blob store, inventory it with the same scan
 * service `portcullis scan` uses, match it against the advisory database, attach the CycloneDX SBOM
 * as a referrer and store the result under the manifest digest.
 */
import { type Logger, PortcullisError, isPortcullisError } from '../core/index.ts';
import type { ReadLimits } from '../image/index.ts';
import type { RegistryService } from '../registry/index.ts';
import { inventoryOf } from '../scan/inventory.ts';
import { formatCycloneDx } from '../sbom/index.ts';
import type { Advisories } from './advisories.ts';
import type { Job } from './job-store.ts';
import { located, openLocalImage } from './local-image.ts';
import { type ResultStore, type ScanResult, summarize } from './results.ts';
import { attachSbom } from './sbom-referrer.ts';

export interface ScanJobPayload {
  repository: string;
  digest: string;
}

/** Errors that another attempt cannot fix: the image itself is bad or unreadable by Portcullis. */
const PERMANENT_CODES: ReadonlySet<string> = new Set(['INPUT', 'DIGEST_MISMATCH', 'UNSUPPORTED', 'LIMIT', 'NOT_FOUND']);

export function isPermanentScanError(error: unknown): boolean {
  return isPortcullisError(error) && PERMANENT_CODES.has(error.code);
}

export function parseScanPayload(job: Job): ScanJobPayload {
  const value = JSON.parse(job.payload) as Partial<ScanJobPayload>;
  if (typeof value.repository !== 'string' || typeof value.digest !== 'string') {
    throw new PortcullisError('INTERNAL', `scan job ${job.key} has a malformed payload`);
  }
  return { repository: value.repository, digest: value.digest };
}

export interface ScanWorkerContext {
  registry: RegistryService;
  results: ResultStore;
  advisories: Advisories;
  toolVersion: string;
  logger: Logger;
  now: () => number;
  limits?: Partial<ReadLimits>;
}

export async function scanImage(context: ScanWorkerContext, payload: ScanJobPayload): Promise<ScanResult> {
  const { registry, logger } = context;
  const image = await openLocalImage(registry, payload.repository, payload.digest, context.limits);
  let result: ScanResult;
  try {
    const inventory = await inventoryOf(image, { logger, ...(context.limits !== undefined && { limits: context.limits }) });
    const matched = context.advisories.match(inventory);
    for (const warning of matched.warnings) logger.debug(`${payload.repository}@${payload.digest}: ${warning}`);
    const now = context.now();
    const sbom = formatCycloneDx(inventory, { toolVersion: context.toolVersion, timestamp: new Date(now) });
    const sbomDigest = await attachSbom(
      registry,
      { repository: payload.repository, digest: payload.digest, mediaType: image.manifestMediaType, size: image.manifestBytes?.length ?? 0 },
      sbom,
      new Date(now),
    );
    result = {
      digest: payload.digest,
      repository: payload.repository,
      inventory,
      findings: matched.findings,
      summary: summarize(matched.findings),
      scannedAt: now,
      matchedAt: now,
      ...(matched.advisoryDatabase !== undefined && { advisoryDatabase: matched.advisoryDatabase }),
      sbomDigest,
    };
  } catch (error) {
    throw located(`${payload.repository}@${payload.digest}`, error);
  } finally {
    await image.close();
  }
  context.results.save(result);
  return result;
}
