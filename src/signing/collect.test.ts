/**
 * collectCandidates over an in-memory AttachmentReader (the interface is Portcullis's own; the HTTP
 * and in-process readers are tested against real registries elsewhere): order independent of read
 * timing, reads bounded in number at once, hostile attachments reported as candidates, limits.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PortcullisError, sha256Digest } from '../core/index.ts';
import type { Descriptor } from '../oci/index.ts';
import { attachmentTag, referrerManifest, tagSchemeManifest } from './attachment-manifest.ts';
import type { AttachmentReader } from './attachment-reader.ts';
import { collectCandidates } from './collect.ts';
import { ATTACHMENT } from './media-types.ts';

const IMAGE = `sha256:${'1'.repeat(64)}`;
const SUBJECT: Descriptor = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: IMAGE, size: 100 };

/** A registry in memory whose reads take a given time, counting how many run at once. */
class MemoryReader implements AttachmentReader {
  readonly manifests = new Map<string, Buffer>();
  readonly blobs = new Map<string, Buffer>();
  referrerList: Descriptor[] = [];
  inFlight = 0;
  maxInFlight = 0;
  delay: (key: string) => number = () => 1;

  async #timed<T>(key: string, value: () => T): Promise<T> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setTimeout(resolve, this.delay(key)));
    this.inFlight--;
    return value();
  }

  getManifest(_repository: string, reference: string) {
    return this.#timed(reference, () => {
      const bytes = this.manifests.get(reference);
      return bytes === undefined ? undefined : { bytes };
    });
  }

  getBlob(_repository: string, digest: string, maxBytes: number) {
    return this.#timed(digest, () => {
      const bytes = this.blobs.get(digest);
      if (bytes === undefined) throw new PortcullisError('NOT_FOUND', `blob ${digest} not found`);
      if (bytes.length > maxBytes) throw new PortcullisError('LIMIT', 'too big');
      return bytes;
    });
  }

  async referrers() {
    return this.referrerList;
  }

  /** Stores a payload as a referrer of the image; returns its layer. */
  addReferrer(payload: string, subject: Descriptor = SUBJECT): Descriptor {
    const bytes = Buffer.from(payload);
    this.blobs.set(sha256Digest(bytes), bytes);
    const layer: Descriptor = { mediaType: ATTACHMENT.signature.layerMediaType, digest: sha256Digest(bytes), size: bytes.length, annotations: { n: payload } };
    const built = referrerManifest('signature', layer, subject);
    this.manifests.set(built.digest, built.bytes);
    this.referrerList.push({ mediaType: SUBJECT.mediaType, digest: built.digest, size: built.bytes.length, artifactType: ATTACHMENT.signature.artifactType });
    return layer;
  }
}

describe('collectCandidates', () => {
  it('returns candidates in listing order whatever the read timing, merging a layer found twice', async () => {
    const reader = new MemoryReader();
    const layers = Array.from({ length: 20 }, (_, index) => reader.addReferrer(`payload ${index}`));
    reader.manifests.set(attachmentTag(IMAGE, 'signature'), tagSchemeManifest([], layers[3]!).bytes);
    // Later reads finish first.
    reader.delay = (key) => (key.endsWith('.sig') ? 30 : 30 - (reader.referrerList.findIndex((entry) => entry.digest === key) % 30));
    const candidates = await collectCandidates(reader, 'team/app', IMAGE, 'signature');
    assert.equal(candidates.length, 20);
    assert.equal(candidates[0]?.bytes.toString(), 'payload 3', 'the tag scheme comes first');
    assert.deepEqual(candidates[0]?.locations, [`tag ${attachmentTag(IMAGE, 'signature')} layer 0`, `referrer ${reader.referrerList[3]!.digest} layer 0`]);
    assert.deepEqual(candidates.slice(1).map((candidate) => candidate.bytes.toString()), layers.map((_, index) => `payload ${index}`).filter((text) => text !== 'payload 3'));
  });

  it('reads concurrently but at most 8 at a time', async () => {
    const reader = new MemoryReader();
    for (let index = 0; index < 30; index++) reader.addReferrer(`p${index}`);
    reader.delay = () => 5;
    await collectCandidates(reader, 'team/app', IMAGE, 'signature');
    assert.ok(reader.maxInFlight > 1, `reads overlapped (${reader.maxInFlight} at once)`);
    assert.ok(reader.maxInFlight <= 9, `at most 8 reads at once plus the tag read, saw ${reader.maxInFlight}`);
  });

  it('reports hostile attachments as candidates with problems, and checks the rest', async () => {
    const reader = new MemoryReader();
    reader.addReferrer('good');
    reader.addReferrer('about another image', { ...SUBJECT, digest: `sha256:${'2'.repeat(64)}` });
    const missingBlob = reader.addReferrer('blob goes missing');
    reader.blobs.delete(missingBlob.digest);
    const garbage = Buffer.from('{"layers": 7');
    reader.manifests.set(attachmentTag(IMAGE, 'signature'), garbage);
    const candidates = await collectCandidates(reader, 'team/app', IMAGE, 'signature');
    const problems = candidates.map((candidate) => candidate.problem ?? 'ok');
    assert.equal(problems.length, 4);
    assert.match(problems[0]!, /^tag .*not valid JSON/);
    assert.equal(problems[1], 'ok');
    assert.match(problems[2]!, /its subject is sha256:2{64}/);
    assert.match(problems[3]!, /blob .* not found/);
  });

  it('refuses more referrers than it will read, before reading them', async () => {
    const reader = new MemoryReader();
    for (let index = 0; index < 501; index++) reader.referrerList.push({ mediaType: SUBJECT.mediaType, digest: sha256Digest(String(index)), size: 10 });
    await assert.rejects(collectCandidates(reader, 'team/app', IMAGE, 'signature'), (error: unknown) => error instanceof PortcullisError && error.code === 'LIMIT');
    assert.equal(reader.maxInFlight <= 1, true, 'only the tag manifest was read');
  });

  it('turns an oversized layer into a problem without reading it', async () => {
    const reader = new MemoryReader();
    const layer = { mediaType: ATTACHMENT.signature.layerMediaType, digest: sha256Digest('x'), size: 64 * 1024 * 1024 };
    reader.manifests.set(attachmentTag(IMAGE, 'signature'), tagSchemeManifest([], layer).bytes);
    const candidates = await collectCandidates(reader, 'team/app', IMAGE, 'signature');
    assert.equal(candidates.length, 1);
    assert.match(candidates[0]?.problem ?? '', /declared size 67108864 is more than the limit/);
  });
});
