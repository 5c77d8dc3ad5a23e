import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PortcullisError } from '../../core/index.ts';
import { publicKeyToPem } from './pem.ts';
import { createPkcs11KeyProvider } from './pkcs11-provider.ts';
import { createTestToken, type TestToken } from './testing/softhsm.ts';
import { keyIdOf, verifySignature } from './types.ts';

function rejectsWith(code: PortcullisError['code'], pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof PortcullisError, `expected a PortcullisError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    return true;
  };
}

/** Reads the public key with OpenSC and OpenSSL, independently of Portcullis. */
function publicKeyPemByOpenssl(token: TestToken, label: string): string {
  const der = execFileSync('pkcs11-tool', ['--module', token.module, '--token-label', token.token, '--read-object', '--type', 'pubkey', '--label', label]);
  return execFileSync('openssl', ['pkey', '-pubin', '-inform', 'DER'], { input: der, encoding: 'utf8' });
}

/** Tries to read the private key's value with PyKCS11, a separate PKCS#11 client: the token must refuse. */
function exportAttempt(token: TestToken, label: string): string {
  const script = `
import sys, PyKCS11
lib = PyKCS11.PyKCS11Lib(); lib.load(sys.argv[1])
slot = [s for s in lib.getSlotList(tokenPresent=True) if lib.getTokenInfo(s).label.strip() == sys.argv[2]][0]
session = lib.openSession(slot); session.login(sys.argv[3])
key = session.findObjects([(PyKCS11.CKA_CLASS, PyKCS11.CKO_PRIVATE_KEY), (PyKCS11.CKA_LABEL, sys.argv[4])])[0]
flags = session.getAttributeValue(key, [PyKCS11.CKA_EXTRACTABLE, PyKCS11.CKA_SENSITIVE])
print("extractable=%s sensitive=%s" % (bool(flags[0]), bool(flags[1])))
# PyKCS11 answers None for an attribute the token refuses with CKR_ATTRIBUTE_SENSITIVE.
try:
    value = session.getAttributeValue(key, [PyKCS11.CKA_VALUE], allAsBinary=True)[0]
    print("refused (no value)" if value is None else "exported %d bytes" % len(value))
except PyKCS11.PyKCS11Error as error:
    print("refused", error)
`;
  return execFileSync('/usr/bin/python3', ['-c', script, token.module, token.token, token.pin, label], { encoding: 'utf8', env: process.env });
}

describe('PKCS#11 keys in SoftHSM2', () => {
  let token: TestToken;
  const provider = createPkcs11KeyProvider();
  before(() => {
    token = createTestToken();
  });
  after(() => token.remove());

  it('signs inside the token with the key pkcs11-tool generated, DER as cosign stores it', async () => {
    const signer = await provider.signer(token.uri('signing-key'), {});
    assert.equal(signer.algorithm, 'ecdsa-p256-sha256');
    assert.equal(publicKeyToPem(signer.publicKey()), publicKeyPemByOpenssl(token, 'signing-key'));
    const payload = Buffer.from('{"critical":{}}');
    const signature = await signer.sign(payload);
    assert.equal(signature[0], 0x30, 'an ECDSA signature in DER starts with a SEQUENCE');
    assert.ok(verifySignature(signer.publicKey(), payload, signature));
    assert.ok(!verifySignature(signer.publicKey(), Buffer.from('other'), signature));
    assert.equal(signer.keyId, keyIdOf(signer.publicKey()));
  });

  it('gives the public key without a PIN', async () => {
    const publicKey = await provider.publicKey(token.uri('signing-key', { withoutPin: true }), {});
    assert.equal(publicKeyToPem(publicKey), publicKeyPemByOpenssl(token, 'signing-key'));
  });

  it('generates non-extractable keys that a PKCS#11 client cannot export, lists and deletes them', async () => {
    const ecPublic = await provider.generate(token.uri('vault-ec'), 'ecdsa-p256', {});
    const rsaPublic = await provider.generate(token.uri('vault-rsa'), 'rsa-3072', {});
    assert.equal(publicKeyToPem(ecPublic), publicKeyPemByOpenssl(token, 'vault-ec'));
    const attempt = exportAttempt(token, 'vault-ec');
    assert.match(attempt, /extractable=False sensitive=True/);
    assert.match(attempt, /^refused/m);
    assert.doesNotMatch(attempt, /exported/);

    const rsa = await provider.signer(token.uri('vault-rsa'), {});
    assert.equal(rsa.algorithm, 'rsa-pkcs1v15-sha256');
    assert.ok(verifySignature(rsaPublic, Buffer.from('payload'), await rsa.sign(Buffer.from('payload'))));

    const listed = await provider.list(token.uri('any'), {});
    assert.deepEqual(listed.map((key) => key.label).sort(), ['signing-key', 'vault-ec', 'vault-rsa']);
    const ec = listed.find((key) => key.label === 'vault-ec')!;
    assert.equal(ec.keyId, keyIdOf(ecPublic));
    assert.ok(ec.access.includes('never extractable'));
    assert.match(ec.uri, /^pkcs11:token=portcullis-test;object=vault-ec;type=private;id=(%[0-9A-F]{2}){8}$/);

    await assert.rejects(provider.generate(token.uri('vault-ec'), 'ecdsa-p256', {}), rejectsWith('USAGE', /already holds/));
    await assert.rejects(provider.generate(token.uri('vault-ed'), 'ed25519', {}), rejectsWith('UNSUPPORTED', /ed25519/));
    await provider.delete(token.uri('vault-rsa'), {});
    await provider.delete(token.uri('vault-ec'), {});
    assert.deepEqual((await provider.list(token.uri('any'), {})).map((key) => key.label), ['signing-key']);
  });

  it('never signs with another key when the label matches nothing', async () => {
    await assert.rejects(provider.signer(token.uri('no-such-key'), {}), rejectsWith('NOT_FOUND', /no private key object=no-such-key/));
  });

  it('refuses a wrong PIN, a missing PIN, a missing module and a missing token', async () => {
    await assert.rejects(provider.signer(token.uri('signing-key', { pin: '9999' }), {}), rejectsWith('AUTH', /wrong PIN/));
    const saved = process.env.PORTCULLIS_PKCS11_PIN;
    delete process.env.PORTCULLIS_PKCS11_PIN;
    try {
      await assert.rejects(provider.signer(token.uri('signing-key', { withoutPin: true }), {}), rejectsWith('AUTH', /needs a PIN/));
    } finally {
      if (saved !== undefined) process.env.PORTCULLIS_PKCS11_PIN = saved;
    }
    await assert.rejects(provider.signer('pkcs11:token=portcullis-test;object=signing-key?module-path=/nonexistent/libpkcs11.so&pin-value=1234', {}), rejectsWith('NOT_FOUND', /module \/nonexistent\/libpkcs11\.so not found/));
    await assert.rejects(provider.signer(`pkcs11:token=no-token;object=signing-key?module-path=${token.module}&pin-value=1234`, {}), rejectsWith('NOT_FOUND', /no such token/));
    await assert.rejects(provider.signer('pkcs11:token=portcullis-test;object=signing-key?module-path=/etc/hostname&pin-value=1234', {}), rejectsWith('NOT_FOUND', /cannot load the PKCS#11 module/));
  });

  it('takes the PIN from PORTCULLIS_PKCS11_PIN or a prompt, and never puts it in a message', async () => {
    const saved = process.env.PORTCULLIS_PKCS11_PIN;
    process.env.PORTCULLIS_PKCS11_PIN = token.pin;
    try {
      const signer = await provider.signer(token.uri('signing-key', { withoutPin: true }), {});
      assert.ok(verifySignature(signer.publicKey(), Buffer.from('a'), await signer.sign(Buffer.from('a'))));
    } finally {
      if (saved === undefined) delete process.env.PORTCULLIS_PKCS11_PIN;
      else process.env.PORTCULLIS_PKCS11_PIN = saved;
    }
    const pinFile = join(token.dir, 'pin.txt');
    writeFileSync(pinFile, `${token.pin}\n`);
    const fromFile = await provider.signer(`${token.uri('signing-key', { withoutPin: true })}&pin-source=file:${pinFile}`, {});
    assert.equal(fromFile.algorithm, 'ecdsa-p256-sha256');
    const pin = async () => 'secret-wrong-pin-value';
    await assert.rejects(provider.signer(token.uri('signing-key', { withoutPin: true }), { pin }), (error: unknown) => {
      assert.ok(error instanceof PortcullisError && error.code === 'AUTH');
      assert.doesNotMatch(`${error.message} ${String(error.cause ?? '')}`, /secret-wrong-pin-value/);
      return true;
    });
  });
});
