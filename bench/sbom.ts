/**
 * `npm run bench:sbom`: the inventory of a realistic image (bench/lib/bench-image.ts), measured in one
 * run against the physical floor (decompressing the same layers) and against Trivy making the same
 * CycloneDX SBOM offline, with both tools' package counts side by side; then peak RSS on a ~1 GB image.
 *
 *   npm run bench:sbom                 # both images
 *   npm run bench:sbom -- --no-large   # skip the 1 GB image
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { benchImage, type BenchImage } from './lib/bench-image.ts';
import { purlsOf, purlType } from './lib/cyclonedx-purls.ts';
import { measure, run, timed, type Measured } from './lib/run.ts';
import { trivyBinary } from './lib/trivy.ts';

const CLI = new URL('../bin/portcullis.js', import.meta.url).pathname;

async function layerBlobs(layout: BenchImage['layout']): Promise<string[]> {
  const blob = (digest: string) => join(layout.dir, 'blobs', ...digest.split(':'));
  const index = JSON.parse(await readFile(join(layout.dir, 'index.json'), 'utf8')) as {
    manifests: Array<{ digest: string; annotations?: Record<string, string> }>;
  };
  const entry = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === layout.tag);
  if (!entry) throw new Error(`tag ${layout.tag} not in ${layout.dir}`);
  const manifest = JSON.parse(await readFile(blob(entry.digest), 'utf8')) as { layers: Array<{ digest: string }> };
  return manifest.layers.map((layer) => blob(layer.digest));
}

async function decompressionFloor(blobs: string[]): Promise<{ gzipCli: number; zlib: number }> {
  const gzipCli = await timed(async () => {
    for (const blob of blobs) await run('sh', ['-c', `gzip -dc '${blob}' > /dev/null`]);
  });
  const zlib = await timed(async () => {
    for (const blob of blobs) {
      await pipeline(createReadStream(blob), createGunzip(), new Writable({ write: (_chunk, _encoding, done) => done() }));
    }
  });
  return { gzipCli: gzipCli.seconds, zlib: zlib.seconds };
}

async function portcullis(target: string, out: string): Promise<Measured> {
  return measure(process.execPath, [CLI, 'sbom', target, '--format', 'cyclonedx', '--output', out, '--quiet']);
}

async function trivy(binary: string, input: string, out: string, work: string): Promise<Measured> {
  const cacheDir = await mkdtemp(join(work, 'trivy-cache-'));
  // Offline, Trivy cannot read jars without first downloading its Java index database, and refuses
  // to run at all; skipping jars is the only way it completes here, so it reports none.
  const args = ['image', '--input', input, '--format', 'cyclonedx', '--output', out, '--cache-dir', cacheDir, '--offline-scan', '--skip-files', '**/*.jar', '--quiet'];
  return measure(binary, args);
}

function row(cells: Array<string | number>): string {
  return cells.map((cell, i) => String(cell).padEnd(i === 0 ? 34 : 14)).join('');
}

function countsByType(purls: Set<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const purl of purls) counts.set(purlType(purl), (counts.get(purlType(purl)) ?? 0) + 1);
  return counts;
}

async function compareRealistic(trivyPath: string, work: string): Promise<void> {
  const image = await benchImage();
  const blobs = await layerBlobs(image.layout);
  const floor = await decompressionFloor(blobs);
  const oursArchive = await portcullis(`docker-archive:${image.dockerArchive}`, join(work, 'ours-archive.cdx.json'));
  const oursLayout = await portcullis(`oci:${image.layout.dir}:${image.layout.tag}`, join(work, 'ours-layout.cdx.json'));
  const theirsArchive = await trivy(trivyPath, image.dockerArchive, join(work, 'trivy-archive.cdx.json'), work);
  const theirsLayout = await trivy(trivyPath, image.layout.dir, join(work, 'trivy-layout.cdx.json'), work);

  console.log(`\nRealistic image: ${blobs.length} layers (${image.dockerArchive})`);
  console.log(row(['', 'seconds', 'peak RSS MB', 'vs floor', 'vs Trivy']));
  console.log(row(['decompression floor (gzip -dc)', floor.gzipCli.toFixed(2)]));
  console.log(row(['decompression floor (node zlib)', floor.zlib.toFixed(2)]));
  const line = (name: string, m: Measured, peer?: Measured) =>
    console.log(row([name, m.seconds.toFixed(2), m.peakRssMb.toFixed(0), (m.seconds / floor.gzipCli).toFixed(2) + 'x', peer ? (m.seconds / peer.seconds).toFixed(2) + 'x' : '']));
  line('portcullis, docker-archive', oursArchive, theirsArchive);
  line('trivy, docker-archive', theirsArchive);
  line('portcullis, OCI layout', oursLayout, theirsLayout);
  line('trivy, OCI layout', theirsLayout);

  const ours = await purlsOf(join(work, 'ours-archive.cdx.json'));
  const theirs = await purlsOf(join(work, 'trivy-archive.cdx.json'));
  const types = [...new Set([...countsByType(ours).keys(), ...countsByType(theirs).keys()])].sort();
  console.log(`\nPackages (purls compared without qualifiers)`);
  console.log(row(['type', 'portcullis', 'trivy', 'both', 'only ours', 'only trivy']));
  for (const type of types) {
    const o = [...ours].filter((p) => purlType(p) === type);
    const t = [...theirs].filter((p) => purlType(p) === type);
    const both = o.filter((p) => theirs.has(p)).length;
    console.log(row([type, o.length, t.length, both, o.length - both, t.length - both]));
  }
  const onlyTrivy = [...theirs].filter((p) => !ours.has(p));
  if (onlyTrivy.length > 0) console.log(`\nOnly Trivy (${onlyTrivy.length}):\n  ${onlyTrivy.slice(0, 40).join('\n  ')}`);
}

async function largeImage(trivyPath: string, work: string): Promise<void> {
  const image = await benchImage({ large: true });
  const ours = await portcullis(`docker-archive:${image.dockerArchive}`, join(work, 'ours-large.cdx.json'));
  const theirs = await trivy(trivyPath, image.dockerArchive, join(work, 'trivy-large.cdx.json'), work);
  console.log(`\nLarge image (~1 GB uncompressed): ${image.dockerArchive}`);
  console.log(row(['', 'seconds', 'peak RSS MB']));
  console.log(row(['portcullis, docker-archive', ours.seconds.toFixed(2), ours.peakRssMb.toFixed(0)]));
  console.log(row(['trivy, docker-archive', theirs.seconds.toFixed(2), theirs.peakRssMb.toFixed(0)]));
}

const work = await mkdtemp(join(tmpdir(), 'portcullis-bench-sbom-'));
try {
  const trivyPath = await trivyBinary();
  await compareRealistic(trivyPath, work);
  if (!process.argv.includes('--no-large')) await largeImage(trivyPath, work);
} finally {
  await rm(work, { recursive: true, force: true });
}
