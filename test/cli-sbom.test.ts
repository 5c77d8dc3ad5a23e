/**
 * `portcullis sbom` as users run it: every format, --output, exit codes and messages for bad input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli.ts';
import { writeOciLayout } from './helpers/image-builder.ts';
import { SAMPLE_IMAGE as SPEC } from './helpers/sample-image.ts';

async function fixture(t: { after: (fn: () => Promise<void>) => void }): Promise<{ dir: string; target: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'portcullis-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeOciLayout(join(dir, 'layout'), SPEC, 'v1');
  return { dir, target: `oci:${join(dir, 'layout')}:v1` };
}

test('json, cyclonedx, spdx and table formats', async (t) => {
  const { target } = await fixture(t);
  const json = await runCli(['sbom', target, '--format', 'json', '--quiet']);
  assert.equal(json.code, 0, json.stderr);
  const inventory = JSON.parse(json.stdout) as { packages: Array<{ purl: string }> };
  assert.ok(inventory.packages.some((pkg) => pkg.purl.startsWith('pkg:npm/express@4.17.1')));

  const cdx = await runCli(['sbom', target, '-f', 'cyclonedx', '-q']);
  assert.equal(cdx.code, 0, cdx.stderr);
  const bom = JSON.parse(cdx.stdout) as { bomFormat: string; specVersion: string; components: Array<{ purl?: string }> };
  assert.equal(bom.bomFormat, 'CycloneDX');
  assert.equal(bom.specVersion, '1.6');
  assert.ok(bom.components.some((component) => component.purl?.startsWith('pkg:deb/debian/libbar2@2.0-3')));

  const spdx = await runCli(['sbom', target, '-f', 'spdx', '-q']);
  assert.equal(spdx.code, 0, spdx.stderr);
  assert.equal((JSON.parse(spdx.stdout) as { spdxVersion: string }).spdxVersion, 'SPDX-2.3');

  const table = await runCli(['sbom', target]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /left-pad/);
  assert.doesNotMatch(table.stdout, /\x1b\[/, 'no colour when stdout is not a terminal');
  assert.doesNotMatch(table.stderr, /\r\[/, 'no progress bar when stderr is not a terminal');
});

test('output is deterministic apart from timestamps and serial numbers', async (t) => {
  const { target } = await fixture(t);
  const first = await runCli(['sbom', target, '-f', 'json', '-q']);
  const second = await runCli(['sbom', target, '-f', 'json', '-q']);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.stdout, second.stdout);
});

test('--output writes the report to a file and nothing to stdout', async (t) => {
  const { dir, target } = await fixture(t);
  const out = join(dir, 'sbom.cdx.json');
  const result = await runCli(['sbom', target, '-f', 'cyclonedx', '-o', out, '-q']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, '');
  assert.equal((JSON.parse(await readFile(out, 'utf8')) as { bomFormat: string }).bomFormat, 'CycloneDX');
});

test('usage errors exit 2 with a message', async () => {
  for (const args of [['sbom'], ['sbom', 'a', 'b'], ['sbom', '.', '--format', 'xml'], ['sbom', '.', '--bogus'], ['nonsense'], ['sbom', '.', '--max-entries', 'lots']]) {
    const result = await runCli(args);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, /portcullis/);
    assert.doesNotMatch(result.stderr, /at .*\.ts:\d+/, 'no stack trace for a usage error');
  }
});

test('a corrupt layer exits 2, names the problem and leaves no partial report', async (t) => {
  const { dir } = await fixture(t);
  const blobs = join(dir, 'layout', 'blobs', 'sha256');
  // Flip a byte in the largest blob (a layer): its digest no longer matches.
  const files = await readdir(blobs);
  let largest = files[0]!;
  let size = 0;
  for (const file of files) {
    const bytes = await readFile(join(blobs, file));
    if (bytes.length > size) [largest, size] = [file, bytes.length];
  }
  const bytes = await readFile(join(blobs, largest));
  bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
  await writeFile(join(blobs, largest), bytes);
  const out = join(dir, 'out.json');
  const result = await runCli(['sbom', `oci:${join(dir, 'layout')}:v1`, '-f', 'json', '-o', out, '-q']);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /digest|corrupt|invalid|checksum/i);
  assert.equal(existsSync(out), false);
  assert.deepEqual((await readdir(dir)).filter((name) => name.includes('tmp')), []);
});

test('a missing target exits 2', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'portcullis-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const result = await runCli(['sbom', `oci:${join(dir, 'nothing')}`, '-q']);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /nothing/);
});
