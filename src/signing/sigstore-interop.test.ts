/**
 * Portcullis signatures checked by the official Sigstore JavaScript verifier (@sigstore/verify),
 * offline, with trust material holding only the public key: a simple-signing signature as a
 * message-signature bundle and an attestation as a DSSE bundle. If the bytes were not what Sigstore
 * expects, these would fail; a changed payload must fail there too.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';
import { pae, parseEnvelope, serializeEnvelope } from './dsse.ts';
import { buildStatement } from './in-toto.ts';
import { IN_TOTO_PAYLOAD_TYPE } from './media-types.ts';
import { buildSimpleSigningPayload } from './simple-signing.ts';
import { dsseBundle, keyHint, messageSignatureBundle } from './sigstore-bundle.ts';
import { testKey, type TestKey } from './test-keys.ts';

const DIGEST = `sha256:${'5a'.repeat(32)}`;

/** A verifier that trusts exactly one public key, and no logs, CAs or timestamp authorities. */
function verifierFor(key: TestKey): Verifier {
  const root = TrustedRoot.fromJSON({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] });
  const hint = keyHint(key.signer.publicKey());
  const material = toTrustMaterial(root, (wanted: string) => {
    if (wanted !== hint) throw new Error(`unknown key hint ${wanted}`);
    return { publicKey: key.signer.publicKey(), validFor: () => true };
  });
  return new Verifier(material, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
}

describe('@sigstore/verify accepts Portcullis signatures', () => {
  // Not Ed25519 here: Sigstore verifies message signatures over a SHA-256 prehash, which pure
  // Ed25519 (what cosign and Portcullis sign with) does not use; Ed25519 is covered by DSSE below.
  for (const type of ['ec', 'rsa'] as const) {
    it(`simple-signing signature with a ${type} key`, async () => {
      const key = testKey(type, type);
      const payload = buildSimpleSigningPayload('registry.example.com/app', DIGEST, { env: 'prod' });
      const signature = await key.signer.sign(payload);
      const bundle = bundleFromJSON(messageSignatureBundle(payload, signature, key.signer.publicKey()));
      const signer = verifierFor(key).verify(toSignedEntity(bundle, payload));
      assert.ok(signer.key.equals(key.signer.publicKey()));
      const changed = Buffer.from(payload.toString().replace('prod', 'dev!'));
      assert.throws(() => verifierFor(key).verify(toSignedEntity(bundle, changed)));
      assert.throws(() => verifierFor(testKey('other')).verify(toSignedEntity(bundle, payload)));
    });
  }

  for (const type of ['ec', 'ed25519'] as const) it(`DSSE attestation with a ${type} key`, async () => {
    const key = testKey('release', type);
    const statement = buildStatement({ name: 'registry.example.com/app', digest: DIGEST }, 'https://cyclonedx.org/bom', { bomFormat: 'CycloneDX' });
    const sig = await key.signer.sign(pae(IN_TOTO_PAYLOAD_TYPE, statement));
    const envelope = parseEnvelope(serializeEnvelope(IN_TOTO_PAYLOAD_TYPE, statement, [{ keyid: key.signer.keyId, sig }]));
    const bundle = dsseBundle(envelope, key.signer.publicKey());
    verifierFor(key).verify(toSignedEntity(bundleFromJSON(bundle)));
    const forged = dsseBundle({ ...envelope, payload: buildStatement({ name: 'x/y', digest: DIGEST }, 'https://cyclonedx.org/bom', {}) }, key.signer.publicKey());
    assert.throws(() => verifierFor(key).verify(toSignedEntity(bundleFromJSON(forged))));
  });
});
