/**
 * The secret scanner's model: rules (data), findings (always redacted: the secret itself never leaves
 * the engine) and the result of scanning one target.
 */
import type { LayerRef, Warning } from '../inventory/index.ts';

/** Spelled as the vulnerability severities are, so one `--fail-on` vocabulary serves both. */
export type SecretSeverity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW';

export const SEVERITY_ORDER: readonly SecretSeverity[] = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/** `secret`: credentials and keys (on by default). `pii`: personal data (on with --pii). */
export type RuleCategory = 'secret' | 'pii';

/** Checksums and structure tests that turn a pattern match into a real finding. */
export type RuleCheck = 'luhn' | 'iban' | 'us-ssn' | 'phone' | 'jwt' | 'base64-docker-auth' | 'random-looking';

export interface SecretRule {
  /** Stable kebab-case id, used in allow-lists, SARIF and JSON. */
  id: string;
  category: RuleCategory;
  title: string;
  severity: SecretSeverity;
  /**
   * Lower-case literals; the rule's regex runs only on files that contain one of them (compared
   * case-insensitively). Must be non-empty: a rule with no keyword would be run on every file.
   */
  keywords: string[];
  /**
   * The pattern. The named group `secret` marks the secret (the whole match when absent). Flags
   * other than `i`, `m` and `s` are not allowed: the engine adds `g` and `d` itself. Every
   * quantifier must be bounded and must not nest over overlapping classes (linear time).
   */
  regex: RegExp;
  /** Minimum Shannon entropy of the secret in bits per character (random tokens: ~4 and more). */
  entropy?: number;
  /** The rule applies only to files whose path (relative to the root) matches. */
  paths?: RegExp;
  /** The file must also contain this (the other half of a pair: a GCP key's client_email). */
  requires?: RegExp;
  /** A structural test of the secret (checksum, decodable JWT, ...). */
  check?: RuleCheck;
  /** Secrets (values) and paths that this rule never reports. */
  allow?: { values?: RegExp[]; paths?: RegExp[] };
  /** Why this matters and what to do: shown in SARIF rule help. */
  help: string;
}

/** Where a finding is: a file (of a layer, or of a directory), or a field of the image config. */
export type FindingSource =
  | {
      kind: 'file';
      /** Path relative to the root, no leading '/'. */
      path: string;
      /** The layer that holds this copy of the file (absent for directories). */
      layer?: LayerRef;
      /**
       * True when this copy is what the final filesystem shows; false when a later layer deleted
       * or replaced it (it still ships inside the image). Absent for directories.
       */
      survives?: boolean;
    }
  | {
      kind: 'config';
      /** Which part of the image config: an ENV entry, a label, or a history created_by string. */
      field: 'env' | 'label' | 'history';
      /** The variable or label name, or the history entry's index. */
      key: string;
    };

export interface SecretFinding {
  ruleId: string;
  category: RuleCategory;
  title: string;
  severity: SecretSeverity;
  source: FindingSource;
  /** 1-based line and column of the secret's first character. */
  line: number;
  column: number;
  /** The secret with only its first and last few characters kept: `AKIA…MPLE`. */
  redacted: string;
}

export interface SecretScanResult {
  /** Version of this model's JSON form (docs/commands/secrets.md). */
  schemaVersion: 1;
  target: { reference: string; kind: 'image' | 'directory' };
  /** Layers of an image, in manifest order (absent for directories). */
  layers?: LayerRef[];
  findings: SecretFinding[];
  /** How much was read and why files were passed over. */
  stats: ScanStats;
  warnings: Warning[];
}

export interface ScanStats {
  filesScanned: number;
  /** Skipped as binary (NUL byte near the start, or a binary file extension). */
  filesBinary: number;
  /** Skipped for being over the size limit. */
  filesTooLarge: number;
  /** Findings dropped by the built-in suppressions or the allow-list. */
  suppressed: number;
}
