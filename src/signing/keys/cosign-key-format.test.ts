import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { PortcullisError } from '../../core/index.ts';
import { decryptCosignKey, encryptCosignKey, SCRYPT_LIMITS } from './cosign-key-format.ts';
import { generateKeyPair, KEY_TYPES } from './key-material.ts';
import { publicKeyToPem } from './pem.ts';
import { cosignKeyFixture, LOADABLE_COSIGN_KEYS, SEC1_COSIGN_KEY } from './testing/cosign-fixtures.ts';
import { armour, openEnvelope, sealEnvelope } from './testing/independent-cosign-format.ts';

function rejectsWith(code: PortcullisError['code'], pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof PortcullisError, `expected a PortcullisError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    return true;
  };
}

const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
const pkcs8 = (key = p256) => key.export({ type: 'pkcs8', format: 'der' });

describe('cosign encrypted keys made by cosign', () => {
  for (const fixture of LOADABLE_COSIGN_KEYS) {
    it(`imports ${fixture.key} and yields its documented public key`, async () => {
      const text = readFileSync(cosignKeyFixture(fixture.key), 'utf8');
      const key = await decryptCosignKey(text, fixture.passphrase, fixture.key);
      assert.equal(publicKeyToPem(createPublicKey(key)), readFileSync(cosignKeyFixture(fixture.publicKey), 'utf8'));
    });
  }

  it('rejects the SEC1-inner key as cosign does, asking for PKCS#8', async () => {
    const text = readFileSync(cosignKeyFixture(SEC1_COSIGN_KEY.key), 'utf8');
    await assert.rejects(decryptCosignKey(text, SEC1_COSIGN_KEY.passphrase, 'sec1.key'), rejectsWith('INPUT', /SEC1.*use PKCS#8/));
  });

  it('refuses a wrong passphrase with a clear error', async () => {
    const fixture = LOADABLE_COSIGN_KEYS[0]!;
    const text = readFileSync(cosignKeyFixture(fixture.key), 'utf8');
    await assert.rejects(decryptCosignKey(text, 'not-the-passphrase', 'cosign.key'), rejectsWith('AUTH', /wrong passphrase/));
  });
});

describe('cosign encrypted keys written by Portcullis', () => {
  for (const type of KEY_TYPES.filter((name) => name !== 'rsa-4096')) {
    it(`round-trips a generated ${type} key`, async () => {
      const pair = await generateKeyPair(type);
      const text = await encryptCosignKey(pair.privateKey, 'correct horse');
      const loaded = await decryptCosignKey(text, 'correct horse', 'generated.key');
      assert.deepEqual(loaded.export({ type: 'pkcs8', format: 'der' }), pair.privateKey.export({ type: 'pkcs8', format: 'der' }));
    });
  }

  it('writes what an independent implementation of the format decrypts, with cosign parameters', async () => {
    const text = await encryptCosignKey(p256, '');
    const opened = openEnvelope(text, '');
    assert.equal(opened.label, 'ENCRYPTED SIGSTORE PRIVATE KEY');
    assert.deepEqual(Object.keys(opened.document), ['kdf', 'cipher', 'ciphertext']);
    assert.deepEqual(opened.document.kdf.params, { N: 65536, r: 8, p: 1 });
    assert.equal(opened.document.cipher.name, 'nacl/secretbox');
    assert.ok(opened.plaintext, 'secretbox did not open');
    assert.deepEqual(createPrivateKey({ key: opened.plaintext, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'der' }), pkcs8());
    assert.match(text, /^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n(?:[A-Za-z0-9+/=]{64}\n)*[A-Za-z0-9+/=]{1,64}\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n$/);
  });

  it('reads the older ENCRYPTED COSIGN PRIVATE KEY label', async () => {
    const text = sealEnvelope(pkcs8(), { passphrase: 'x', label: 'ENCRYPTED COSIGN PRIVATE KEY' });
    assert.deepEqual((await decryptCosignKey(text, 'x', 'old.key')).export({ type: 'pkcs8', format: 'der' }), pkcs8());
  });
});

describe('hostile cosign key files', () => {
  const good = sealEnvelope(pkcs8(), { passphrase: 'x' });
  const body = (text: string) => text.split('\n').slice(1, -2).join('');
  const withJson = (document: unknown) => armour('ENCRYPTED SIGSTORE PRIVATE KEY', Buffer.from(JSON.stringify(document)));
  const document = () => JSON.parse(Buffer.from(body(good), 'base64').toString('utf8'));

  it('refuses a truncated PEM', async () => {
    await assert.rejects(decryptCosignKey(good.slice(0, good.length / 2), 'x', 't.key'), rejectsWith('INPUT', /truncated/));
    await assert.rejects(decryptCosignKey('', 'x', 'empty.key'), rejectsWith('INPUT', /no PEM block/));
  });

  it('refuses bad base64 in the PEM body', async () => {
    const broken = good.replace(/\n([A-Za-z0-9+/]{10})/, '\n!!$1');
    await assert.rejects(decryptCosignKey(broken, 'x', 'b64.key'), rejectsWith('INPUT', /not valid base64/));
  });

  it('refuses JSON that is not UTF-8', async () => {
    await assert.rejects(decryptCosignKey(armour('ENCRYPTED SIGSTORE PRIVATE KEY', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), 'x', 'utf8.key'), rejectsWith('INPUT', /not UTF-8 JSON/));
  });

  it('reports every field of wrong type at once', async () => {
    const hostile = withJson({ kdf: { name: 'scrypt', params: { N: '65536', r: 8, p: null }, salt: 5 }, cipher: { name: 'aes', nonce: [] }, ciphertext: {} });
    await assert.rejects(decryptCosignKey(hostile, 'x', 'types.key'), (error: unknown) => {
      assert.ok(error instanceof PortcullisError && error.code === 'INPUT');
      for (const field of ['kdf.params.N', 'kdf.params.p', 'kdf.salt', 'cipher.name', 'cipher.nonce', 'ciphertext']) assert.match(error.message, new RegExp(field.replace('.', '\\.')));
      return true;
    });
    await assert.rejects(decryptCosignKey(withJson([1, 2]), 'x', 'array.key'), rejectsWith('INPUT', /JSON object/));
  });

  it('refuses absurd scrypt parameters before spending memory on them', async () => {
    for (const params of [{ N: 2 ** 30, r: 8, p: 1 }, { N: 2 ** 20, r: 8, p: 1 }, { N: 1000, r: 8, p: 1 }, { N: 1024, r: 1e9, p: 1 }, { N: 1024, r: 8, p: 2 ** 20 }]) {
      const hostile = document();
      hostile.kdf.params = params;
      const started = performance.now();
      await assert.rejects(decryptCosignKey(withJson(hostile), 'x', 'n.key'), rejectsWith('INPUT', /kdf\.params/));
      assert.ok(performance.now() - started < 1000, 'the refusal must come before the work');
    }
    assert.ok(128 * 8 * 2 ** 20 > SCRYPT_LIMITS.maxMemoryBytes);
  });

  it('refuses a nonce of the wrong length', async () => {
    const hostile = sealEnvelope(pkcs8(), { passphrase: 'x', nonce: Buffer.alloc(12, 1) });
    await assert.rejects(decryptCosignKey(hostile, 'x', 'nonce.key'), rejectsWith('INPUT', /cipher\.nonce must be 24 bytes: got 12/));
  });

  it('refuses an unknown KDF or cipher', async () => {
    const hostile = document();
    hostile.kdf.name = 'pbkdf2';
    await assert.rejects(decryptCosignKey(withJson(hostile), 'x', 'kdf.key'), rejectsWith('INPUT', /kdf\.name must be "scrypt"/));
  });

  it('detects a tampered ciphertext through secretbox authentication', async () => {
    const hostile = document();
    const ciphertext = Buffer.from(hostile.ciphertext, 'base64');
    ciphertext[ciphertext.length - 1]! ^= 1;
    hostile.ciphertext = ciphertext.toString('base64');
    await assert.rejects(decryptCosignKey(withJson(hostile), 'x', 'tampered.key'), rejectsWith('AUTH', /altered/));
  });

  it('refuses a key type Portcullis does not sign with', async () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey;
    await assert.rejects(decryptCosignKey(sealEnvelope(pkcs8(p384), { passphrase: 'x' }), 'x', 'p384.key'), rejectsWith('UNSUPPORTED', /unsupported key type ec \(secp384r1\)/));
    const x25519 = generateKeyPairSync('x25519').privateKey;
    await assert.rejects(decryptCosignKey(sealEnvelope(pkcs8(x25519), { passphrase: 'x' }), 'x', 'x25519.key'), rejectsWith('UNSUPPORTED', /unsupported key type x25519/));
  });

  it('refuses RSA keys under 3072 bits', async () => {
    const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    await assert.rejects(decryptCosignKey(sealEnvelope(pkcs8(rsa1024), { passphrase: 'x' }), 'x', 'rsa.key'), rejectsWith('UNSUPPORTED', /RSA key of 1024 bits refused/));
    await assert.rejects(encryptCosignKey(rsa1024, 'x'), rejectsWith('UNSUPPORTED', /1024 bits/));
  });

  it('refuses decrypted bytes that are no private key', async () => {
    await assert.rejects(decryptCosignKey(sealEnvelope(Buffer.from('not a key'), { passphrase: 'x' }), 'x', 'junk.key'), rejectsWith('INPUT', /not a PKCS#8 private key/));
  });

  it('refuses an oversized file and a wrong label', async () => {
    await assert.rejects(decryptCosignKey(`${good}\n${'#'.repeat(70_000)}`, 'x', 'big.key'), rejectsWith('LIMIT', /at most/));
    await assert.rejects(decryptCosignKey(good.replaceAll('SIGSTORE', 'OTHER'), 'x', 'label.key'), rejectsWith('INPUT', /found "ENCRYPTED OTHER PRIVATE KEY"/));
  });
});
