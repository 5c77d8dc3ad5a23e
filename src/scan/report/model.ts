/**
 * The scan report: everything a formatter prints about one scan, built once by `buildScanReport`
 * and then only read. Findings keep the matcher's shape untouched; what suppression decided about
 * them sits beside them (`suppressedBy`, `vex`). JSON-serialisable, so `formatScanJson` is the model
 * written out (docs/formats/scan-json.md).
 */
import type { OSInfo, Warning } from '../../inventory/index.ts';
import type { Finding, Severity } from '../../vuln/index.ts';

/** An entry of `.portcullisignore.yaml` (docs/formats/ignore-file.md). */
export interface IgnoreEntry {
  /** CVE, GHSA or any other id or alias of the flaw. */
  id: string;
  /** purl (qualifiers optional) or package name the entry is limited to. */
  package?: string;
  /** Glob on the package's file locations the entry is limited to. */
  path?: string;
  reason: string;
  owner?: string;
  /** `YYYY-MM-DD`: the entry applies until the start of that day (UTC). */
  expires?: string;
  /** Where the entry is written ("path:line"), for messages. */
  source: string;
}

export type VexStatus = 'not_affected' | 'affected' | 'fixed' | 'under_investigation';

/** The OpenVEX statement that decided about a finding, as the report keeps it. */
export interface VexNote {
  /** The VEX document's @id and where it was read from. */
  document: string;
  source: string;
  vulnerability: string;
  status: VexStatus;
  justification?: string;
  impactStatement?: string;
  actionStatement?: string;
  statusNotes?: string;
  timestamp?: string;
}

export type Suppression = { kind: 'ignore'; entry: IgnoreEntry } | { kind: 'vex'; statement: VexNote };

/** A finding still reported; `vex` is an `affected` / `under_investigation` statement about it. */
export interface ReportedFinding {
  finding: Finding;
  vex?: VexNote;
}

export interface SuppressedFinding {
  finding: Finding;
  suppressedBy: Suppression;
}

/** An ignore entry past its `expires` date: it suppressed nothing and should be reviewed. */
export interface ExpiredIgnore {
  entry: IgnoreEntry;
  /** How many findings it would have suppressed. */
  wouldSuppress: number;
}

export type SeverityCounts = Record<Severity, number>;

export interface ScanReport {
  /** Version of this model's JSON form. */
  schemaVersion: 1;
  tool: { name: 'portcullis'; version: string };
  target: {
    reference: string;
    kind: 'image' | 'directory';
    /** Manifest digest of the image, when known. */
    imageDigest?: string;
    os?: OSInfo;
  };
  inventory: {
    /** Distinct packages (one per purl). */
    packages: number;
    /** Packages per type, keys sorted. */
    byType: Record<string, number>;
  };
  /** Findings still reported, most severe first. */
  findings: ReportedFinding[];
  suppressed: SuppressedFinding[];
  expiredIgnores: ExpiredIgnore[];
  warnings: Warning[];
  /** Reported (unsuppressed) findings per severity. */
  counts: SeverityCounts;
}
