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
  /** Only report what would be deleted. */
  dryRun?: boolean;
}

export interface GcReport {
  /** Blobs deleted (or, in a dry run, that would be). */
  deleted: string[];
  bytesFreed: number;
  /** Blobs kept. */
  kept: number;
}

export const DEFAULT_GC_GRACE_MS = 60 * 60 * 1000;

export async function collectGarbage(context: RegistryContext, options: GcOptions = {}): Promise<GcReport> {
  const cutoff = context.now() - (options.graceMs ?? DEFAULT_GC_GRACE_MS);
  const marked = await context.metadata.digestsInUse(cutoff);
  const candidates: Array<{ digest: string; size: number }> = [];
  let kept = 0;
  for await (const blob of context.blobs.list()) {
    if (marked.has(blob.digest) || blob.modifiedAt >= cutoff) kept++;
    else candidates.push({ digest: blob.digest, size: blob.size });
  }
  const report: GcReport = { deleted: [], bytesFreed: 0, kept };
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
