/**
 * The realistic image the benchmarks scan, built from real software and cached outside the
 * repository (~/.cache/portcullis-bench/):
 *
 *   layer 0  Debian bookworm minbase (debootstrap)
 *   layer 1  /app: an npm application with a few hundred packages in node_modules (from the npm registry)
 *   layer 2  /usr/local/lib/python3.11/site-packages: Python distributions (unpacked from Debian's
 *            python3-* packages, so not owned by dpkg, as pip would leave them)
 *   layer 3  /opt/app/lib: Java archives (from Debian's lib*-java packages)
 *   layer 4  /usr/local/bin: Go binaries (Debian's skopeo, umoci, docker-registry)
 *
 * `large` adds a layer of incompressible data so the image is about 1 GB uncompressed.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { debianOciLayout } from '../../test/fixtures/debian.ts';
import { run } from './run.ts';

const CACHE = join(homedir(), '.cache', 'portcullis-bench');
const VERSION = 'v1';

export interface BenchImage {
  /** OCI layout directory and tag: `oci:${dir}:${tag}`. */
  layout: { dir: string; tag: string };
  /** docker-archive tar of the same image. */
  dockerArchive: string;
}

const NPM_PACKAGES = ['express@4', 'jest@29', 'lodash@4', 'axios@1'];
const PYTHON_DEBS = ['python3-requests', 'python3-urllib3', 'python3-idna', 'python3-certifi', 'python3-chardet', 'python3-six', 'python3-yaml', 'python3-jinja2', 'python3-markupsafe', 'python3-packaging'];
const JAVA_DEBS = ['libcommons-lang3-java', 'libcommons-io-java', 'libslf4j-java', 'libjsoup-java'];
const GO_BINARIES = ['/usr/bin/skopeo', '/usr/bin/umoci', '/usr/bin/docker-registry'];

async function unpackDebs(packages: string[], into: string): Promise<void> {
  const debs = join(into, '..', `debs-${packages.length}`);
  await mkdir(debs, { recursive: true });
  await run('apt-get', ['download', ...packages], { cwd: debs });
  for (const file of await readdir(debs)) await run('dpkg-deb', ['-x', join(debs, file), into]);
}

async function layerDirs(work: string): Promise<Array<{ source: string; target: string }>> {
  const app = join(work, 'app');
  await mkdir(app, { recursive: true });
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'bench-app', version: '1.0.0', private: true }));
  await run('npm', ['install', '--prefix', app, '--no-audit', '--no-fund', '--ignore-scripts', ...NPM_PACKAGES]);

  const pythonDebs = join(work, 'python-debs');
  await unpackDebs(PYTHON_DEBS, pythonDebs);
  const javaDebs = join(work, 'java-debs');
  await unpackDebs(JAVA_DEBS, javaDebs);
  const jars = join(work, 'jars');
  await mkdir(jars);
  for (const file of await readdir(join(javaDebs, 'usr/share/java'), { withFileTypes: true })) {
    if (file.isFile() && file.name.endsWith('.jar')) await cp(join(javaDebs, 'usr/share/java', file.name), join(jars, file.name));
  }
  const go = join(work, 'go');
  await mkdir(go);
  for (const binary of GO_BINARIES) await cp(binary, join(go, binary.split('/').pop()!));

  return [
    { source: app, target: '/app' },
    { source: join(pythonDebs, 'usr/lib/python3/dist-packages'), target: '/usr/local/lib/python3.11/site-packages' },
    { source: jars, target: '/opt/app/lib' },
    { source: go, target: '/usr/local/bin' },
  ];
}

async function buildImage(finalDir: string, large: boolean): Promise<void> {
  const tmp = `${finalDir}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const base = await debianOciLayout();
  const layout = join(tmp, 'layout');
  await cp(base.dir, layout, { recursive: true });
  await run('umoci', ['tag', '--image', `${layout}:${base.tag}`, 'bench']);
  const work = join(tmp, 'work');
  await mkdir(work);
  const layers = await layerDirs(work);
  if (large) {
    const blobs = join(work, 'data');
    await mkdir(blobs);
    for (let i = 0; i < 7; i++) await run('sh', ['-c', `head -c 100M /dev/urandom > ${join(blobs, `blob-${i}.bin`)}`]);
    layers.push({ source: blobs, target: '/var/lib/data' });
  }
  for (const layer of layers) {
    await run('umoci', ['insert', '--image', `${layout}:bench`, layer.source, layer.target]);
  }
  await run('umoci', ['gc', '--layout', layout]);
  await run('skopeo', ['copy', '-q', `oci:${layout}:bench`, `docker-archive:${join(tmp, 'image.tar')}:portcullis/bench:1`]);
  await rm(work, { recursive: true, force: true });
  await rename(tmp, finalDir);
}

export async function benchImage(options: { large?: boolean } = {}): Promise<BenchImage> {
  const dir = join(CACHE, `image-${options.large ? 'large' : 'realistic'}-${VERSION}`);
  if (!existsSync(dir)) {
    process.stderr.write(`building the benchmark image in ${dir} (once; takes a few minutes)\n`);
    await buildImage(dir, options.large === true);
  }
  return { layout: { dir: join(dir, 'layout'), tag: 'bench' }, dockerArchive: join(dir, 'image.tar') };
}
