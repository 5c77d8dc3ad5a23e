/**
 * Signing and verification against a real registry holding hostile attachments: a `.sig` tag that
 * is not a signature manifest, a referrer whose subject is another image, a payload that is not
 * JSON. Each is reported as malformed while valid signatures elsewhere still verify.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sha256Digest } from '../core/index.ts';
import { OCI_INDEX, OCI_MANIFEST } from '../oci/index.ts';
import { addToReferrersTag } from '../registry-client/index.ts';
import { pushToRegistry, smallImageLayout, startRegistry, type StartedRegistry } from '../../test/helpers/registry.ts';
import { attachmentTag, referrerManifest } from './attachment-manifest.ts';
import { SIGNATURE_ANNOTATION, SIMPLE_SIGNING_MEDIA_TYPE } from './media-types.ts';
import { signImage, verifyImageSignatures } from './operations.ts';
import { publishAttachment } from './publish.ts';
import { resolveTarget, type ImageTarget } from './target.ts';
import { testKey } from './test-keys.ts';

describe('verification with hostile attachments in the registry', () => {
  let registry: StartedRegistry;
  let target: ImageTarget;
  const key = testKey('release');

  before(async () => {
    registry = await startRegistry();
    await pushToRegistry(`oci:${await smallImageLayout()}:amd64`, `${registry.host}/hostile/app:1`);
    target = await resolveTarget(`${registry.host}/hostile/app:1`, { env: {} });
    await signImage(target, key.signer);
  });
  after(() => registry?.stop());

  it('a .sig tag overwritten with an index does not hide the referrer signature', async () => {
    const { client } = target;
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] }));
    await client.pushManifest(target.repository, attachmentTag(target.digest, 'signature'), index, OCI_INDEX);
    const report = await verifyImageSignatures(target, { keys: [key.trusted] });
    assert.equal(report.verified, true);
    assert.deepEqual(report.checks.map((check) => check.reason ?? 'valid'), ['valid', 'malformed']);
    assert.match(report.checks[1]?.message ?? '', /tag sha256-.*\.sig.*config/);
    await assert.rejects(signImage(target, key.signer), (error: unknown) => error instanceof Error && /is not a signature manifest; refusing to overwrite it/.test(error.message));
  });

  it('reports a referrer about another image and a payload that is not JSON', async () => {
    await pushToRegistry(`oci:${await smallImageLayout()}:arm64`, `${registry.host}/hostile/app:2`);
    const target = await resolveTarget(`${registry.host}/hostile/app:2`, { env: {} });
    await signImage(target, key.signer);
    const { client } = target;
    const junk = Buffer.from('\u0000not json');
    await client.pushBlob(target.repository, Buffer.from('{}'));
    const pushed = await client.pushBlob(target.repository, junk);
    const layer = { mediaType: SIMPLE_SIGNING_MEDIA_TYPE, digest: pushed.digest, size: pushed.size, annotations: { [SIGNATURE_ANNOTATION]: (await key.signer.sign(junk)).toString('base64') } };
    const elsewhere = referrerManifest('signature', layer, { mediaType: OCI_MANIFEST, digest: sha256Digest('another image'), size: 1 });
    await client.pushManifest(target.repository, elsewhere.digest, elsewhere.bytes, OCI_MANIFEST);
    await addToReferrersTag(client, target.repository, target.digest, { mediaType: OCI_MANIFEST, digest: elsewhere.digest, size: elsewhere.bytes.length, artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json' });
    const { descriptor } = target;
    assert.ok(descriptor);
    await publishAttachment(client, target.repository, descriptor, { kind: 'signature', bytes: junk, annotations: layer.annotations });

    const report = await verifyImageSignatures(target, { keys: [key.trusted] });
    assert.equal(report.verified, true, 'the good signature still counts');
    const problems = report.checks.filter((check) => !check.valid).map((check) => `${check.reason}: ${check.message}`);
    assert.ok(problems.some((problem) => /^malformed: .*its subject is sha256:/.test(problem)), problems.join('\n'));
    assert.ok(problems.some((problem) => /^malformed: signed by release, but the payload is malformed/.test(problem)), problems.join('\n'));
  });
});
