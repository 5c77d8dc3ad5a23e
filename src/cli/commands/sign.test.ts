/**
 * sign, attest, verify, verify-attestation and copy as users run them: the real CLI, a real
 * registry (Debian's docker-registry, distribution 2.8, which has no referrers API, so the
 * referrers tag schema is exercised), and a real cosign key pair (encrypted cosign key file).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient, referrersTag } from '../../registry-client/index.ts';
import { attachmentTag, parseAttachmentManifest } from '../../signing/index.ts';
import { runCli } from '../../../test/helpers/cli.ts';
import { pushToRegistry, smallImageLayout, startRegistry, type StartedRegistry } from '../../../test/helpers/registry.ts';
import { parseIndex } from '../../oci/index.ts';
import { createTestToken } from '../../signing/keys/testing/softhsm.ts';

const KEYS = new URL('../../../../shared/cosign-fixtures/keys/', import.meta.url).pathname;
/** policy-controller's example cosign key pair; its passphrase is empty. */
const KEY = join(KEYS, 'policy-controller-cosign.key');
const PUB = join(KEYS, 'policy-controller-cosign.pub');
/** Another cosign key pair (passphrase "123"). */
const OTHER_KEY = join(KEYS, 'sigstore-rs-ecdsa_encrypted_private.key');
const OTHER_PUB = join(KEYS, 'sigstore-rs-ecdsa_encrypted_private.derived.pub');
const SBOM = new URL('testdata/signing/sbom.cdx.json', import.meta.url).pathname;

describe('signing commands against a registry', () => {
  let registry: StartedRegistry;
  let work: string;
  let image: string;
  const env = { COSIGN_PASSWORD: '', PORTCULLIS_PASSWORD: undefined, REGISTRY_AUTH_FILE: join(tmpdir(), 'portcullis-no-auth-file.json') };

  before(async () => {
    const layout = await smallImageLayout();
    registry = await startRegistry();
    work = await mkdtemp(join(tmpdir(), 'portcullis-sign-'));
    image = `${registry.host}/team/app`;
    await pushToRegistry(`oci:${layout}:amd64`, `${image}:1`);
  });
  after(async () => {
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('signs a tag by its digest, in the .sig tag and as a referrer, appending signatures', async () => {
    const signed = await runCli(['sign', `${image}:1`, '--key', KEY, '-a', 'env=prod'], { env });
    assert.equal(signed.code, 0, signed.stderr);
    assert.match(signed.stderr, /resolved to sha256:[0-9a-f]{64}; signing the digest/);
    const again = await runCli(['sign', `${image}:1`, '--key', OTHER_KEY], { env: { ...env, COSIGN_PASSWORD: '123' } });
    assert.equal(again.code, 0, again.stderr);

    const client = new RegistryClient({ domain: registry.host });
    const digest = (await client.getManifest('team/app', '1')).digest;
    const tagged = parseAttachmentManifest((await client.getManifest('team/app', attachmentTag(digest, 'signature'))).bytes);
    assert.equal(tagged.layers.length, 2, 'both signatures are layers of the .sig manifest');
    assert.ok(tagged.layers.every((layer) => layer.mediaType === 'application/vnd.dev.cosign.simplesigning.v1+json' && layer.annotations?.['dev.cosignproject.cosign/signature']));
    const referrers = parseIndex((await client.getManifest('team/app', referrersTag(digest))).bytes);
    assert.equal(referrers.manifests.filter((entry) => entry.artifactType === 'application/vnd.dev.cosign.artifact.sig.v1+json').length, 2);
  });

  it('verifies with the right key and annotation, and explains every other signature', async () => {
    const verified = await runCli(['verify', `${image}:1`, '--key', PUB, '-a', 'env=prod'], { env });
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /VERIFIED/);
    assert.match(verified.stdout, /valid +signed by/);
    assert.match(verified.stdout, /invalid +other-key: signed by another key/);

    const wrongAnnotation = await runCli(['verify', `${image}:1`, '--key', PUB, '-a', 'env=dev'], { env });
    assert.equal(wrongAnnotation.code, 1);
    assert.match(wrongAnnotation.stdout, /missing-annotation/);
  });

  it('fails verification for an unsigned image and for a revoked key, as JSON too', async () => {
    const layout = await smallImageLayout();
    await pushToRegistry(`oci:${layout}:arm64`, `${image}:unsigned`);
    const unsigned = await runCli(['verify', `${image}:unsigned`, '--key', PUB, '-f', 'json'], { env });
    assert.equal(unsigned.code, 1);
    const report = JSON.parse(unsigned.stdout) as { verified: boolean; checks: Array<{ reason?: string }> };
    assert.equal(report.verified, false);
    assert.deepEqual(report.checks.map((check) => check.reason), ['no-signature']);

    const trust = join(work, 'trust.yaml');
    await writeFile(trust, `keys:\n  - name: example-release\n    publicKey: ${PUB}\n    revoked: true\n`);
    const revoked = await runCli(['verify', `${image}:1`, '--key', PUB, '--trust-config', trust], { env });
    assert.equal(revoked.code, 1);
    assert.match(revoked.stdout, /key-revoked: signed by example-release/);

    const current = join(work, 'current.yaml');
    await writeFile(current, `keys:\n  - name: example-release\n    publicKey: ${PUB}\n    notBefore: 2020-01-01T00:00:00Z\n    notAfter: 2999-01-01T00:00:00Z\n`);
    const trusted = await runCli(['verify', `${image}:1`, '--trust-config', current], { env });
    assert.equal(trusted.code, 0, trusted.stdout);
    assert.match(trusted.stdout, /valid +signed by example-release/);
  });

  it('attests an SBOM and verifies it by predicate type', async () => {
    const attested = await runCli(['attest', `${image}:1`, '--key', KEY, '--type', 'cyclonedx', '--predicate', SBOM], { env });
    assert.equal(attested.code, 0, attested.stderr);
    const verified = await runCli(['verify-attestation', `${image}:1`, '--key', PUB, '--type', 'cyclonedx'], { env });
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /predicate https:\/\/cyclonedx\.org\/bom/);
    const wrongType = await runCli(['verify-attestation', `${image}:1`, '--key', PUB, '--type', 'spdx'], { env });
    assert.equal(wrongType.code, 1);
    assert.match(wrongType.stdout, /wrong-predicate-type/);
  });

  it('copies an image with its signatures and attestations to another repository', async () => {
    const copied = await runCli(['copy', `${image}:1`, `${registry.host}/mirror/app:1`], { env });
    assert.equal(copied.code, 0, copied.stderr);
    assert.match(copied.stdout, /2 signature\/attestation tag\(s\), 3 referrer\(s\)/);
    const strict = await runCli(['verify', `${registry.host}/mirror/app:1`, '--key', PUB], { env });
    assert.equal(strict.code, 1, 'the payload names the original repository');
    assert.match(strict.stdout, /wrong-repository/);
    const relaxed = await runCli(['verify', `${registry.host}/mirror/app:1`, '--key', PUB, '--allow-any-reference'], { env });
    assert.equal(relaxed.code, 0, relaxed.stdout);
    const attestation = await runCli(['verify-attestation', `${registry.host}/mirror/app:1`, '--key', PUB, '--type', 'cyclonedx', '--allow-any-reference'], { env });
    assert.equal(attestation.code, 0, attestation.stdout);
  });

  it('refuses usage mistakes with exit 2', async () => {
    for (const args of [['sign', `${image}:1`], ['verify', `${image}:1`], ['attest', `${image}:1`, '--key', KEY], ['sign', `${image}:1`, '--key', KEY, '-a', 'novalue'], ['verify', `${image}:1`, '--key', PUB, '--type', 'x']]) {
      const result = await runCli(args, { env });
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    }
    const notJson = join(work, 'predicate.txt');
    await writeFile(notJson, Buffer.from([0x7b, 0xff, 0x22]));
    const badPredicate = await runCli(['attest', `${image}:1`, '--key', KEY, '--type', 'vuln', '--predicate', notJson], { env });
    assert.equal(badPredicate.code, 2);
    assert.match(badPredicate.stderr, /not UTF-8 JSON/);
    const wrongPassphrase = await runCli(['sign', `${image}:1`, '--key', OTHER_KEY], { env: { ...env, COSIGN_PASSWORD: 'wrong' } });
    assert.equal(wrongPassphrase.code, 2);
    assert.match(wrongPassphrase.stderr, /passphrase/);
  });

  it('signs with a key held in a PKCS#11 token (SoftHSM2) and verifies with its URI', async () => {
    const token = createTestToken();
    try {
      const uri = token.uri('signing-key');
      const signed = await runCli(['sign', `${image}:1`, '--key', uri, '-a', 'signed-by=vault'], { env: { ...env, SOFTHSM2_CONF: process.env.SOFTHSM2_CONF } });
      assert.equal(signed.code, 0, signed.stderr);
      const verified = await runCli(['verify', `${image}:1`, '--key', token.uri('signing-key', { withoutPin: true }), '-a', 'signed-by=vault'], { env: { ...env, SOFTHSM2_CONF: process.env.SOFTHSM2_CONF } });
      assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    } finally {
      token.remove();
    }
  });

  it('copies a multi-platform index with the signatures of the index', async () => {
    await pushToRegistry(`oci:${await smallImageLayout()}:multi`, `${image}:multi`, { all: true });
    assert.equal((await runCli(['sign', `${image}:multi`, '--key', KEY], { env })).code, 0);
    const copied = await runCli(['copy', `${image}:multi`, `${registry.host}/mirror/multi`], { env });
    assert.equal(copied.code, 0, copied.stderr);
    // The index and its two images; the amd64 image is the one signed and attested above, so its
    // attachments come along too.
    assert.match(copied.stdout, /3 image manifest\(s\), 3 signature\/attestation tag\(s\)/);
    const client = new RegistryClient({ domain: registry.host });
    const fetched = await client.getManifest('mirror/multi', 'multi');
    for (const entry of parseIndex(fetched.bytes).manifests) assert.equal(await client.hasManifest('mirror/multi', entry.digest), true);
    assert.equal(await client.hasManifest('mirror/multi', attachmentTag(fetched.digest, 'signature')), true);
    const verified = await runCli(['verify', `${registry.host}/mirror/multi:multi`, '--key', PUB, '--allow-any-reference'], { env });
    assert.equal(verified.code, 0, verified.stdout);
  });

  it('verifies the other key only with its own public key', async () => {
    const result = await runCli(['verify', `${image}:1`, '--key', OTHER_PUB], { env });
    assert.equal(result.code, 0, result.stdout);
    assert.match(result.stdout, /invalid +other-key/);
  });
});
