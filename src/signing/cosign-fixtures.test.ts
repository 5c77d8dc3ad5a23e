/**
 * Interoperability with real cosign output (../shared/cosign-fixtures, see its README): key-based
 * image signatures with the manifests they sign, DSSE attestations (current and 2021 layouts) and
 * Sigstore bundles. Every valid one verifies; every negative one fails for its documented reason.
 * Then the signatures go into a real registry in cosign's layout and `portcullis verify` checks them.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Digest } from '../core/index.ts';
import { DOCKER_MANIFEST } from '../oci/index.ts';
import { RegistryClient } from '../registry-client/index.ts';
import { runCli } from '../../test/helpers/cli.ts';
import { startRegistry, type StartedRegistry } from '../../test/helpers/registry.ts';
import type { Candidate } from './collect.ts';
import { REKOR_BUNDLE_ANNOTATION, SIGNATURE_ANNOTATION } from './media-types.ts';
import { publishAttachment } from './publish.ts';
import { parseSimpleSigningPayload } from './simple-signing.ts';
import { verifyMessageSignatureBundle } from './sigstore-bundle.ts';
import { trustedKey, type TrustedKey } from './trust.ts';
import { verifyAttestationCandidates, verifySignatureCandidates } from './verify.ts';

const FIXTURES = new URL('../../../shared/cosign-fixtures/', import.meta.url).pathname;
const fixture = (path: string) => readFile(join(FIXTURES, path));
const key = async (path: string): Promise<TrustedKey> => trustedKey(path, createPublicKey(await fixture(path)));

interface ImageSignatureFixture {
  dir: string;
  pub: string;
  payload: Buffer;
  signature: string;
  manifest: Buffer;
  annotations: Record<string, string>;
}

async function imageSignature(dir: string, pub: string): Promise<ImageSignatureFixture> {
  const base = `image-signatures/${dir}`;
  const payload = await fixture(`${base}/payload.json`);
  const signature = (await fixture(`${base}/signature.b64`)).toString('utf8').trim();
  const annotations: Record<string, string> = { [SIGNATURE_ANNOTATION]: signature };
  const bundle = await fixture(`${base}/rekor-bundle.json`).catch(() => undefined);
  if (bundle !== undefined) annotations[REKOR_BUNDLE_ANNOTATION] = bundle.toString('utf8');
  return { dir, pub: `${base}/${pub}`, payload, signature, manifest: await fixture(`${base}/image-manifest.json`), annotations };
}

const IMAGE_SIGNATURES: Array<[string, string]> = [
  ['containers-image-cosign-valid', 'cosign.pub'],
  ['containers-image-cosign-key-rekor-valid', 'cosign2.pub'],
];

describe('cosign image signatures', () => {
  for (const [dir, pub] of IMAGE_SIGNATURES) {
    it(`verifies ${dir} over its manifest digest and repository`, async () => {
      const signed = await imageSignature(dir, pub);
      const { dockerReference } = parseSimpleSigningPayload(signed.payload);
      const candidate: Candidate = { bytes: signed.payload, annotations: signed.annotations, locations: [dir] };
      const options = { digest: sha256Digest(signed.manifest), repository: dockerReference, keys: [await key(signed.pub)] };
      const report = verifySignatureCandidates([candidate], options);
      assert.equal(report.verified, true, report.checks[0]?.message);

      const elsewhere = verifySignatureCandidates([candidate], { ...options, repository: '127.0.0.1:5000/other' });
      assert.equal(elsewhere.checks[0]?.reason, 'wrong-repository');
      const otherManifest = verifySignatureCandidates([candidate], { ...options, digest: sha256Digest(Buffer.concat([signed.manifest, Buffer.from(' ')])) });
      assert.equal(otherManifest.checks[0]?.reason, 'wrong-digest');
      const tampered = Buffer.from(signed.payload.toString('utf8').replace('"optional":null', '"optional":{"env":"prod"}'));
      assert.notDeepEqual(tampered, signed.payload);
      assert.equal(verifySignatureCandidates([{ ...candidate, bytes: tampered }], options).checks[0]?.reason, 'not-verified');
    });
  }

  it('does not verify one fixture signature with the other fixture key', async () => {
    const signed = await imageSignature('containers-image-cosign-valid', 'cosign.pub');
    const report = verifySignatureCandidates([{ bytes: signed.payload, annotations: signed.annotations, locations: ['x'] }], {
      digest: sha256Digest(signed.manifest),
      repository: parseSimpleSigningPayload(signed.payload).dockerReference,
      keys: [await key('image-signatures/containers-image-cosign-key-rekor-valid/cosign2.pub')],
    });
    assert.equal(report.checks[0]?.reason, 'not-verified');
  });
});

describe('cosign attestations', () => {
  const dir = 'attestations/cosign-verify-blob-attestation';
  const cases: Array<[string, 'valid' | 'wrong-digest']> = [
    ['blobSLSAProvenanceSignature', 'valid'],
    ['dssePredicateMultipleSubjects', 'valid'],
    ['dssePredicateEmptySubject', 'wrong-digest'],
    ['dssePredicateMissingSha256', 'wrong-digest'],
    ['dssePredicateMultipleSubjectsInvalid', 'wrong-digest'],
  ];
  for (const [name, expected] of cases) {
    it(`cosign attest-blob ${name}: ${expected}`, async () => {
      const envelope = await fixture(`${dir}/${name}.dsse.json`);
      const report = verifyAttestationCandidates([{ bytes: envelope, annotations: {}, locations: [name] }], {
        digest: sha256Digest(await fixture(`${dir}/blob.txt`)),
        repository: 'blob',
        allowAnyReference: true,
        predicateType: 'https://slsa.dev/provenance/v0.2',
        keys: [await key(`${dir}/cosign.pub`)],
      });
      assert.equal(report.checks[0]?.reason ?? 'valid', expected, report.checks[0]?.message);
    });
  }

  for (const index of [0, 1, 2]) {
    it(`2021 cosign attestation ${index} (payloadType = predicate type) verifies for its image`, async () => {
      const base = 'attestations/kyverno-legacy-cosign-attestations';
      const options = {
        digest: 'sha256:b31bfb4d0213f254d361e0079deaaebefa4f82ba7aa76ef82e90b4935ad5b105',
        repository: 'ghcr.io/jimbugwadia/pause2',
        keys: [await key(`${base}/cosign.pub`)],
      };
      const candidate = { bytes: await fixture(`${base}/attestation-${index}.dsse.json`), annotations: {}, locations: ['x'] };
      const report = verifyAttestationCandidates([candidate], options);
      assert.equal(report.verified, true, report.checks[0]?.message);
      assert.equal(verifyAttestationCandidates([candidate], { ...options, repository: 'ghcr.io/someone/else' }).checks[0]?.reason, 'wrong-repository');
    });
  }
});

describe('Sigstore bundles with a public key', () => {
  for (const dir of ['sigstore-conformance-managed-key-happy-path', 'sigstore-conformance-managed-key-and-trusted-root']) {
    it(`${dir}: verifies over a.txt, not over other content or with another key`, async () => {
      const bundle = await fixture(`bundles/${dir}/bundle.sigstore.json`);
      const artifact = await fixture(`bundles/${dir}/a.txt`);
      const keys = [await key(`bundles/${dir}/key.pub`)];
      assert.equal(verifyMessageSignatureBundle(bundle, artifact, keys).valid, true);
      assert.equal(verifyMessageSignatureBundle(bundle, Buffer.concat([artifact, Buffer.from('x')]), keys).reason, 'wrong-digest');
      const other = [await key('image-signatures/containers-image-cosign-valid/cosign.pub')];
      assert.equal(verifyMessageSignatureBundle(bundle, artifact, other).reason, 'other-key');
      assert.equal(verifyMessageSignatureBundle(bundle.subarray(0, 100), artifact, keys).reason, 'malformed');
    });
  }
});

describe('cosign signatures in a registry, checked by portcullis verify', () => {
  let registry: StartedRegistry;
  before(async () => {
    registry = await startRegistry();
  });
  after(() => registry?.stop());

  for (const [dir, pub] of IMAGE_SIGNATURES) {
    it(`${dir}`, async () => {
      const signed = await imageSignature(dir, pub);
      const digest = sha256Digest(signed.manifest);
      const repository = `fixtures/${dir}`;
      const client = new RegistryClient({ domain: registry.host });
      // The fixtures hold the signed manifest but not its layers, so distribution refuses the
      // manifest itself; the signature goes up in cosign's layout and is verified by digest.
      await publishAttachment(client, repository, { mediaType: DOCKER_MANIFEST, digest, size: signed.manifest.length }, { kind: 'signature', bytes: signed.payload, annotations: signed.annotations });
      const image = `${registry.host}/${repository}@${digest}`;
      const env = { REGISTRY_AUTH_FILE: '/nonexistent/portcullis-auth.json' };
      const relaxed = await runCli(['verify', image, '--key', join(FIXTURES, signed.pub), '--allow-any-reference'], { env });
      assert.equal(relaxed.code, 0, relaxed.stdout + relaxed.stderr);
      assert.match(relaxed.stdout, /VERIFIED/);
      const strict = await runCli(['verify', image, '--key', join(FIXTURES, signed.pub)], { env });
      assert.equal(strict.code, 1, 'the payload names the registry cosign signed in');
      assert.match(strict.stdout, /wrong-repository: .*192\.168\.64\.2:5000/);
    });
  }

});
