/**
 * Every verification outcome, on candidates built in memory with real keys: a valid signature and
 * attestation, and one test per failure reason.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { Candidate } from './collect.ts';
import { pae, serializeEnvelope } from './dsse.ts';
import { buildStatement } from './in-toto.ts';
import { IN_TOTO_PAYLOAD_TYPE, KEY_ID_ANNOTATION, SIGNATURE_ANNOTATION } from './media-types.ts';
import type { FailureReason, VerificationReport } from './report.ts';
import { buildSimpleSigningPayload } from './simple-signing.ts';
import { testKey, type TestKey } from './test-keys.ts';
import { trustedKey } from './trust.ts';
import { verifyAttestationCandidates, verifySignatureCandidates, type VerifyOptions } from './verify.ts';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const OTHER_DIGEST = `sha256:${'cd'.repeat(32)}`;
const NAME = 'registry.example.com/team/app';
const release = testKey('release');
const stranger = testKey('stranger');

async function signatureCandidate(key: TestKey, payload: Buffer, options: { hint?: boolean; signature?: string } = {}): Promise<Candidate> {
  const signature = options.signature ?? (await key.signer.sign(payload)).toString('base64');
  const annotations: Record<string, string> = { [SIGNATURE_ANNOTATION]: signature };
  if (options.hint !== false) annotations[KEY_ID_ANNOTATION] = key.signer.keyId;
  return { bytes: payload, annotations, locations: ['test'] };
}

async function attestationCandidate(key: TestKey, statement: Buffer): Promise<Candidate> {
  const sig = await key.signer.sign(pae(IN_TOTO_PAYLOAD_TYPE, statement));
  return { bytes: serializeEnvelope(IN_TOTO_PAYLOAD_TYPE, statement, [{ keyid: key.signer.keyId, sig }]), annotations: {}, locations: ['test'] };
}

function options(extra: Partial<VerifyOptions> = {}): VerifyOptions {
  return { digest: DIGEST, repository: NAME, keys: [release.trusted], ...extra };
}

function assertOnlyFailure(report: VerificationReport, reason: FailureReason, message?: RegExp): void {
  assert.equal(report.verified, false);
  assert.equal(report.checks.length, 1);
  assert.equal(report.checks[0]?.reason, reason, report.checks[0]?.message);
  if (message !== undefined) assert.match(report.checks[0]?.message ?? '', message);
}

describe('signature verification', () => {
  it('accepts a signature by the trusted key over this digest and repository, with its annotations', async () => {
    const candidate = await signatureCandidate(release, buildSimpleSigningPayload(NAME, DIGEST, { env: 'prod' }));
    const report = verifySignatureCandidates([candidate], options({ requiredAnnotations: { env: 'prod' } }));
    assert.equal(report.verified, true);
    assert.equal(report.checks[0]?.keyName, 'release');
    assert.deepEqual(report.checks[0]?.annotations, { env: 'prod' });
  });

  it('reports no signature when nothing was found', () => {
    assertOnlyFailure(verifySignatureCandidates([], options()), 'no-signature');
  });

  it('names another key when the signature says so', async () => {
    assertOnlyFailure(verifySignatureCandidates([await signatureCandidate(stranger, buildSimpleSigningPayload(NAME, DIGEST))], options()), 'other-key', /another key/);
  });

  it('cannot tell another key from tampering without a hint, and says both', async () => {
    const candidate = await signatureCandidate(stranger, buildSimpleSigningPayload(NAME, DIGEST), { hint: false });
    assertOnlyFailure(verifySignatureCandidates([candidate], options()), 'not-verified', /another key, or the content was changed/);
  });

  it('detects a payload changed after signing', async () => {
    const candidate = await signatureCandidate(release, buildSimpleSigningPayload(NAME, OTHER_DIGEST));
    candidate.bytes = buildSimpleSigningPayload(NAME, DIGEST);
    assertOnlyFailure(verifySignatureCandidates([candidate], options()), 'tampered');
  });

  it('rejects a valid signature for another digest', async () => {
    const candidate = await signatureCandidate(release, buildSimpleSigningPayload(NAME, OTHER_DIGEST));
    assertOnlyFailure(verifySignatureCandidates([candidate], options()), 'wrong-digest', new RegExp(OTHER_DIGEST));
  });

  it('rejects a valid signature for another repository unless any reference is allowed', async () => {
    const candidate = await signatureCandidate(release, buildSimpleSigningPayload('registry.example.com/team/other', DIGEST));
    assertOnlyFailure(verifySignatureCandidates([candidate], options()), 'wrong-repository');
    assert.equal(verifySignatureCandidates([candidate], options({ allowAnyReference: true })).verified, true);
  });

  it('treats Docker Hub aliases as one registry', async () => {
    const candidate = await signatureCandidate(release, buildSimpleSigningPayload('index.docker.io/library/alpine', DIGEST));
    assert.equal(verifySignatureCandidates([candidate], options({ repository: 'docker.io/library/alpine' })).verified, true);
  });

  it('rejects malformed signatures: not base64, not DER, missing', async () => {
    const payload = buildSimpleSigningPayload(NAME, DIGEST);
    for (const signature of ['%%%not-base64%%%', Buffer.from('not a DER signature at all').toString('base64'), '']) {
      assertOnlyFailure(verifySignatureCandidates([await signatureCandidate(release, payload, { signature })], options()), 'malformed');
    }
    assertOnlyFailure(verifySignatureCandidates([{ bytes: payload, annotations: {}, locations: ['x'] }], options()), 'malformed', /annotation is missing/);
  });

  it('rejects a signed payload that is not simple-signing JSON as malformed', async () => {
    for (const payload of [Buffer.from('{"critical":{}}'), Buffer.from([0xff, 0xfe, 0x7b]), Buffer.from('{"critical":')]) {
      assertOnlyFailure(verifySignatureCandidates([await signatureCandidate(release, payload)], options()), 'malformed', /payload is malformed/);
    }
  });

  it('reports an unreadable candidate as malformed with its problem', () => {
    const report = verifySignatureCandidates([{ bytes: Buffer.alloc(0), annotations: {}, locations: ['tag x'], problem: 'tag x: digest mismatch' }], options());
    assertOnlyFailure(report, 'malformed', /digest mismatch/);
  });

  it('refuses keys of an unsupported type', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    const candidate = await signatureCandidate(release, buildSimpleSigningPayload(NAME, DIGEST));
    assertOnlyFailure(verifySignatureCandidates([candidate], options({ keys: [trustedKey('p384', createPublicKey(publicKey.export({ type: 'spki', format: 'pem' })))] })), 'unsupported-key', /ec/);
  });

  it('refuses revoked, expired and not yet valid keys', async () => {
    const candidate = await signatureCandidate(release, buildSimpleSigningPayload(NAME, DIGEST));
    const now = new Date('2026-06-01T00:00:00Z');
    const cases: Array<[Partial<typeof release.trusted>, FailureReason]> = [
      [{ revoked: true }, 'key-revoked'],
      [{ notAfter: new Date('2026-01-01T00:00:00Z') }, 'key-expired'],
      [{ notBefore: new Date('2027-01-01T00:00:00Z') }, 'key-not-yet-valid'],
    ];
    for (const [window, reason] of cases) {
      assertOnlyFailure(verifySignatureCandidates([candidate], options({ keys: [{ ...release.trusted, ...window }], now })), reason);
    }
    const inWindow = { ...release.trusted, notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2027-01-01T00:00:00Z') };
    assert.equal(verifySignatureCandidates([candidate], options({ keys: [inWindow], now })).verified, true);
  });

  it('requires every -a annotation', async () => {
    const candidate = await signatureCandidate(release, buildSimpleSigningPayload(NAME, DIGEST, { env: 'dev' }));
    assertOnlyFailure(verifySignatureCandidates([candidate], options({ requiredAnnotations: { env: 'prod' } })), 'missing-annotation', /env=dev/);
  });

  it('lists valid signatures first and every other with its reason', async () => {
    const good = await signatureCandidate(release, buildSimpleSigningPayload(NAME, DIGEST));
    const bad = await signatureCandidate(stranger, buildSimpleSigningPayload(NAME, DIGEST));
    const report = verifySignatureCandidates([bad, good], options());
    assert.equal(report.verified, true);
    assert.deepEqual(report.checks.map((check) => check.reason ?? 'valid'), ['valid', 'other-key']);
  });

  it('verifies Ed25519 and RSA keys too', async () => {
    for (const type of ['ed25519', 'rsa'] as const) {
      const key = testKey(type, type);
      const candidate = await signatureCandidate(key, buildSimpleSigningPayload(NAME, DIGEST));
      assert.equal(verifySignatureCandidates([candidate], options({ keys: [key.trusted] })).verified, true, type);
    }
  });
});

describe('attestation verification', () => {
  const statement = (digest = DIGEST, name = NAME, predicateType = 'https://cyclonedx.org/bom') => buildStatement({ name, digest }, predicateType, { bomFormat: 'CycloneDX' });

  it('accepts a DSSE envelope over an in-toto statement about this image', async () => {
    const report = verifyAttestationCandidates([await attestationCandidate(release, statement())], options({ predicateType: 'https://cyclonedx.org/bom' }));
    assert.equal(report.verified, true, report.checks[0]?.message);
    assert.equal(report.checks[0]?.predicateType, 'https://cyclonedx.org/bom');
  });

  it('rejects another predicate type, subject digest or subject name', async () => {
    assertOnlyFailure(verifyAttestationCandidates([await attestationCandidate(release, statement())], options({ predicateType: 'https://spdx.dev/Document' })), 'wrong-predicate-type');
    assertOnlyFailure(verifyAttestationCandidates([await attestationCandidate(release, statement(OTHER_DIGEST))], options()), 'wrong-digest');
    assertOnlyFailure(verifyAttestationCandidates([await attestationCandidate(release, statement(DIGEST, 'registry.example.com/x'))], options()), 'wrong-repository');
  });

  it('detects a tampered envelope payload and signatures made over the payload instead of the PAE', async () => {
    const candidate = await attestationCandidate(release, statement());
    const envelope = JSON.parse(candidate.bytes.toString()) as { payload: string };
    envelope.payload = statement(OTHER_DIGEST).toString('base64');
    assertOnlyFailure(verifyAttestationCandidates([{ ...candidate, bytes: Buffer.from(JSON.stringify(envelope)) }], options()), 'tampered');

    const raw = await release.signer.sign(statement());
    const notPae = serializeEnvelope(IN_TOTO_PAYLOAD_TYPE, statement(), [{ keyid: release.signer.keyId, sig: raw }]);
    assertOnlyFailure(verifyAttestationCandidates([{ bytes: notPae, annotations: {}, locations: ['x'] }], options()), 'tampered');
  });

  it('rejects hostile envelopes as malformed', () => {
    const hostile = ['', '[]', '{"payloadType":1}', '{"payloadType":"a","payload":"!!","signatures":[]}', '{"payloadType":"a","payload":"","signatures":[]}', `{"payloadType":"a","payload":"","signatures":[{"sig":"${'A'.repeat(10)}==="}]}`];
    for (const text of hostile) {
      assertOnlyFailure(verifyAttestationCandidates([{ bytes: Buffer.from(text), annotations: {}, locations: ['x'] }], options()), 'malformed');
    }
    assertOnlyFailure(verifyAttestationCandidates([{ bytes: Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), annotations: {}, locations: ['x'] }], options()), 'malformed', /UTF-8/);
  });
});
