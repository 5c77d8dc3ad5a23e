import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { PortcullisError } from '../core/index.ts';
import {
  DOCKER_MANIFEST,
  OCI_CONFIG,
  OCI_INDEX,
  OCI_LAYER_GZIP,
  OCI_LAYER_NONDISTRIBUTABLE_GZIP,
  OCI_MANIFEST,
  parseImageDocument,
  parseIndex,
  parseManifest,
} from './index.ts';

const D1 = `sha256:${'a'.repeat(64)}`;
const D2 = `sha256:${'b'.repeat(64)}`;
const testdata = (path: string) => readFileSync(new URL(`testdata/${path}`, import.meta.url));
const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

function manifest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, digest: D1, size: 100 },
    layers: [{ mediaType: OCI_LAYER_GZIP, digest: D2, size: 2000 }],
    ...overrides,
  };
}

function rejects(work: () => unknown, code: PortcullisError['code'], pattern: RegExp): void {
  assert.throws(work, (error: unknown) => {
    assert.ok(error instanceof PortcullisError, `expected a PortcullisError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    return true;
  });
}

describe('parseManifest', () => {
  it('reads a valid OCI manifest with its descriptors', () => {
    const parsed = parseManifest(bytes(manifest({ annotations: { a: 'b' } })));
    assert.equal(parsed.mediaType, OCI_MANIFEST);
    assert.deepEqual(parsed.config, { mediaType: OCI_CONFIG, digest: D1, size: 100 });
    assert.equal(parsed.layers.length, 1);
    assert.equal(parsed.layers[0]?.digest, D2);
    assert.deepEqual(parsed.annotations, { a: 'b' });
  });

  it('defaults a missing mediaType to the OCI manifest type', () => {
    const { mediaType: _, ...rest } = manifest();
    assert.equal(parseManifest(bytes(rest)).mediaType, OCI_MANIFEST);
  });

  it('accepts foreign and non-distributable layers with their urls', () => {
    const layer = { mediaType: OCI_LAYER_NONDISTRIBUTABLE_GZIP, digest: D2, size: 5, urls: ['https://example.com/layer'] };
    assert.deepEqual(parseManifest(bytes(manifest({ layers: [layer] }))).layers[0]?.urls, ['https://example.com/layer']);
  });

  it('reports every bad field in one INPUT error', () => {
    const bad = manifest({
      schemaVersion: 3,
      config: { mediaType: OCI_CONFIG, digest: 'sha256:zz', size: -1 },
      layers: [{ mediaType: 'not a media type', digest: D2, size: 1.5 }, 'oops'],
      annotations: { ok: 'x', bad: 7 },
    });
    rejects(() => parseManifest(bytes(bad)), 'INPUT', /schemaVersion: must be 2/);
    try {
      parseManifest(bytes(bad));
    } catch (error) {
      const message = (error as Error).message;
      for (const field of ['config.digest', 'config.size', 'layers[0].mediaType', 'layers[0].size', 'layers[1]', 'annotations.bad']) {
        assert.ok(message.includes(`${field}:`), `${field} missing from: ${message}`);
      }
    }
  });

  it('caps the problems it spells out', () => {
    const layers = Array.from({ length: 500 }, () => ({ mediaType: OCI_LAYER_GZIP, digest: 'bad', size: 1 }));
    rejects(() => parseManifest(bytes(manifest({ layers }))), 'INPUT', /and 480 more$/);
  });

  it('refuses unknown layer and config media types as UNSUPPORTED', () => {
    const layers = [{ mediaType: 'application/vnd.example.thing', digest: D2, size: 1 }];
    rejects(() => parseManifest(bytes(manifest({ layers }))), 'UNSUPPORTED', /layers\[0\] has unknown media type application\/vnd\.example\.thing/);
    const config = { mediaType: 'application/vnd.cncf.helm.config.v1+json', digest: D1, size: 1 };
    rejects(() => parseManifest(bytes(manifest({ config }))), 'UNSUPPORTED', /not a container image config/);
    rejects(() => parseManifest(bytes(manifest({ mediaType: 'application/vnd.example.manifest+json' }))), 'UNSUPPORTED', /unknown manifest media type/);
  });

  it('refuses Docker schema 1 with a message saying what to do', () => {
    rejects(() => parseManifest(testdata('schema1/manifest.json')), 'UNSUPPORTED', /schema 1.*skopeo copy/);
    rejects(
      () => parseManifest(bytes({ schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v1+prettyjws' })),
      'UNSUPPORTED',
      /schema 1/,
    );
  });

  it('checks the size limit before parsing', () => {
    const big = Buffer.concat([bytes(manifest()), Buffer.alloc(2048, 0x20)]);
    rejects(() => parseManifest(big, { maxBytes: 1024 }), 'LIMIT', /over the limit of 1024 bytes/);
  });

  it('refuses invalid JSON, bad UTF-8, truncated and non-object documents', () => {
    rejects(() => parseManifest(Buffer.from('{"schemaVersion": 2,')), 'INPUT', /not valid JSON/);
    rejects(() => parseManifest(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])), 'INPUT', /not valid UTF-8/);
    rejects(() => parseManifest(bytes(manifest()).subarray(0, 40)), 'INPUT', /not valid JSON/);
    rejects(() => parseManifest(bytes([manifest()])), 'INPUT', /must be an object/);
    rejects(() => parseManifest(Buffer.from('null')), 'INPUT', /must be an object/);
  });

  it('is not fooled by __proto__ keys', () => {
    const text = JSON.stringify(manifest()).replace('{', '{"__proto__":{"polluted":true},');
    parseManifest(Buffer.from(text));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('parseIndex', () => {
  it('reads a Docker manifest list', () => {
    const index = parseIndex(testdata('docker-hub-index/index.json'));
    assert.equal(index.manifests.length, 6);
    assert.deepEqual(index.manifests[2]?.platform, { os: 'linux', architecture: 'arm', variant: 'v7' });
  });

  it('keeps entries of any media type (attestations) for platform selection to skip', () => {
    const index = parseIndex(testdata('buildkit-attestation/index.json'));
    assert.equal(index.manifests.length, 2);
    assert.equal(index.manifests[1]?.annotations?.['vnd.docker.reference.type'], 'attestation-manifest');
  });

  it('reports bad entries and bad platforms together', () => {
    const bad = {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [{ mediaType: OCI_MANIFEST, digest: D1, size: 1, platform: { os: 'linux' } }, { mediaType: OCI_MANIFEST, size: 1 }],
    };
    rejects(() => parseIndex(bytes(bad)), 'INPUT', /manifests\[0\]\.platform\.architecture: must be a string.*manifests\[1\]\.digest/);
    rejects(() => parseIndex(bytes({ schemaVersion: 2 })), 'INPUT', /manifests: must be an array/);
    rejects(() => parseIndex(bytes({ schemaVersion: 2, mediaType: OCI_MANIFEST, manifests: [] })), 'UNSUPPORTED', /unknown index media type/);
  });
});

describe('parseImageDocument', () => {
  it('tells manifests from indexes by mediaType, descriptor, then shape', () => {
    assert.equal(parseImageDocument(bytes(manifest())).kind, 'manifest');
    assert.equal(parseImageDocument(testdata('docker-hub-index/index.json')).kind, 'index');
    const { mediaType: _, ...bare } = manifest();
    assert.equal(parseImageDocument(bytes(bare), DOCKER_MANIFEST).kind, 'manifest');
    assert.equal(parseImageDocument(bytes({ schemaVersion: 2, manifests: [] })).kind, 'index');
    rejects(() => parseImageDocument(testdata('schema1/manifest.json')), 'UNSUPPORTED', /schema 1/);
  });
});
