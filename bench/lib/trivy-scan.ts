/**
 * Trivy as the vulnerability scanning peer. Its vulnerability database is an OCI artifact pulled
 * from ghcr.io on the first scan, with no offline import; `vulnScanAttempt` runs that first scan
 * for real (fresh cache) and reports how it ends, and `packageListing` times what Trivy can do
 * offline on the same image (list its packages as CycloneDX) for orientation.
 */
import { lookup } from 'node:dns/promises';
import { mkdtemp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { purlsOf } from './cyclonedx-purls.ts';
import { measure, spawnCollect, timed, type Measured } from './run.ts';

/** Where Trivy's vulnerability database comes from by default. */
export const TRIVY_DB_HOST = 'ghcr.io';

export interface VulnScanAttempt {
  code: number | null;
  seconds: number;
  /** The last error line Trivy printed, or its last line when it printed no error. */
  errorLine: string;
  /** Whether Trivy printed an error line at all. */
  printedError: boolean;
  findings?: number;
}

const ANSI = /\u001b\[[0-9;]*m/g;

function lastErrorLine(stderr: string): { line: string; printedError: boolean } {
  const lines = stderr.replace(ANSI, '').split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const errors = lines.filter((line) => /\b(FATAL|ERROR)\b|error:/i.test(line));
  if (errors.length > 0) return { line: errors[errors.length - 1]!, printedError: true };
  return { line: lines[lines.length - 1] ?? '(no output)', printedError: false };
}

export async function vulnScanAttempt(binary: string, input: string, work: string): Promise<VulnScanAttempt> {
  const cacheDir = await mkdtemp(join(work, 'trivy-vuln-cache-'));
  const out = join(work, 'trivy-vuln.json');
  const args = ['image', '--input', input, '--scanners', 'vuln', '--offline-scan', '--cache-dir', cacheDir, '-f', 'json', '--output', out];
  const { seconds, value } = await timed(() => spawnCollect(binary, args, {}));
  const { line, printedError } = lastErrorLine(value.stderr);
  const attempt: VulnScanAttempt = { code: value.code, seconds, errorLine: line, printedError };
  if (value.code === 0) {
    const report = JSON.parse(await readFile(out, 'utf8')) as { Results?: Array<{ Vulnerabilities?: unknown[] }> };
    attempt.findings = (report.Results ?? []).reduce((sum, result) => sum + (result.Vulnerabilities?.length ?? 0), 0);
  }
  return attempt;
}

/** Why the database host cannot be reached from here, or undefined when its name resolves. */
export async function dbHostProblem(): Promise<string | undefined> {
  try {
    await lookup(TRIVY_DB_HOST);
    return undefined;
  } catch (error) {
    return `${TRIVY_DB_HOST} does not resolve: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
  }
}

export interface PackageListing {
  measured: Measured;
  packages: number;
}

export async function packageListing(binary: string, input: string, work: string): Promise<PackageListing> {
  const cacheDir = await mkdtemp(join(work, 'trivy-list-cache-'));
  const out = join(work, 'trivy-list.cdx.json');
  // Offline, Trivy refuses to read jars without its Java index database (also on ghcr.io).
  const args = ['image', '--input', input, '--format', 'cyclonedx', '--output', out, '--cache-dir', cacheDir, '--offline-scan', '--skip-files', '**/*.jar', '--quiet'];
  const measured = await measure(binary, args);
  return { measured, packages: (await purlsOf(out)).size };
}
