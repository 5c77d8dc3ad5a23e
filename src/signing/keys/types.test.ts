import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { publicKeyFromPem } from './pem.ts';
import { algorithmOf, keyIdOf, verifySignature } from './types.ts';

const data = Buffer.from('{"critical":{"type":"cosign container image signature"}}');

describe('verifySignature', () => {
  it('verifies a real cosign signature (containers/image fixture) and nothing else', () => {
    const dir = join(fileURLToPath(new URL('../../../', import.meta.url)), '..', 'shared', 'cosign-fixtures', 'image-signatures', 'containers-image-cosign-valid');
    const publicKey = publicKeyFromPem(readFileSync(join(dir, 'cosign.pub'), 'utf8'), 'cosign.pub');
    const payload = readFileSync(join(dir, 'payload.json'));
    const signature = readFileSync(join(dir, 'signature.der'));
    assert.ok(verifySignature(publicKey, payload, signature));
    assert.ok(!verifySignature(publicKey, Buffer.concat([payload, Buffer.from(' ')]), signature));
  });

  it('checks each algorithm with its own encoding', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const ed = generateKeyPairSync('ed25519');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 3072 });
    assert.ok(verifySignature(ec.publicKey, data, sign('sha256', data, { key: ec.privateKey, dsaEncoding: 'der' })));
    assert.ok(!verifySignature(ec.publicKey, data, sign('sha256', data, { key: ec.privateKey, dsaEncoding: 'ieee-p1363' })), 'cosign stores DER, not r||s');
    assert.ok(verifySignature(ed.publicKey, data, sign(null, data, ed.privateKey)));
    assert.ok(verifySignature(rsa.publicKey, data, sign('sha256', data, rsa.privateKey)));
    assert.ok(!verifySignature(rsa.publicKey, data, sign('sha512', data, rsa.privateKey)));
    assert.deepEqual([algorithmOf(ec.publicKey), algorithmOf(ed.publicKey), algorithmOf(rsa.publicKey)], ['ecdsa-p256-sha256', 'ed25519', 'rsa-pkcs1v15-sha256']);
  });

  it('answers false, never throws, for malformed signatures and keys it does not use', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    for (const junk of [Buffer.alloc(0), Buffer.from([0x30, 0xff, 0x02]), Buffer.alloc(4096, 0x30)]) assert.equal(verifySignature(ec.publicKey, data, junk), false);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    assert.equal(verifySignature(p384.publicKey, data, sign('sha256', data, { key: p384.privateKey, dsaEncoding: 'der' })), false);
    assert.equal(verifySignature(ec.privateKey, data, sign('sha256', data, { key: ec.privateKey, dsaEncoding: 'der' })), false);
  });

  it('names a key by the SHA-256 of its SPKI DER', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    assert.match(keyIdOf(publicKey), /^sha256:[0-9a-f]{64}$/);
    assert.notEqual(keyIdOf(publicKey), keyIdOf(generateKeyPairSync('ed25519').publicKey));
  });
});
