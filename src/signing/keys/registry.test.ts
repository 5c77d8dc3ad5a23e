import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PortcullisError } from '../../core/index.ts';
import { writeKeyPairFiles } from './key-files.ts';
import { generateKeyPair } from './key-material.ts';
import { publicKeyToPem } from './pem.ts';
import { keyProviderFor, openPublicKey, openSigner } from './registry.ts';
import { cosignKeyFixture, LOADABLE_COSIGN_KEYS } from './testing/cosign-fixtures.ts';
import { verifySignature } from './types.ts';

const scratch = mkdtempSync(join(tmpdir(), 'portcullis-keys-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function rejectsWith(code: PortcullisError['code'], pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof PortcullisError, `expected a PortcullisError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    return true;
  };
}

describe('key references', () => {
  it('routes pkcs11: URIs to the vault and paths to files, refusing KMS URIs until they exist', () => {
    assert.equal(keyProviderFor('pkcs11:token=t;object=k').scheme, 'pkcs11');
    assert.equal(keyProviderFor('PKCS11:token=t').scheme, 'pkcs11');
    assert.equal(keyProviderFor('./cosign.key').scheme, 'file');
    assert.equal(keyProviderFor('/etc/keys/cosign.pub').scheme, 'file');
    assert.throws(() => keyProviderFor('awskms:///arn:aws:kms:us-east-1:1:key/x'), rejectsWith('UNSUPPORTED', /awskms:\/\/ keys \(cloud KMS\) are not supported yet/));
    assert.throws(() => keyProviderFor('hashivault://transit-key'), rejectsWith('UNSUPPORTED', /hashivault/));
    assert.throws(() => keyProviderFor('ftp://host/key'), rejectsWith('USAGE', /no key provider for "ftp:"/));
  });

  it('signs with a cosign-made key file and verifies with its .pub', async () => {
    const fixture = LOADABLE_COSIGN_KEYS.find((candidate) => candidate.passphrase === '123')!;
    const signer = await openSigner(cosignKeyFixture(fixture.key), { passphrase: async () => fixture.passphrase });
    const publicKey = await openPublicKey(cosignKeyFixture(fixture.publicKey), {});
    const signature = await signer.sign(Buffer.from('payload'));
    assert.ok(verifySignature(publicKey, Buffer.from('payload'), signature));
    assert.ok(!verifySignature(publicKey, Buffer.from('payload'), Buffer.from('not a signature')));
    assert.equal(signer.algorithm, 'ecdsa-p256-sha256');
  });

  it('writes P.key (0600) and P.pub like cosign generate-key-pair, and refuses to overwrite', async () => {
    for (const type of ['ecdsa-p256', 'ed25519'] as const) {
      const prefix = join(scratch, type);
      const pair = await generateKeyPair(type);
      const written = await writeKeyPairFiles(prefix, pair.privateKey, 'pw');
      assert.equal(statSync(written.privateKeyPath).mode & 0o777, 0o600);
      assert.equal(readFileSync(written.publicKeyPath, 'utf8'), publicKeyToPem(pair.publicKey));
      const signer = await openSigner(written.privateKeyPath, { passphrase: async () => 'pw' });
      const publicKey = await openPublicKey(written.privateKeyPath, { passphrase: async () => 'pw' });
      const data = Buffer.from('message');
      assert.ok(verifySignature(publicKey, data, await signer.sign(data)));
      await assert.rejects(writeKeyPairFiles(prefix, pair.privateKey, 'pw'), rejectsWith('USAGE', /already exists/));
    }
  });

  it('refuses unencrypted private keys for signing, missing files and missing passphrases', async () => {
    const plain = join(scratch, 'plain.pem');
    const pair = await generateKeyPair('ecdsa-p256');
    writeFileSync(plain, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    chmodSync(plain, 0o600);
    await assert.rejects(openSigner(plain, { passphrase: async () => '' }), rejectsWith('INPUT', /keys import/));
    await assert.rejects(openSigner(join(scratch, 'missing.key'), {}), rejectsWith('NOT_FOUND', /not found/));
    const fixture = LOADABLE_COSIGN_KEYS[0]!;
    await assert.rejects(openSigner(cosignKeyFixture(fixture.key), {}), rejectsWith('AUTH', /passphrase is needed/));
  });
});
