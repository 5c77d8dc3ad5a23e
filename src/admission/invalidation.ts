/**
 * Cached verdicts go stale when the facts behind them change: a scan or rescan gives a digest new
 * findings, or a signature, attestation or SBOM is pushed for it (a referrer whose subject is the
 * digest). This drops exactly those digests' entries; policy changes are handled by the revision.
 */
import type { RegistryScanner } from '../registry-scan/index.ts';
import type { ManifestPushed, RegistryService } from '../registry/index.ts';
import type { DecisionCache } from './cache.ts';
import { attachmentDigest } from './tag-scheme.ts';

export interface InvalidationSources {
  scanner?: Pick<RegistryScanner, 'events'>;
  registry?: Pick<RegistryService, 'events'>;
}

/** Subscribes the cache to the sources; returns the unsubscribe. */
export function followInvalidations(cache: DecisionCache<unknown>, sources: InvalidationSources): () => void {
  const onScan = (result: { digest: string }) => void cache.invalidateDigest(result.digest);
  const onRescan = (report: { changed: Array<{ digest: string }> }) => {
    for (const image of report.changed) cache.invalidateDigest(image.digest);
  };
  const onPushed = (event: ManifestPushed) => {
    // A referrer names its image as subject; cosign's tag scheme names it in the tag (sha256-<hex>.sig).
    const subject = event.subject ?? (event.tag === undefined ? undefined : attachmentDigest(event.tag));
    if (subject !== undefined) cache.invalidateDigest(subject);
  };
  sources.scanner?.events.on('scanCompleted', onScan);
  sources.scanner?.events.on('rescanCompleted', onRescan);
  sources.registry?.events.on('manifestPushed', onPushed);
  return () => {
    sources.scanner?.events.off('scanCompleted', onScan);
    sources.scanner?.events.off('rescanCompleted', onRescan);
    sources.registry?.events.off('manifestPushed', onPushed);
  };
}
