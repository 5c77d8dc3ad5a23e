/**
 * The Portcullis CLI as the scan benchmark runs it: each command a child process of this Node,
 * measured under GNU time (run.ts) exactly as the peer is, and its JSON output read back for the
 * counts printed beside the timings.
 */
import { stat, readFile } from 'node:fs/promises';
import { measure, run, type Measured } from './run.ts';

const CLI = new URL('../../bin/portcullis.js', import.meta.url).pathname;

export interface SourceCounts {
  name: string;
  advisories: number;
  affected: number;
  skipped: number;
  withdrawn: number;
}

export interface DbImport {
  measured: Measured;
  bytes: number;
  sources: SourceCounts[];
}

export interface ScanRun {
  measured: Measured;
  packages: number;
  findings: number;
  /** Findings by severity level, as the report counts them. */
  bySeverity: Record<string, number>;
}

function count(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new Error(`${what}: expected a count, got ${JSON.stringify(value)}`);
  return value;
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${what}: expected an object`);
  return value as Record<string, unknown>;
}

/** `portcullis db import --db db paths...`, then `db status` for what the file holds. */
export async function dbImport(db: string, paths: readonly string[]): Promise<DbImport> {
  const measured = await measure(process.execPath, [CLI, 'db', 'import', '--db', db, '--quiet', ...paths]);
  const status = record(JSON.parse(await run(process.execPath, [CLI, 'db', 'status', '--db', db, '--format', 'json'])), 'db status');
  if (!Array.isArray(status.sources)) throw new Error('db status: no sources list');
  const sources = status.sources.map((raw, i): SourceCounts => {
    const source = record(raw, `db status source ${i}`);
    if (typeof source.name !== 'string') throw new Error(`db status source ${i}: no name`);
    const field = (key: string) => count(source[key], `db status ${source.name}.${key}`);
    return { name: source.name, advisories: field('advisories'), affected: field('affected'), skipped: field('skipped'), withdrawn: field('withdrawn') };
  });
  return { measured, bytes: (await stat(db)).size, sources };
}

/** `portcullis scan target --db db -f json`: exits 0 whatever it finds, as no --fail-on is given. */
export async function scan(target: string, db: string, out: string): Promise<ScanRun> {
  const measured = await measure(process.execPath, [CLI, 'scan', target, '--db', db, '--format', 'json', '--output', out, '--quiet']);
  const report = record(JSON.parse(await readFile(out, 'utf8')), 'scan report');
  if (!Array.isArray(report.findings)) throw new Error('scan report: no findings list');
  const counts = record(report.counts, 'scan report counts');
  const bySeverity: Record<string, number> = {};
  for (const [level, n] of Object.entries(counts)) bySeverity[level] = count(n, `scan report counts.${level}`);
  return {
    measured,
    packages: count(record(report.inventory, 'scan report inventory').packages, 'scan report inventory.packages'),
    findings: report.findings.length,
    bySeverity,
  };
}
