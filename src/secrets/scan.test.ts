/**
 * The per-layer walk against a hand-built image with secrets planted in several layers and file
 * kinds: every one found, with its layer and whether the final filesystem still shows it; plus
 * directories, the image config and hostile layers.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PortcullisError } from '../core/index.ts';
import { writeOciLayout, type ImageSpec } from '../../test/helpers/image-builder.ts';
import { redact } from './redact.ts';
import { scanSecrets } from './scan.ts';
import { PLANTED, PLANTED_IMAGE, sampleFor } from './testing.ts';
import type { SecretScanResult } from './types.ts';

const { ENV, AWS, GITHUB, KEY, STRIPE, NPMRC, BUILD_ARG, LABEL } = PLANTED;

async function layout(t: { after: (fn: () => Promise<void>) => void }, spec: ImageSpec): Promise<{ dir: string; target: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'portcullis-secrets-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeOciLayout(join(dir, 'layout'), spec, 'v1');
  return { dir, target: `oci:${join(dir, 'layout')}:v1` };
}

type Row = [ruleId: string, where: string, layer: number | undefined, survives: boolean | undefined, redacted: string];

function rows(result: SecretScanResult): Row[] {
  return result.findings.map((finding) => {
    const { source } = finding;
    return source.kind === 'file'
      ? [finding.ruleId, source.path, source.layer?.index, source.survives, finding.redacted]
      : [finding.ruleId, `config ${source.field} ${source.key}`, undefined, undefined, finding.redacted];
  });
}

describe('scanSecrets on an image', () => {
  it('finds every planted secret in every layer, with its layer and survival', async (t) => {
    const { target } = await layout(t, PLANTED_IMAGE);
    const result = await scanSecrets(target);
    assert.deepEqual(rows(result), [
      ['aws-access-key-id', 'home/deploy/credentials.csv', 0, true, redact(AWS.text.match(/AKIA\w+/)![0])],
      ['aws-access-key-pair', 'home/deploy/credentials.csv', 0, true, redact(AWS.secret)],
      ['dotenv-secret', 'srv/app/.env', 0, true, redact(ENV.secret)],
      ['private-key', 'root/.ssh/id_key', 1, false, redact(KEY.secret)],
      ['stripe-live-key', 'srv/app/settings.py', 1, false, redact(STRIPE.secret)],
      ['github-token', 'srv/deploy.sh', 1, true, redact(GITHUB.secret)],
      ['npmrc-auth', 'root/.npmrc', 2, true, redact(NPMRC.secret)],
      ['npm-token', 'config history 1', undefined, undefined, redact(BUILD_ARG.secret)],
      ['gitlab-token', 'config label ci.deploy-token', undefined, undefined, redact(LABEL.secret)],
    ]);
    const layers = result.layers!;
    assert.equal(layers.length, 3);
    const key = result.findings.find((finding) => finding.ruleId === 'private-key')!;
    assert.equal(key.source.kind === 'file' && key.source.layer?.digest, layers[1]!.digest);
    // The build argument is a finding, so it is redacted wherever the layer's created_by is shown.
    assert.equal(key.source.kind === 'file' && key.source.layer?.createdBy, `RUN |1 NPM_TOKEN=${redact(BUILD_ARG.secret)} /bin/sh -c npm ci`);
    assert.equal(layers[1]!.createdBy, `RUN |1 NPM_TOKEN=${redact(BUILD_ARG.secret)} /bin/sh -c npm ci`);
    assert.equal(key.line, 2);
    assert.equal(key.column, 1);
    assert.deepEqual(result.stats, { filesScanned: 9, filesBinary: 2, filesTooLarge: 0, suppressed: 1 });
    assert.deepEqual(result.warnings, []);
  });

  it('finds personal data only with pii', async (t) => {
    const card = sampleFor('pii-payment-card');
    const { target } = await layout(t, { layers: [{ entries: [{ path: card.path, content: card.text }] }] });
    assert.deepEqual((await scanSecrets(target)).findings, []);
    assert.deepEqual(rows(await scanSecrets(target, { pii: true })), [['pii-payment-card', card.path, 0, true, redact(card.secret)]]);
  });

  it('skips files over the size limit and counts them', async (t) => {
    const { target } = await layout(t, { layers: [{ entries: [{ path: 'big.txt', content: `${'a'.repeat(2000)}\n${GITHUB.text}` }, { path: 'small.txt', content: GITHUB.text }] }] });
    const result = await scanSecrets(target, { maxFileBytes: 1000 });
    assert.deepEqual(rows(result).map((row) => row[1]), ['small.txt']);
    assert.equal(result.stats.filesTooLarge, 1);
  });

  it('warns about unsafe tar paths and scans the rest', async (t) => {
    const { target } = await layout(t, { layers: [{ entries: [{ path: '../escape.txt', content: GITHUB.text }, { path: 'ok.txt', content: GITHUB.text }] }] });
    const result = await scanSecrets(target);
    assert.deepEqual(rows(result).map((row) => row[1]), ['ok.txt']);
    assert.ok(result.warnings.some((warning) => /unsafe path/.test(warning.message)), JSON.stringify(result.warnings));
  });

  it('fails with a clear error on a corrupt layer', async (t) => {
    const { dir, target } = await layout(t, PLANTED_IMAGE);
    const blobs = join(dir, 'layout', 'blobs', 'sha256');
    // The uncompressed layer (layer 2) is the one blob that is a plain tar: cut it short.
    for (const name of await readdir(blobs)) {
      const bytes = await readFile(join(blobs, name));
      if (bytes.subarray(257, 262).toString() === 'ustar') await writeFile(join(blobs, name), bytes.subarray(0, 700));
    }
    await assert.rejects(scanSecrets(target), (error: unknown) => error instanceof PortcullisError && ['INPUT', 'DIGEST_MISMATCH'].includes(error.code));
  });
});

describe('scanSecrets on a directory', () => {
  it('scans a source tree with no layers', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'portcullis-secrets-dir-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    await mkdir(join(dir, 'src'), { recursive: true });
    await writeFile(join(dir, 'src', 'deploy.sh'), GITHUB.text);
    await writeFile(join(dir, '.env'), ENV.text);
    await writeFile(join(dir, 'src', 'bad-utf8.txt'), Buffer.concat([Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(STRIPE.text)]));
    const result = await scanSecrets(dir);
    assert.equal(result.target.kind, 'directory');
    assert.equal(result.layers, undefined);
    assert.deepEqual(rows(result), [
      ['dotenv-secret', '.env', undefined, undefined, redact(ENV.secret)],
      ['stripe-live-key', 'src/bad-utf8.txt', undefined, undefined, redact(STRIPE.secret)],
      ['github-token', 'src/deploy.sh', undefined, undefined, redact(GITHUB.secret)],
    ]);
  });
});
