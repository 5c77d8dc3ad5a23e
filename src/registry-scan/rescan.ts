/**
 * Rescans: every stored inventory re-matched against the advisory database as it is now (no layer
 * is read again), the stored findings replaced, and the difference per image reported.
 */
import type { Finding } from '../vuln/index.ts';
import type { Advisories } from './advisories.ts';
import { diffFindings } from './findings-diff.ts';
import type { AdvisoryDatabaseInfo, ResultStore } from './results.ts';

export interface ImageRescan {
  digest: string;
  repository: string;
  /** Findings the image did not have before. */
  added: Finding[];
  /** Findings the image no longer has. */
  fixed: Finding[];
}

export interface RescanReport {
  /** Images whose findings changed; unchanged ones are counted only. */
  changed: ImageRescan[];
  rescanned: number;
  matchedAt: number;
  advisoryDatabase?: AdvisoryDatabaseInfo;
}

export function rescanStored(results: ResultStore, advisories: Advisories, now: () => number): RescanReport {
  const matchedAt = now();
  const changed: ImageRescan[] = [];
  let advisoryDatabase: AdvisoryDatabaseInfo | undefined;
  const digests = results.digests();
  for (const digest of digests) {
    const stored = results.get(digest);
    if (stored === undefined) continue;
    const outcome = advisories.match(stored.inventory);
    advisoryDatabase = outcome.advisoryDatabase;
    results.updateFindings(digest, outcome.findings, matchedAt, outcome.advisoryDatabase);
    const { added, fixed } = diffFindings(stored.findings, outcome.findings);
    if (added.length > 0 || fixed.length > 0) changed.push({ digest, repository: stored.repository, added, fixed });
  }
  return { changed, rescanned: digests.length, matchedAt, ...(advisoryDatabase !== undefined && { advisoryDatabase }) };
}
