/**
 * `npm run bench:scan`: vulnerability scanning, measured in one run.
 *
 *   import  `portcullis db import` of all of ../shared/vulndata: wall time, peak RSS, file size, counts
 *   scan    `portcullis scan` of the scan integration test's image and of the bigger bench image
 *           (bench/lib/bench-image.ts): wall time, peak RSS, findings
 *   match   warm matching of a 2,000-package inventory against 500,000 generated affected records,
 *           in the real SQLite store and in the in-memory lookup (target: under 200 ms warm)
 *   trivy   the peer: Trivy's offline vulnerability scan tried for real, and its package listing
 *
 *   npm run bench:scan
 *   npm run bench:scan -- --only match --records 500000 --packages 2000 --runs 9
 *   npm run bench:scan -- --only import --only scan        # no Trivy
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createMemoryLookup } from '../src/vuln/index.ts';
import { vulndataPath } from '../src/vuln/match/testing/vulndata.ts';
import { openAdvisoryStore } from '../src/vuln/store/index.ts';
import { benchImage, type BenchImage } from './lib/bench-image.ts';
import { generateInventory, generateRecords, type GeneratedRecord } from './lib/match-data.ts';
import { generatedStore } from './lib/match-store.ts';
import { timeMatching, type MatchTiming } from './lib/match-timing.ts';
import { dbImport, scan, type DbImport, type ScanRun } from './lib/portcullis-cli.ts';
import { scanTestImage } from './lib/scan-image.ts';
import { trivyBinary } from './lib/trivy.ts';
import { dbHostProblem, packageListing, vulnScanAttempt, type PackageListing } from './lib/trivy-scan.ts';

const SECTIONS = ['import', 'scan', 'match', 'trivy'] as const;
type Section = (typeof SECTIONS)[number];
const TARGET_MS = 200;

const { values } = parseArgs({
  options: {
    only: { type: 'string', multiple: true },
    records: { type: 'string', default: '500000' },
    packages: { type: 'string', default: '2000' },
    runs: { type: 'string', default: '9' },
  },
});
for (const name of values.only ?? []) {
  if (!(SECTIONS as readonly string[]).includes(name)) throw new Error(`--only ${name}: expected one of ${SECTIONS.join(', ')}`);
}
const wanted = (section: Section) => values.only === undefined || values.only.includes(section);
const positive = (name: string, text: string) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, not ${text}`);
  return n;
};
const RECORDS = positive('records', values.records);
const PACKAGES = positive('packages', values.packages);
const RUNS = positive('runs', values.runs);

const mb = (bytes: number) => (bytes / 1024 ** 2).toFixed(1);
const n = (value: number) => value.toLocaleString('en');
function row(cells: Array<string | number>, first = 30): string {
  return cells.map((cell, i) => String(cell).padEnd(i === 0 ? first : 14)).join('').trimEnd();
}

function printImport(imported: DbImport, vulndata: string): void {
  const total = (key: 'advisories' | 'affected') => imported.sources.reduce((sum, source) => sum + source[key], 0);
  console.log(`\nDB import of ${vulndata}`);
  console.log(`wall ${imported.measured.seconds.toFixed(2)} s, peak RSS ${imported.measured.peakRssMb.toFixed(0)} MB, database ${mb(imported.bytes)} MB`);
  console.log(row(['source', 'advisories', 'affected', 'skipped', 'withdrawn'], 22));
  for (const source of imported.sources) console.log(row([source.name, n(source.advisories), n(source.affected), source.skipped, source.withdrawn], 22));
  console.log(row(['total', n(total('advisories')), n(total('affected'))], 22));
}

interface ImageResult {
  name: string;
  ours: ScanRun;
  trivyListing?: PackageListing;
}

function printScans(results: readonly ImageResult[]): void {
  console.log(`\nportcullis scan (docker-archive, advisory database above)`);
  console.log(row(['image', 'seconds', 'peak RSS MB', 'packages', 'findings', 'C/H/M/L/U']));
  for (const { name, ours } of results) {
    const levels = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'].map((level) => ours.bySeverity[level] ?? 0).join('/');
    console.log(row([name, ours.measured.seconds.toFixed(2), ours.measured.peakRssMb.toFixed(0), ours.packages, ours.findings, levels]));
  }
  if (!results.some((result) => result.trivyListing)) return;
  console.log(`\nTrivy, package listing only (CycloneDX, offline, jars skipped), for orientation`);
  console.log(row(['image', 'seconds', 'peak RSS MB', 'packages', 'portcullis scan']));
  for (const { name, ours, trivyListing } of results) {
    if (!trivyListing) continue;
    const ratio = (ours.measured.seconds / trivyListing.measured.seconds).toFixed(2);
    console.log(row([name, trivyListing.measured.seconds.toFixed(2), trivyListing.measured.peakRssMb.toFixed(0), trivyListing.packages, `${ratio}x the time`]));
  }
}

async function printTrivyVulnScan(binary: string, image: BenchImage, work: string): Promise<void> {
  const attempt = await vulnScanAttempt(binary, image.dockerArchive, work);
  console.log(`\nTrivy vulnerability scan, offline, fresh cache (--scanners vuln --offline-scan) of ${image.dockerArchive}`);
  if (attempt.code === 0) {
    console.log(`it succeeded after all: ${attempt.findings ?? 0} findings in ${attempt.seconds.toFixed(2)} s`);
    return;
  }
  console.log(`exit code ${attempt.code} after ${attempt.seconds.toFixed(2)} s; ${attempt.printedError ? 'error line' : 'no error line printed, its last line'}:`);
  console.log(`  ${attempt.errorLine}`);
  const dns = await dbHostProblem();
  console.log(dns === undefined ? `(ghcr.io resolves from here; the failure is Trivy's own)` : `cause: ${dns}`);
}

function printMatching(storeTiming: MatchTiming, memoryTiming: MatchTiming, store: { path: string; bytes: number; buildSeconds?: number | undefined }, affected: number): void {
  console.log(`\nMatching ${n(PACKAGES)} packages against ${n(affected)} generated affected records (warm = median of ${RUNS} runs after one cold run)`);
  console.log(row(['lookup', 'cold ms', 'warm ms', 'min ms', 'max ms', 'findings', 'packages hit', 'target'], 22));
  const line = (name: string, timing: MatchTiming) =>
    console.log(
      row([name, timing.coldMs.toFixed(1), timing.medianMs.toFixed(1), timing.minMs.toFixed(1), timing.maxMs.toFixed(1), timing.findings, timing.packagesHit, timing.medianMs < TARGET_MS ? `< ${TARGET_MS} ms: met` : `< ${TARGET_MS} ms: MISSED`], 22),
    );
  line('SQLite store', storeTiming);
  line('in-memory lookup', memoryTiming);
  const built = store.buildSeconds === undefined ? 'from the cache' : `written in ${store.buildSeconds.toFixed(1)} s`;
  console.log(`store: ${store.path}, ${mb(store.bytes)} MB, ${built}`);
  if (storeTiming.findings !== memoryTiming.findings) console.log(`WARNING: the store and the in-memory lookup disagree (${storeTiming.findings} vs ${memoryTiming.findings} findings)`);
}

async function matching(): Promise<void> {
  let records: GeneratedRecord[] | undefined;
  const generate = () => (records ??= generateRecords(RECORDS));
  const built = await generatedStore(RECORDS, generate);
  const inventory = generateInventory(PACKAGES);
  const store = openAdvisoryStore(built.path, { readOnly: true });
  let storeTiming: MatchTiming;
  try {
    storeTiming = timeMatching(inventory, store, RUNS);
  } finally {
    store.close();
  }
  const all = generate();
  const memory = createMemoryLookup(
    all.map((record) => record.advisory),
    all.map((record) => record.affected),
  );
  const memoryTiming = timeMatching(inventory, memory, RUNS);
  printMatching(storeTiming, memoryTiming, { ...built, bytes: (await stat(built.path)).size }, all.length);
}

const work = await mkdtemp(join(tmpdir(), 'portcullis-bench-scan-'));
try {
  const trivy = wanted('trivy') ? await trivyBinary() : undefined;
  if (wanted('import') || wanted('scan')) {
    const vulndata = vulndataPath();
    const db = join(work, 'advisories.db');
    printImport(await dbImport(db, [vulndata]), vulndata);
    if (wanted('scan')) {
      const images: Array<[string, BenchImage]> = [
        ['scan test image', await scanTestImage()],
        ['bench image', await benchImage()],
      ];
      const results: ImageResult[] = [];
      for (const [name, image] of images) {
        const result: ImageResult = { name, ours: await scan(`docker-archive:${image.dockerArchive}`, db, join(work, 'scan.json')) };
        if (trivy) result.trivyListing = await packageListing(trivy, image.dockerArchive, work);
        results.push(result);
      }
      printScans(results);
    }
  }
  if (trivy) await printTrivyVulnScan(trivy, await scanTestImage(), work);
  if (wanted('match')) await matching();
} finally {
  await rm(work, { recursive: true, force: true });
}
