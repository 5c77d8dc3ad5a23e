/**
 * The documents signing writes and reads back from registries: simple-signing payloads, in-toto
 * statements, DSSE envelopes and attachment manifests. What Portcullis writes reads back the same;
 * hostile input is refused with INPUT or LIMIT errors, never a crash.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PortcullisError } from '../core/index.ts';
import { attachmentTag, parseAttachmentManifest, referrerManifest, tagSchemeManifest } from './attachment-manifest.ts';
import { pae, parseEnvelope, serializeEnvelope } from './dsse.ts';
import { buildStatement, parseStatement, predicateTypeFor } from './in-toto.ts';
import { buildSimpleSigningPayload, parseSimpleSigningPayload } from './simple-signing.ts';

const DIGEST = `sha256:${'0f'.repeat(32)}`;

function refused(code: string, pattern?: RegExp) {
  return (error: unknown) => error instanceof PortcullisError && error.code === code && (pattern === undefined || pattern.test(error.message));
}

describe('simple-signing payload', () => {
  it('is cosign\'s shape, and reads back', () => {
    const bytes = buildSimpleSigningPayload('ghcr.io/org/app', DIGEST, { env: 'prod' });
    assert.equal(
      bytes.toString(),
      `{"critical":{"identity":{"docker-reference":"ghcr.io/org/app"},"image":{"docker-manifest-digest":"${DIGEST}"},"type":"cosign container image signature"},"optional":{"env":"prod"}}`,
    );
    assert.match(buildSimpleSigningPayload('x/y', DIGEST).toString(), /"optional":null}$/);
    assert.deepEqual(parseSimpleSigningPayload(bytes), { dockerReference: 'ghcr.io/org/app', manifestDigest: DIGEST, optional: { env: 'prod' } });
  });

  it('refuses hostile payloads', () => {
    const valid = JSON.parse(buildSimpleSigningPayload('a/b', DIGEST).toString()) as { critical: Record<string, unknown> };
    const cases: Array<[unknown, RegExp]> = [
      [{ ...valid, critical: { ...valid.critical, type: 'atomic container signature' } }, /critical\.type/],
      [{ ...valid, critical: { ...valid.critical, image: { 'docker-manifest-digest': 'sha256:abc' } } }, /docker-manifest-digest/],
      [{ ...valid, critical: { ...valid.critical, identity: 'x' } }, /critical\.identity/],
      [{ ...valid, optional: [1] }, /optional/],
      [[], /object/],
    ];
    for (const [document, pattern] of cases) assert.throws(() => parseSimpleSigningPayload(Buffer.from(JSON.stringify(document))), refused('INPUT', pattern));
    assert.throws(() => parseSimpleSigningPayload(Buffer.from('{"critical":')), refused('INPUT', /JSON/));
    assert.throws(() => parseSimpleSigningPayload(Buffer.from([0x7b, 0xff, 0x7d])), refused('INPUT', /UTF-8/));
    assert.throws(() => parseSimpleSigningPayload(Buffer.alloc(300 * 1024, 0x20)), refused('LIMIT'));
  });
});

describe('in-toto statement and DSSE envelope', () => {
  it('maps cosign\'s short predicate types and accepts URIs only otherwise', () => {
    assert.equal(predicateTypeFor('cyclonedx'), 'https://cyclonedx.org/bom');
    assert.equal(predicateTypeFor('vuln'), 'https://cosign.sigstore.dev/attestation/vuln/v1');
    assert.equal(predicateTypeFor('slsaprovenance'), 'https://slsa.dev/provenance/v0.2');
    assert.equal(predicateTypeFor('openvex'), 'https://openvex.dev/ns');
    assert.equal(predicateTypeFor('https://example.com/review/v1'), 'https://example.com/review/v1');
    assert.throws(() => predicateTypeFor('toString'), refused('INPUT'));
    assert.throws(() => predicateTypeFor('sbom'), refused('INPUT', /cyclonedx/));
  });

  it('builds a v1 statement and an envelope whose signature input is the PAE', () => {
    const statement = buildStatement({ name: 'ghcr.io/org/app', digest: DIGEST }, 'https://cyclonedx.org/bom', { a: 1 });
    const parsed = parseStatement(statement);
    assert.equal(parsed.type, 'https://in-toto.io/Statement/v1');
    assert.deepEqual(parsed.subjects, [{ name: 'ghcr.io/org/app', digest: { sha256: '0f'.repeat(32) } }]);
    assert.equal(pae('t', Buffer.from('ab')).toString(), 'DSSEv1 1 t 2 ab');
    const envelope = parseEnvelope(serializeEnvelope('application/vnd.in-toto+json', statement, [{ keyid: 'k', sig: Buffer.from([1, 2]) }]));
    assert.deepEqual(envelope.payload, statement);
    assert.deepEqual(envelope.signatures[0]?.sig, Buffer.from([1, 2]));
  });

  it('refuses hostile statements', () => {
    for (const [document, pattern] of [
      [{ _type: 'https://evil/Statement', subject: [], predicateType: 'x' }, /_type/],
      [{ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'a', digest: { sha256: 5 } }], predicateType: 'x' }, /digest\.sha256/],
      [{ _type: 'https://in-toto.io/Statement/v1', subject: {}, predicateType: 'x' }, /subject/],
    ] as Array<[unknown, RegExp]>) {
      assert.throws(() => parseStatement(Buffer.from(JSON.stringify(document))), refused('INPUT', pattern));
    }
  });
});

describe('attachment manifests', () => {
  const layer = (n: number) => ({ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: `sha256:${String(n).repeat(64)}`, size: 10, annotations: { 'dev.cosignproject.cosign/signature': `sig${n}` } });

  it('names the .sig and .att tags as cosign does', () => {
    assert.equal(attachmentTag(DIGEST, 'signature'), `sha256-${'0f'.repeat(32)}.sig`);
    assert.equal(attachmentTag(DIGEST, 'attestation'), `sha256-${'0f'.repeat(32)}.att`);
  });

  it('appends layers, never dropping one, and does not double the same signature', () => {
    const first = tagSchemeManifest([], layer(1));
    const second = tagSchemeManifest(parseAttachmentManifest(first.bytes).layers, layer(2));
    assert.deepEqual(parseAttachmentManifest(second.bytes).layers.map((entry) => entry.digest), [layer(1).digest, layer(2).digest]);
    const again = tagSchemeManifest(parseAttachmentManifest(second.bytes).layers, layer(2));
    assert.equal(again.digest, second.digest);
    const config = JSON.parse(second.config.toString()) as { rootfs: { diff_ids: string[] } };
    assert.deepEqual(config.rootfs.diff_ids, [layer(1).digest, layer(2).digest]);
  });

  it('builds referrers with subject and artifactType', () => {
    const built = referrerManifest('signature', layer(1), { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: DIGEST, size: 5 });
    const parsed = parseAttachmentManifest(built.bytes);
    assert.equal(parsed.artifactType, 'application/vnd.dev.cosign.artifact.sig.v1+json');
    assert.equal(parsed.subject?.digest, DIGEST);
    assert.equal(parsed.config.mediaType, 'application/vnd.oci.empty.v1+json');
  });

  it('refuses hostile manifests, reporting every bad field', () => {
    const hostile = { config: { mediaType: 'x' }, layers: [{ mediaType: 'a/b', digest: 'sha256:zz', size: -1 }], subject: 7 };
    assert.throws(() => parseAttachmentManifest(Buffer.from(JSON.stringify(hostile))), refused('INPUT', /config\.digest.*layers\[0\]\.digest.*layers\[0\]\.size.*subject/));
    assert.throws(() => parseAttachmentManifest(Buffer.from('{"layers":')), refused('INPUT'));
  });
});
