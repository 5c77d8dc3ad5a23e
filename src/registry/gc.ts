/**
 * Garbage collection of blobs no manifest references, safe while pushes are in flight.
 *
 * Mark: read every digest in use (referenced by a manifest, or linked to a repository since the
 * grace cutoff). Sweep, holding the GC lock exclusively: for each stored blob that is unmarked and
 * older than the cutoff, ask the metadata store once more, then delete the blob and its links.
 * The cutoff is the GC start minus a grace period: a blob committed or linked after it belongs to a
 * push that may not have sent its manifest yet, so it is kept until the next run.
 */
import type { RegistryContext } from './context.ts';

export interface GcOptions {
  /** Blobs committed or linked less than this long before the run started are kept (default 1 hour). */
  graceMs?: number;
  /** Uploads with no new data for this long are abandoned and removed (default 24 hours). */
  uploadExpiryMs?: number;
  /** Only report what would be deleted. */
  dryRun?: boolean;
}

export interface GcReport {
  /** Blobs deleted (or, in a dry run, that would be). */
  deleted: string[];
  bytesFreed: number;
  /** Blobs kept. */
  kept: number;
  /** Abandoned uploads removed (or, in a dry run, that would be). */
  expiredUploads: string[];
}

export const DEFAULT_GC_GRACE_MS = 60 * 60 * 1000;
export const DEFAULT_UPLOAD_EXPIRY_MS = 24 * 60 * 60 * 1000;

/** Removes uploads whose data has not grown for `expiryMs` (clients that gave up or crashed). */
async function expireUploads(context: RegistryContext, expiryMs: number, dryRun: boolean): Promise<string[]> {
  const cutoff = context.now() - expiryMs;
  const expired: string[] = [];
  for await (const upload of context.blobs.listUploads()) {
    if (upload.startedAt >= cutoff) continue;
    if (!dryRun) await context.blobs.cancelUpload(upload.id);
    expired.push(upload.id);
  }
  return expired;
}

export async function collectGarbage(context: RegistryContext, options: GcOptions = {}): Promise<GcReport> {
  const cutoff = context.now() - (options.graceMs ?? DEFAULT_GC_GRACE_MS);
  const marked = await context.metadata.digestsInUse(cutoff);
  const candidates: Array<{ digest: string; size: number }> = [];
  let kept = 0;
  for await (const blob of context.blobs.list()) {
    if (marked.has(blob.digest) || blob.modifiedAt >= cutoff) kept++;
    else candidates.push({ digest: blob.digest, size: blob.size });
  }
  const expiredUploads = await expireUploads(context, options.uploadExpiryMs ?? DEFAULT_UPLOAD_EXPIRY_MS, options.dryRun === true);
  const report: GcReport = { deleted: [], bytesFreed: 0, kept, expiredUploads };
  await context.lock.exclusive(async () => {
    for (const candidate of candidates) {
      const current = await context.blobs.stat(candidate.digest);
      if (current === undefined) continue;
      if (current.modifiedAt >= cutoff || (await context.metadata.isDigestInUse(candidate.digest, cutoff))) {
        report.kept++;
        continue;
      }
      if (options.dryRun !== true) {
        await context.metadata.forgetBlob(candidate.digest);
        await context.blobs.delete(candidate.digest);
      }
      report.deleted.push(candidate.digest);
      report.bytesFreed += current.size;
    }
  });
  return report;
}
