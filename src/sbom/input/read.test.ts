import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { PortcullisError } from '../../core/index.ts';
import type { Inventory, Package } from '../../inventory/index.ts';
import { formatCycloneDx } from '../cyclonedx.ts';
import { mergeByPurl } from '../order.ts';
import { formatSpdx } from '../spdx.ts';
import { PINNED, loadInventory, makePackage } from '../testing.ts';
import { readSbom } from './read.ts';

function fixture(path: string): Buffer {
  return readFileSync(new URL(`testdata/${path}`, import.meta.url));
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

function byName(inventory: Inventory, name: string): Package {
  const found = inventory.packages.find((pkg) => pkg.name === name);
  assert.ok(found, `package ${name} missing`);
  return found;
}

function assertError(bytes: Buffer, code: string, pattern: RegExp, options?: Parameters<typeof readSbom>[2]): void {
  assert.throws(
    () => readSbom(bytes, 'in.json', options),
    (error: unknown) => error instanceof PortcullisError && error.code === code && pattern.test(error.message),
  );
}

function cycloneDx(components: unknown, extra: Record<string, unknown> = {}): Buffer {
  return json({ bomFormat: 'CycloneDX', specVersion: '1.6', components, ...extra });
}

/** The fields an SBOM carries through a round trip, per package. */
function identity(pkg: Package, withSource: boolean): Record<string, unknown> {
  return {
    purl: pkg.purl,
    type: pkg.type,
    namespace: pkg.namespace,
    name: pkg.name,
    version: pkg.version,
    extractor: pkg.extractor,
    layerIndex: pkg.layer?.index,
    ownedBy: pkg.ownedBy,
    locations: [...pkg.locations].sort(),
    ...(withSource ? { sourceName: pkg.sourceName, sourceVersion: pkg.sourceVersion, layer: pkg.layer, dev: pkg.dev, isRoot: pkg.isRoot } : {}),
  };
}

describe('readSbom round trips', () => {
  const fixture = loadInventory('image');
  const original: Inventory = { ...fixture, packages: [...fixture.packages, makePackage({ name: 'web-app', version: '1.4.2', isRoot: true, locations: ['app/package.json'] })] };
  const expected = mergeByPurl(original.packages);

  it('reads back every package of a Portcullis CycloneDX SBOM', () => {
    const read = readSbom(Buffer.from(formatCycloneDx(original, PINNED)), 'sbom.cdx.json');
    assert.deepEqual(read.packages.map((pkg) => identity(pkg, true)), expected.map((pkg) => identity(pkg, true)));
    assert.deepEqual(read.os, original.os);
    assert.equal(read.target.kind, 'image');
    assert.equal(read.image?.configDigest, original.image?.configDigest);
    assert.equal(read.image?.manifestDigest, original.image?.manifestDigest);
    assert.deepEqual(read.image?.platform, original.image?.platform);
    assert.deepEqual(read.warnings, []);
  });

  it('reads back purls, layer indexes, owners and locations of a Portcullis SPDX SBOM', () => {
    const read = readSbom(Buffer.from(formatSpdx(original, PINNED)), 'sbom.spdx.json');
    assert.deepEqual(read.packages.map((pkg) => identity(pkg, false)), expected.map((pkg) => identity(pkg, false)));
    assert.equal(read.os?.id, 'debian');
    assert.equal(read.os?.versionId, '12');
    assert.equal(read.target.kind, 'image');
    assert.equal(read.target.reference, 'registry.example.test:5000/team/web-app');
  });
});

describe('readSbom from other producers', () => {
  it("reads Trivy's CycloneDX: source package properties, layers by diffId, epochs", () => {
    const read = readSbom(fixture('trivy-cyclonedx/bom.json'), 'trivy.json');
    assert.deepEqual(read.packages.map((pkg) => pkg.name), ['libssl3', 'login', 'express']);
    assert.deepEqual(read.os, { id: 'debian', versionId: '12.8', source: 'trivy.json' });
    const libssl = byName(read, 'libssl3');
    assert.equal(libssl.sourceName, 'openssl');
    assert.equal(libssl.sourceVersion, '3.0.15-1~deb12u1');
    assert.equal(libssl.arch, 'amd64');
    assert.deepEqual(libssl.licenses, ['Apache-2.0']);
    assert.deepEqual(libssl.layer, {
      index: 0,
      digest: `sha256:${'4'.repeat(64)}`,
      diffId: `sha256:${'1'.repeat(64)}`,
    });
    const login = byName(read, 'login');
    assert.equal(login.version, '1:4.13+dfsg1-1+b1');
    assert.equal(login.epoch, 1);
    assert.equal(login.sourceName, 'shadow');
    assert.equal(login.sourceVersion, '1:4.13+dfsg1-1');
    const express = byName(read, 'express');
    assert.deepEqual(express.locations, ['app/node_modules/express/package.json']);
    assert.equal(express.layer?.index, 1);
    assert.deepEqual(read.target, { reference: 'debian:12', kind: 'image' });
    assert.equal(read.image?.configDigest, `sha256:${'3'.repeat(64)}`);
    assert.equal(read.image?.manifestDigest, `sha256:${'9'.repeat(64)}`);
    assert.deepEqual(read.image?.repoTags, ['debian:12']);
    assert.equal(read.image?.layers.length, 2);
  });

  it("reads Syft's CycloneDX: origin package, locations, Go module paths, the OS component", () => {
    const read = readSbom(fixture('syft-cyclonedx/bom.json'), 'syft.json');
    assert.deepEqual(read.packages.map((pkg) => [pkg.type, pkg.name, pkg.version]), [
      ['apk', 'libcrypto3', '3.3.2-r1'],
      ['golang', 'github.com/spf13/cobra', 'v1.8.0'],
    ]);
    const crypto = byName(read, 'libcrypto3');
    assert.equal(crypto.sourceName, 'openssl');
    assert.deepEqual(crypto.locations, ['lib/apk/db/installed']);
    assert.deepEqual(read.os, { id: 'alpine', versionId: '3.20.3', prettyName: 'Alpine Linux v3.20', source: 'syft.json' });
    assert.deepEqual(read.warnings, []);
  });

  it("reads Syft's SPDX: the described image is the target, not a package", () => {
    const read = readSbom(fixture('syft-spdx/sbom.spdx.json'), 'syft.spdx.json');
    assert.deepEqual(read.packages.map((pkg) => pkg.name), ['busybox', 'ssl_client']);
    assert.deepEqual(read.target, { reference: 'alpine', kind: 'image' });
    assert.deepEqual(byName(read, 'busybox').locations, ['lib/apk/db/installed']);
    assert.deepEqual(byName(read, 'busybox').licenses, ['GPL-2.0-only']);
    // No OS package: the distro qualifier names it.
    assert.deepEqual(read.os, { id: 'alpine', versionId: '3.20.3', source: 'syft.spdx.json' });
  });

  it('maps rpm purls to version and release, and distro qualifiers with dashes in the id', () => {
    const read = readSbom(cycloneDx([
      { type: 'library', name: 'bash', purl: 'pkg:rpm/opensuse/bash@5.2.15-150500.1.1?arch=x86_64&epoch=2&distro=opensuse-leap-15.5' },
    ]), 'x.json');
    const bash = byName(read, 'bash');
    assert.equal(bash.version, '5.2.15');
    assert.equal(bash.release, '150500.1.1');
    assert.equal(bash.epoch, 2);
    assert.deepEqual(read.os, { id: 'opensuse-leap', versionId: '15.5', source: 'x.json' });
  });
});

describe('readSbom on hostile input', () => {
  it('rejects invalid JSON, bad UTF-8, non-objects and unknown formats with clear errors', () => {
    assertError(Buffer.from('{"bomFormat": "CycloneDX", '), 'INPUT', /not valid JSON/);
    assertError(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), 'INPUT', /UTF-8/);
    assertError(json([1, 2]), 'INPUT', /must be a JSON object/);
    assertError(json({ hello: 'world' }), 'UNSUPPORTED', /not a CycloneDX or SPDX/);
    assertError(json({ bomFormat: 'CycloneDX', specVersion: '1.2' }), 'UNSUPPORTED', /specVersion "1.2"/);
    assertError(json({ bomFormat: 'CycloneDX', specVersion: 1.6 }), 'UNSUPPORTED', /specVersion 1.6/);
    assertError(json({ spdxVersion: 'SPDX-3.0' }), 'UNSUPPORTED', /SPDX-3.0/);
    assertError(cycloneDx({ not: 'an array' }), 'INPUT', /components must be an array/);
    assertError(json({ spdxVersion: 'SPDX-2.3', packages: 'x' }), 'INPUT', /packages must be an array/);
  });

  it('enforces the size and count limits', () => {
    assertError(cycloneDx([]), 'LIMIT', /over the limit of 10 bytes/, { maxBytes: 10 });
    const many = Array.from({ length: 11 }, (_, i) => ({ type: 'library', name: `p${i}`, purl: `pkg:npm/p${i}@1.0.0` }));
    assertError(cycloneDx(many), 'LIMIT', /more than 10/, { maxPackages: 10 });
    assertError(json({ spdxVersion: 'SPDX-2.3', packages: many }), 'LIMIT', /more than 10/, { maxPackages: 10 });
  });

  it('skips bad purls and wrongly typed entries with warnings and keeps the rest', () => {
    const read = readSbom(cycloneDx([
      { type: 'library', name: 'ok', purl: 'pkg:npm/ok@1.0.0' },
      { type: 'library', name: 'broken', purl: 'pkg:npm/' },
      { type: 'library', name: 'noversion', purl: 'pkg:npm/noversion' },
      { type: 'library', name: 'badepoch', purl: 'pkg:deb/debian/x@1.0?epoch=abc' },
      'not an object',
      { type: 'library', name: 42, purl: ['pkg:npm/array@1'] },
      { type: 'library', name: 'generic', purl: 'pkg:generic/thing@1.0' },
      { type: 'library', name: 'props', purl: 'pkg:npm/props@2.0.0', properties: 'nope', licenses: [null, { license: 7 }], evidence: { occurrences: 'x' } },
      { type: 'library', name: 'layer', purl: 'pkg:npm/layer@1.0.0', properties: [{ name: 'portcullis:layer:index', value: '-1' }] },
    ]), 'x.json');
    assert.deepEqual(read.packages.map((pkg) => pkg.name), ['ok', 'props', 'layer']);
    const messages = read.warnings.map((w) => `${w.location ?? ''}: ${w.message}`);
    assert.ok(messages.some((m) => /components\[1\].*invalid purl/.test(m)), messages.join('\n'));
    assert.ok(messages.some((m) => /components\[2\].*no version/.test(m)));
    assert.ok(messages.some((m) => /components\[3\].*epoch/.test(m)));
    assert.ok(messages.some((m) => /components\[4\].*not an object/.test(m)));
    assert.ok(messages.some((m) => /1 package of purl type "generic" skipped/.test(m)));
    assert.ok(messages.some((m) => /components\[8\].*portcullis:layer:index/.test(m)));
    assert.equal(byName(read, 'layer').layer, undefined);
  });

  it('skips wrongly typed SPDX packages and references with warnings and keeps the rest', () => {
    const read = readSbom(json({
      spdxVersion: 'SPDX-2.3',
      documentDescribes: 'not an array',
      relationships: [null, { spdxElementId: 7 }],
      packages: [
        42,
        { name: 'noref', externalRefs: 'nope' },
        { name: 'badref', externalRefs: [null, { referenceType: 'purl', referenceLocator: 5 }] },
        { name: 'badpurl', externalRefs: [{ referenceType: 'purl', referenceLocator: 'pkg:/' }] },
        { name: 'ok', sourceInfo: 17, licenseDeclared: ['MIT'], annotations: 'x', externalRefs: [{ referenceType: 'purl', referenceLocator: 'pkg:pypi/ok@1.0' }] },
      ],
    }), 'x.spdx.json');
    assert.deepEqual(read.packages.map((pkg) => [pkg.purl, pkg.locations, pkg.licenses]), [['pkg:pypi/ok@1.0', [], undefined]]);
    assert.deepEqual(read.target, { reference: 'x.spdx.json', kind: 'directory' });
    const messages = read.warnings.map((w) => `${w.location ?? ''}: ${w.message}`);
    assert.ok(messages.some((m) => /packages\[0\].*not an object/.test(m)), messages.join('\n'));
    assert.ok(messages.some((m) => /packages\[3\].*invalid purl/.test(m)));
  });

  it('caps warnings so a document full of bad entries cannot flood the report', () => {
    const bad = Array.from({ length: 5000 }, () => ({ type: 'library', name: 'x', purl: 'pkg:npm/' }));
    const read = readSbom(cycloneDx(bad), 'x.json');
    assert.equal(read.packages.length, 0);
    assert.ok(read.warnings.length <= 101);
    assert.match(read.warnings.at(-1)?.message ?? '', /4900 more warnings/);
  });

  it('treats __proto__ and constructor keys as plain data', () => {
    const text = `{"bomFormat":"CycloneDX","specVersion":"1.6","__proto__":{"polluted":true},"components":[
      {"type":"library","name":"p","purl":"pkg:npm/p@1.0.0","__proto__":{"purl":"pkg:npm/evil@6.6.6"},
       "properties":[{"name":"__proto__","value":"x"},{"name":"constructor","value":"y"},{"name":"portcullis:source:name","value":"src"}]}]}`;
    const read = readSbom(Buffer.from(text), 'x.json');
    assert.deepEqual(read.packages.map((pkg) => [pkg.purl, pkg.sourceName]), [['pkg:npm/p@1.0.0', 'src']]);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });

  it('walks deeply nested components without recursion', () => {
    // Built as text: JSON.stringify itself recurses too deep for this document.
    const depth = 100_000;
    const open = '{"type":"library","name":"n","components":['.repeat(depth);
    const text = `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[${open}{"type":"library","name":"leaf","purl":"pkg:npm/leaf@1.0.0"}${']}'.repeat(depth)}]}`;
    const read = readSbom(Buffer.from(text), 'x.json');
    assert.deepEqual(read.packages.map((pkg) => pkg.name), ['leaf']);
  });

  it('reads 100,000 components in reasonable time', () => {
    const components = Array.from({ length: 100_000 }, (_, i) => ({ type: 'library', name: `p${i}`, version: '1.0.0', purl: `pkg:npm/p${i}@1.0.0` }));
    const started = performance.now();
    const read = readSbom(cycloneDx(components), 'x.json');
    assert.equal(read.packages.length, 100_000);
    assert.ok(performance.now() - started < 20_000, 'reading took too long');
  });
});
