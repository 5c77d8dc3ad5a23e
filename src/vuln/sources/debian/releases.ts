/**
 * Debian release codenames as OSV ecosystems ("bookworm" -> "Debian:12"), and the affected-package
 * record every Debian source writes for one (package, release) verdict.
 */
import { debianReleaseNumber } from '../../debian-releases.ts';
import type { AffectedPackage, DistroStatus } from '../../model.ts';

/** "Debian:12" for "bookworm"; undefined for a codename Portcullis does not know. */
export function debianEcosystem(codename: string): string | undefined {
  const number = debianReleaseNumber(codename);
  return number === undefined ? undefined : `Debian:${number}`;
}

export interface DebianVerdict {
  status: DistroStatus;
  /** The fixed version when status is "fixed". */
  fixedVersion?: string;
  urgency?: string;
}

/** The record for one verdict: a fixed range, every version for unfixed/will-not-fix, none for not-affected. */
export function debianAffected(advisoryId: string, ecosystem: string, name: string, verdict: DebianVerdict): AffectedPackage {
  const affected: AffectedPackage = { advisoryId, ecosystem, name, ranges: [], versions: [], distroStatus: verdict.status };
  switch (verdict.status) {
    case 'fixed':
      affected.ranges.push({ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: verdict.fixedVersion ?? '0' }] });
      break;
    case 'unfixed':
    case 'will-not-fix':
      affected.ranges.push({ type: 'ECOSYSTEM', events: [{ introduced: '0' }] });
      break;
    case 'not-affected':
      break;
  }
  if (verdict.urgency) affected.distroSeverity = verdict.urgency;
  return affected;
}

/** A tracker urgency without its "**" marks ("high**" means "high, not yet reviewed"). */
export function cleanUrgency(urgency: string | undefined): string | undefined {
  const word = urgency?.replace(/\*+$/, '').trim();
  return word ? word : undefined;
}
