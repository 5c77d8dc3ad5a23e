import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cosignKeyFixture, LOADABLE_COSIGN_KEYS } from '../../signing/keys/testing/cosign-fixtures.ts';
import { openEnvelope } from '../../signing/keys/testing/independent-cosign-format.ts';
import { createTestToken, type TestToken } from '../../signing/keys/testing/softhsm.ts';

const bin = fileURLToPath(new URL('../../../bin/portcullis.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'portcullis-keys-cli-'));
const SECRET = 'passphrase-that-must-not-leak';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function portcullis(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const { PORTCULLIS_PASSWORD: _a, COSIGN_PASSWORD: _b, PORTCULLIS_PKCS11_PIN: _c, ...inherited } = process.env;
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [bin, 'keys', ...args], { cwd: scratch, env: { ...inherited, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
    child.stdin?.end();
  });
}

after(() => rmSync(scratch, { recursive: true, force: true }));

describe('portcullis keys (files)', () => {
  it('generates P.key and P.pub as cosign does, readable without Portcullis', async () => {
    const run = await portcullis(['generate', '--output-key-prefix', 'release'], { PORTCULLIS_PASSWORD: SECRET });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /Private key written to release\.key/);
    assert.equal(statSync(join(scratch, 'release.key')).mode & 0o777, 0o600);
    const opened = openEnvelope(readFileSync(join(scratch, 'release.key'), 'utf8'), SECRET);
    assert.ok(opened.plaintext, 'an independent secretbox open must succeed');
    const exported = await portcullis(['export-public', 'release.key'], { COSIGN_PASSWORD: SECRET });
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal(exported.stdout, readFileSync(join(scratch, 'release.pub'), 'utf8'));
    assert.doesNotMatch(run.stdout + run.stderr + exported.stdout + exported.stderr, new RegExp(SECRET));
    const again = await portcullis(['generate', '--output-key-prefix', 'release'], { PORTCULLIS_PASSWORD: SECRET });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already exists/);
  });

  it('generates Ed25519 with the passphrase from a file', async () => {
    writeFileSync(join(scratch, 'pass.txt'), `${SECRET}\n`);
    const run = await portcullis(['generate', '--type', 'ed25519', '--output-key-prefix', 'ed', '--passphrase-file', 'pass.txt']);
    assert.equal(run.code, 0, run.stderr);
    const opened = openEnvelope(readFileSync(join(scratch, 'ed.key'), 'utf8'), SECRET);
    assert.ok(opened.plaintext);
  });

  it('refuses to prompt without a terminal', async () => {
    const run = await portcullis(['generate', '--output-key-prefix', 'nopass']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /passphrase is needed: use --passphrase-file, PORTCULLIS_PASSWORD or COSIGN_PASSWORD/);
    assert.ok(!existsSync(join(scratch, 'nopass.key')));
  });

  it('imports a cosign-made key with its passphrase, and a plain PEM key', async () => {
    const fixture = LOADABLE_COSIGN_KEYS.find((candidate) => candidate.passphrase === 'hello')!;
    const run = await portcullis(['import', cosignKeyFixture(fixture.key), '--output-key-prefix', 'imported'], { COSIGN_PASSWORD: fixture.passphrase });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(readFileSync(join(scratch, 'imported.pub'), 'utf8'), readFileSync(cosignKeyFixture(fixture.publicKey), 'utf8'));
    const wrong = await portcullis(['import', cosignKeyFixture(fixture.key), '--output-key-prefix', 'wrong'], { COSIGN_PASSWORD: 'nope' });
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /wrong passphrase/);

    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' });
    writeFileSync(join(scratch, 'weak.pem'), rsa);
    const weak = await portcullis(['import', 'weak.pem', '--output-key-prefix', 'weak'], { PORTCULLIS_PASSWORD: 'x' });
    assert.equal(weak.code, 2);
    assert.match(weak.stderr, /RSA key of 1024 bits refused/);
  });

  it('lists key files without decrypting them', async () => {
    writeFileSync(join(scratch, 'broken.key'), '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\neyJrZGYiOjF9\n');
    const run = await portcullis(['list', '--format', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const keys = JSON.parse(run.stdout) as Array<{ ref: string; kind: string; algorithm: string; keyId: string }>;
    const pub = keys.find((key) => key.ref === 'release.pub')!;
    assert.equal(pub.algorithm, 'ecdsa-p256-sha256');
    assert.match(pub.keyId, /^sha256:[0-9a-f]{64}$/);
    assert.match(keys.find((key) => key.ref === 'ed.key')!.kind, /ENCRYPTED SIGSTORE PRIVATE KEY, scrypt N=65536/);
    assert.equal(keys.find((key) => key.ref === 'ed.pub')!.algorithm, 'ed25519');
    assert.match(keys.find((key) => key.ref === 'broken.key')!.kind, /^unreadable: .*truncated/);
    const table = await portcullis(['list']);
    assert.match(table.stdout, /^KEY\s+KIND\s+ALGORITHM\s+KEY ID$/m);
  });

  it('deletes a key pair only with --yes', async () => {
    const refused = await portcullis(['delete', 'imported.key']);
    assert.equal(refused.code, 2);
    assert.ok(existsSync(join(scratch, 'imported.key')));
    const run = await portcullis(['delete', 'imported.key', '--yes']);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(!existsSync(join(scratch, 'imported.key')) && !existsSync(join(scratch, 'imported.pub')));
  });
});

describe('portcullis keys (PKCS#11)', () => {
  let token: TestToken;
  before(() => {
    token = createTestToken();
  });
  after(() => token.remove());

  it('generates in the token, lists, exports the public key and deletes', async () => {
    const env = { PORTCULLIS_PKCS11_PIN: token.pin, SOFTHSM2_CONF: process.env.SOFTHSM2_CONF! };
    const uri = token.uri('cli-key', { withoutPin: true });
    const generated = await portcullis(['generate', '--pkcs11', uri], env);
    assert.equal(generated.code, 0, generated.stderr);
    assert.match(generated.stdout, /^-----BEGIN PUBLIC KEY-----\n/);
    const exported = await portcullis(['export-public', uri], env);
    assert.equal(exported.stdout, generated.stdout);
    const listed = await portcullis(['list', '--pkcs11', uri, '-f', 'json'], env);
    assert.equal(listed.code, 0, listed.stderr);
    const refs = (JSON.parse(listed.stdout) as Array<{ ref: string; kind: string }>).map((key) => key.ref);
    assert.ok(refs.some((ref) => /^pkcs11:token=portcullis-test;object=cli-key;type=private;id=/.test(ref)), refs.join(' '));
    assert.ok(refs.some((ref) => ref.includes('object=signing-key')));
    assert.doesNotMatch(listed.stdout, /pin-value|1234/);
    const deleted = await portcullis(['delete', uri, '--yes'], env);
    assert.equal(deleted.code, 0, deleted.stderr);
    const gone = await portcullis(['export-public', uri], env);
    assert.equal(gone.code, 2);
    assert.match(gone.stderr, /no public key object=cli-key/);
  });
});
