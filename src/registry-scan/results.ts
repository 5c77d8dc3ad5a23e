/**
 * Scan results per manifest digest: the inventory (kept so a rescan re-matches without reading
 * layers again), the findings, the summary counts and which advisory database they came from.
 */
import type { DatabaseSync } from 'node:sqlite';
import { PortcullisError } from '../core/index.ts';
import type { Inventory } from '../inventory/index.ts';
import { SEVERITY_ORDER, type Finding, type Severity } from '../vuln/index.ts';
import { type Row, integer, optionalText, text } from './database.ts';
import { findingKey } from './findings-diff.ts';

/** Counts of findings per severity, and their total. */
export type VulnerabilitySummary = Record<Severity, number> & { total: number };

/** The advisory database a result was matched against; absent when none was configured or present. */
export interface AdvisoryDatabaseInfo {
  path: string;
  /** ISO time of the newest import in the database. */
  updatedAt?: string;
}

export interface ScanResult {
  digest: string;
  /** The repository the image was read from (the first one it was pushed to). */
  repository: string;
  inventory: Inventory;
  findings: Finding[];
  summary: VulnerabilitySummary;
  /** When the layers were read (ms since the epoch). */
  scannedAt: number;
  /** When the findings were last matched: the scan, or the latest rescan. */
  matchedAt: number;
  advisoryDatabase?: AdvisoryDatabaseInfo;
  /** Digest of the CycloneDX SBOM referrer pushed for the image. */
  sbomDigest?: string;
}

/** One row of `listScans`: the result without its bulky inventory and findings. */
export type ScanListing = Omit<ScanResult, 'inventory' | 'findings'>;

export interface ListScansOptions {
  repository?: string;
  /** Only digests lexically after this one (pagination). */
  after?: string;
  /** Default 100. */
  limit?: number;
}

export function summarize(findings: readonly Finding[]): VulnerabilitySummary {
  const summary = Object.fromEntries(SEVERITY_ORDER.map((severity) => [severity, 0])) as VulnerabilitySummary;
  summary.total = 0;
  for (const finding of findings) {
    summary[finding.severity] += 1;
    summary.total += 1;
  }
  return summary;
}

/** Parses JSON the store itself wrote; a row that does not parse means a damaged database. */
function storedJson<T>(row: Row, column: string, check: (value: unknown) => boolean): T {
  const value: unknown = JSON.parse(text(row, column));
  if (!check(value)) throw new PortcullisError('INTERNAL', `jobs.db: scan ${String(row.digest)} has a malformed ${column}`);
  return value as T;
}

const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);

function toListing(row: Row): ScanListing {
  const advisory = optionalText(row, 'advisory_db');
  const sbomDigest = optionalText(row, 'sbom_digest');
  return {
    digest: text(row, 'digest'),
    repository: text(row, 'repository'),
    summary: storedJson<VulnerabilitySummary>(row, 'summary', isObject),
    scannedAt: integer(row, 'scanned_at'),
    matchedAt: integer(row, 'matched_at'),
    ...(advisory !== undefined && { advisoryDatabase: JSON.parse(advisory) as AdvisoryDatabaseInfo }),
    ...(sbomDigest !== undefined && { sbomDigest }),
  };
}

export class ResultStore {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  save(result: ScanResult): void {
    this.#db
      .prepare(
        `INSERT OR REPLACE INTO scans (digest, repository, inventory, findings, summary, scanned_at, matched_at, advisory_db, sbom_digest)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        result.digest,
        result.repository,
        JSON.stringify(result.inventory),
        JSON.stringify(result.findings),
        JSON.stringify(result.summary),
        result.scannedAt,
        result.matchedAt,
        result.advisoryDatabase === undefined ? null : JSON.stringify(result.advisoryDatabase),
        result.sbomDigest ?? null,
      );
    this.#recordFirstSeen(result.digest, result.findings, result.matchedAt);
  }

  /** Replaces the findings of a stored result after a rescan. */
  updateFindings(digest: string, findings: readonly Finding[], matchedAt: number, advisoryDatabase: AdvisoryDatabaseInfo | undefined): void {
    this.#db
      .prepare('UPDATE scans SET findings = ?, summary = ?, matched_at = ?, advisory_db = ? WHERE digest = ?')
      .run(JSON.stringify(findings), JSON.stringify(summarize(findings)), matchedAt, advisoryDatabase === undefined ? null : JSON.stringify(advisoryDatabase), digest);
    this.#recordFirstSeen(digest, findings, matchedAt);
  }

  /** Keeps the earliest time each finding was matched, so a rescan does not restart grace periods. */
  #recordFirstSeen(digest: string, findings: readonly Finding[], at: number): void {
    const insert = this.#db.prepare('INSERT OR IGNORE INTO finding_first_seen (digest, finding, first_seen) VALUES (?, ?, ?)');
    for (const finding of findings) insert.run(digest, findingKey(finding), at);
  }

  /** When each finding of a digest was first matched (ms since the epoch), by findingKey. */
  firstSeen(digest: string): Map<string, number> {
    const rows = this.#db.prepare('SELECT finding, first_seen FROM finding_first_seen WHERE digest = ?').all(digest) as Row[];
    return new Map(rows.map((row) => [text(row, 'finding'), integer(row, 'first_seen')]));
  }

  get(digest: string): ScanResult | undefined {
    const row = this.#db.prepare('SELECT * FROM scans WHERE digest = ?').get(digest) as Row | undefined;
    if (row === undefined) return undefined;
    return {
      ...toListing(row),
      inventory: storedJson<Inventory>(row, 'inventory', (value) => isObject(value) && Array.isArray((value as Inventory).packages)),
      findings: storedJson<Finding[]>(row, 'findings', Array.isArray),
    };
  }

  /** The result of a digest without its inventory and findings (cheap: listings ask it per row). */
  listing(digest: string): ScanListing | undefined {
    const row = this.#db.prepare('SELECT digest, repository, summary, scanned_at, matched_at, advisory_db, sbom_digest FROM scans WHERE digest = ?').get(digest) as Row | undefined;
    return row === undefined ? undefined : toListing(row);
  }

  summary(digest: string): VulnerabilitySummary | undefined {
    const row = this.#db.prepare('SELECT digest, summary FROM scans WHERE digest = ?').get(digest) as Row | undefined;
    return row === undefined ? undefined : storedJson<VulnerabilitySummary>(row, 'summary', isObject);
  }

  list(options: ListScansOptions = {}): ScanListing[] {
    const limit = Math.min(Math.max(options.limit ?? 100, 1), 10_000);
    const after = options.after ?? '';
    const columns = 'digest, repository, summary, scanned_at, matched_at, advisory_db, sbom_digest';
    const rows =
      options.repository === undefined
        ? this.#db.prepare(`SELECT ${columns} FROM scans WHERE digest > ? ORDER BY digest LIMIT ?`).all(after, limit)
        : this.#db.prepare(`SELECT ${columns} FROM scans WHERE repository = ? AND digest > ? ORDER BY digest LIMIT ?`).all(options.repository, after, limit);
    return (rows as Row[]).map(toListing);
  }

  /** Every stored digest, for rescans. */
  digests(): string[] {
    return (this.#db.prepare('SELECT digest FROM scans ORDER BY digest').all() as Row[]).map((row) => text(row, 'digest'));
  }
}
