/**
 * `npm run bench:secrets`: secret scanning of the realistic bench image with seven planted secrets
 * (bench/lib/secrets-image.ts), one of them in a file a later layer deletes. Portcullis and Trivy's
 * secret scanner run in the same process tree, measured the same way (wall time, peak RSS), and
 * each one's recall is counted: a planted secret is found when the tool reports a finding in its
 * file.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measure, type Measured } from './lib/run.ts';
import { DELETED_SECRET, PLANTED_SECRETS, secretsBenchImage } from './lib/secrets-image.ts';
import { trivyBinary } from './lib/trivy.ts';

const CLI = new URL('../bin/portcullis.js', import.meta.url).pathname;
const PLANTED = Object.keys(PLANTED_SECRETS);

interface Outcome {
  measured: Measured;
  /** Planted files the tool reported a finding in. */
  found: Set<string>;
  /** Findings outside the planted files (false positives, or real secrets of the base image). */
  other: number;
}

function outcome(measured: Measured, paths: string[]): Outcome {
  const normalised = paths.map((path) => path.replace(/^\/+/, ''));
  return { measured, found: new Set(normalised.filter((path) => PLANTED.includes(path))), other: normalised.filter((path) => !PLANTED.includes(path)).length };
}

async function portcullis(archive: string, out: string): Promise<Outcome> {
  const measured = await measure(process.execPath, [CLI, 'secrets', `docker-archive:${archive}`, '--format', 'json', '--output', out, '--quiet']);
  const report = JSON.parse(await readFile(out, 'utf8')) as { findings: Array<{ source: { kind: string; path?: string } }> };
  return outcome(measured, report.findings.flatMap((finding) => (finding.source.kind === 'file' && finding.source.path !== undefined ? [finding.source.path] : [])));
}

async function trivy(binary: string, archive: string, out: string, work: string): Promise<Outcome> {
  const cacheDir = await mkdtemp(join(work, 'trivy-cache-'));
  const measured = await measure(binary, ['image', '--input', archive, '--scanners', 'secret', '--offline-scan', '--cache-dir', cacheDir, '-f', 'json', '--output', out, '--quiet']);
  const report = JSON.parse(await readFile(out, 'utf8')) as { Results?: Array<{ Target: string; Class?: string; Secrets?: unknown[] }> };
  const paths = (report.Results ?? []).filter((result) => result.Class === 'secret').flatMap((result) => Array<string>((result.Secrets ?? []).length).fill(result.Target));
  return outcome(measured, paths);
}

function row(cells: Array<string | number>): string {
  return cells.map((cell, i) => String(cell).padEnd(i === 0 ? 12 : 14)).join('');
}

const work = await mkdtemp(join(tmpdir(), 'portcullis-bench-secrets-'));
try {
  const trivyPath = await trivyBinary();
  const image = await secretsBenchImage();
  const ours = await portcullis(image.dockerArchive, join(work, 'ours.json'));
  const theirs = await trivy(trivyPath, image.dockerArchive, join(work, 'trivy.json'), work);

  console.log(`\nSecret scan of ${image.dockerArchive}: ${PLANTED.length} planted secrets, ${DELETED_SECRET} deleted by the last layer`);
  console.log(row(['', 'seconds', 'peak RSS MB', 'recall', 'other finds', 'vs Trivy']));
  const line = (name: string, result: Outcome, peer?: Outcome) =>
    console.log(
      row([
        name,
        result.measured.seconds.toFixed(2),
        result.measured.peakRssMb.toFixed(0),
        `${result.found.size}/${PLANTED.length}`,
        result.other,
        peer ? `${(result.measured.seconds / peer.measured.seconds).toFixed(2)}x time, recall ${result.found.size}:${peer.found.size}` : '',
      ]),
    );
  line('portcullis', ours, theirs);
  line('trivy', theirs);
  for (const [name, result] of [['portcullis', ours], ['trivy', theirs]] as const) {
    const missed = PLANTED.filter((path) => !result.found.has(path));
    if (missed.length > 0) console.log(`${name} missed: ${missed.join(', ')}`);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
