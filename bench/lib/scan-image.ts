/**
 * The image of the scan integration test (test/scan-image.test.ts), cached outside the repository
 * (~/.cache/portcullis-bench/image-scan-v1/): the real Debian bookworm minbase, then an npm layer
 * and a Python layer holding versions with known advisories in ../shared/vulndata.
 *
 *   layer 0  Debian bookworm minbase (debootstrap)
 *   layer 1  /app/node_modules: lodash, jsonwebtoken, axios, semver, ws at vulnerable versions
 *   layer 2  /usr/local/lib/python3.11/site-packages: requests 2.19.0
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { debianWithLayers, type LayerFiles } from '../../test/helpers/layered-image.ts';
import type { BenchImage } from './bench-image.ts';
import { run } from './run.ts';

const CACHE = join(homedir(), '.cache', 'portcullis-bench');
const VERSION = 'v1';
const TAG = 'scan';

const VULNERABLE_NPM: Record<string, string> = { lodash: '4.17.20', jsonwebtoken: '8.5.1', axios: '0.21.1', semver: '7.5.1', ws: '7.4.0' };
const VULNERABLE_PYPI: Record<string, string> = { requests: '2.19.0' };

function npmLayer(): LayerFiles {
  const files: LayerFiles = { 'app/package.json': JSON.stringify({ name: 'shop', version: '1.0.0' }) };
  for (const [name, version] of Object.entries(VULNERABLE_NPM)) files[`app/node_modules/${name}/package.json`] = JSON.stringify({ name, version });
  return files;
}

function pythonLayer(): LayerFiles {
  const files: LayerFiles = {};
  for (const [name, version] of Object.entries(VULNERABLE_PYPI)) {
    files[`usr/local/lib/python3.11/site-packages/${name}-${version}.dist-info/METADATA`] = `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`;
  }
  return files;
}

export async function scanTestImage(): Promise<BenchImage> {
  const dir = join(CACHE, `image-scan-${VERSION}`);
  if (!existsSync(dir)) {
    process.stderr.write(`building the scan test image in ${dir} (once)\n`);
    const tmp = `${dir}.tmp`;
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp, { recursive: true });
    const target = await debianWithLayers(join(tmp, 'layout'), [npmLayer(), pythonLayer()], TAG);
    await run('skopeo', ['copy', '-q', target, `docker-archive:${join(tmp, 'image.tar')}:portcullis/scan:1`]);
    await rename(tmp, dir);
  }
  return { layout: { dir: join(dir, 'layout'), tag: TAG }, dockerArchive: join(dir, 'image.tar') };
}
