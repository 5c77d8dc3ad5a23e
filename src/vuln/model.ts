/**
 * The vulnerability data model: advisories as every source is normalised into them (OSV's shape),
 * the lookup the matcher reads, and the findings it produces. Sources write this model, the matcher
 * reads it; neither knows the other.
 */

export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'NONE' | 'UNKNOWN';

export const SEVERITY_ORDER: readonly Severity[] = ['UNKNOWN', 'NONE', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/** A severity as published: a CVSS vector, or a distribution's own rating. */
export interface SeverityScore {
  type: 'CVSS_V2' | 'CVSS_V3' | 'CVSS_V4' | 'DISTRO';
  /** CVSS: the vector string. DISTRO: the distro's word ("high", "unimportant", ...). */
  score: string;
  /** Who published it ("nvd", "debian", "ghsa", ...), when known. */
  source?: string;
}

export interface Advisory {
  /** The id as published: CVE-..., GHSA-..., DSA-..., PYSEC-..., GO-..., RUSTSEC-... */
  id: string;
  aliases: string[];
  summary?: string;
  details?: string;
  published?: string;
  modified?: string;
  severity: SeverityScore[];
  references: Array<{ type: string; url: string }>;
  cwes?: string[];
  /** The AdvisorySource that produced it ("osv", "debian-tracker", "alpine-secdb", ...). */
  source: string;
}

export type RangeEvent = { introduced: string } | { fixed: string } | { last_affected: string } | { limit: string };

/** An OSV range. GIT ranges are stored but never matched (commit hashes say nothing about versions). */
export interface VersionRange {
  type: 'ECOSYSTEM' | 'SEMVER' | 'GIT';
  events: RangeEvent[];
}

/**
 * A distribution's verdict for one package in one release, when the source gives one:
 * fixed (in a version, see ranges), unfixed (affected, no fix yet), will-not-fix (affected, the
 * distro decided not to fix), not-affected.
 */
export type DistroStatus = 'fixed' | 'unfixed' | 'will-not-fix' | 'not-affected';

export interface AffectedPackage {
  advisoryId: string;
  /**
   * OSV ecosystem with the release where the data is release-specific: "Debian:12", "Alpine:v3.20",
   * "Ubuntu:22.04"; plain "npm", "PyPI", ... otherwise.
   */
  ecosystem: string;
  /** The name as the ecosystem spells it. Debian/Ubuntu: the SOURCE package; Alpine: the origin. */
  name: string;
  ranges: VersionRange[];
  /** Explicitly listed affected versions (OSV `versions`). */
  versions: string[];
  distroStatus?: DistroStatus;
  /** The distro's own severity word for this package ("high", "low", "unimportant", ...). */
  distroSeverity?: string;
}

/** What the matcher reads. Implemented by the SQLite advisory store; pure in-memory ones in tests. */
export interface AdvisoryLookup {
  /** Every affected-package record for `name` in `ecosystem` (exactly as stored, release included). */
  affected(ecosystem: string, name: string): AffectedPackage[];
  /** The advisory, or undefined. */
  advisory(id: string): Advisory | undefined;
  /** Every id linked to `id` through aliases (including `id`), for reporting one flaw once. */
  aliasGroup(id: string): string[];
}
