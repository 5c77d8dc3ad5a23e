/**
 * The vulnerability data model: advisories as every source is normalised into them (OSV's shape),
 * the lookup the matcher reads, and the findings it produces. Sources write this model, the matcher
 * reads it; neither knows the other.
 */

import type { LayerRef, PackageType } from '../inventory/index.ts';

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

/** What a finding says about a fix: one exists, none yet, or the distribution decided not to fix. */
export type FindingStatus = 'fixed' | 'unfixed' | 'will-not-fix';

/** One CVSS vector of the flaw, as published, with the base score computed from it. */
export interface FindingCvss {
  version: '2.0' | '3.0' | '3.1' | '4.0';
  vector: string;
  baseScore: number;
  /** Who published the vector ("nvd", "ghsa", ...), when the source says. */
  source?: string;
}

/** The affected package as the finding reports it: the inventory package plus what it was matched as. */
export interface FindingPackage {
  purl: string;
  name: string;
  /** npm scope, Maven group, Composer vendor, when the package has one. */
  namespace?: string;
  type: PackageType;
  /** The installed version, as the inventory has it. */
  version: string;
  /** The ecosystem used for matching, release included ("Debian:12", "npm"). */
  ecosystem: string;
  /** The name matched against the advisories (the source package for distributions). */
  matchedName: string;
  /** The version matched (the source version for distributions). */
  matchedVersion: string;
  layer?: LayerRef;
  locations: string[];
  ownedBy?: string;
}

/**
 * One flaw in one package: every advisory record that matched and names the same flaw (by alias)
 * merged into one. JSON-serialisable.
 */
export interface Finding {
  /** Best-known id: the CVE when there is one, else the GHSA, else the first id in sorted order. */
  id: string;
  /** The other ids of the flaw, sorted. */
  aliases: string[];
  /** The advisory records that matched (a DSA, the tracker's CVE, a GHSA ...), sorted. */
  advisoryIds: string[];
  package: FindingPackage;
  status: FindingStatus;
  /** Every fixed version the matched records give, in version order. */
  fixedVersions: string[];
  /** The suggested upgrade: the lowest fixed version above the installed one. */
  fixedVersion?: string;
  severity: Severity;
  /** Where the level comes from ("debian", "ghsa", "nvd", "cvss"); absent when UNKNOWN. */
  severitySource?: string;
  cvss: FindingCvss[];
  title?: string;
  description?: string;
  references: Array<{ type: string; url: string }>;
  published?: string;
  modified?: string;
}
