import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PortcullisError } from '../core/index.ts';
import type { Inventory } from '../inventory/index.ts';
import { SPDX_NAMESPACE_PREFIX, formatSpdx } from './spdx.ts';
import { PINNED, emptyInventory, largeInventory, loadInventory, makePackage, oddInventory, spdxErrors } from './testing.ts';

interface SpdxPackage {
  name: string;
  SPDXID: string;
  versionInfo?: string;
  downloadLocation: string;
  filesAnalyzed: boolean;
  checksums?: Array<{ algorithm: string; checksumValue: string }>;
  sourceInfo?: string;
  licenseDeclared: string;
  externalRefs?: Array<{ referenceCategory: string; referenceType: string; referenceLocator: string }>;
  primaryPackagePurpose: string;
}
interface SpdxDocument {
  spdxVersion: string;
  dataLicense: string;
  SPDXID: string;
  name: string;
  documentNamespace: string;
  creationInfo: { created: string; creators: string[] };
  packages: SpdxPackage[];
  relationships: Array<{ spdxElementId: string; relationshipType: string; relatedSpdxElement: string }>;
}

function formatValid(inventory: Inventory): SpdxDocument {
  const json = formatSpdx(inventory, PINNED);
  assert.deepEqual(spdxErrors(json), [], 'output must be a valid SPDX 2.3 document');
  return JSON.parse(json) as SpdxDocument;
}

function purlOf(pkg: SpdxPackage | undefined): string | undefined {
  return pkg?.externalRefs?.find((ref) => ref.referenceType === 'purl')?.referenceLocator;
}

describe('formatSpdx', () => {
  it('the validity check rejects broken documents', () => {
    const document = JSON.parse(formatSpdx(loadInventory('image'), PINNED)) as SpdxDocument;
    const broken = (change: (d: SpdxDocument) => void) => {
      const copy = structuredClone(document);
      change(copy);
      return spdxErrors(JSON.stringify(copy));
    };
    assert.notDeepEqual(broken((d) => { (d.packages[1] as SpdxPackage).SPDXID = 'SPDXRef-has space'; }), []);
    assert.notDeepEqual(broken((d) => { (d.packages[2] as SpdxPackage).SPDXID = (d.packages[1] as SpdxPackage).SPDXID; }), []);
    assert.notDeepEqual(broken((d) => { (d.packages[2] as SpdxPackage).licenseDeclared = 'GPL'; }), []);
    assert.notDeepEqual(broken((d) => { d.relationships.push({ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-nowhere' }); }), []);
    assert.notDeepEqual(broken((d) => { d.creationInfo.created = '2026-03-04T05:06:07.890Z'; }), []);
  });

  it('writes the document header: version, data license, namespace and creator', () => {
    const document = formatValid(loadInventory('image'));
    assert.equal(document.spdxVersion, 'SPDX-2.3');
    assert.equal(document.dataLicense, 'CC0-1.0');
    assert.equal(document.SPDXID, 'SPDXRef-DOCUMENT');
    assert.equal(document.name, 'registry.example.test:5000/team/web-app');
    assert.equal(document.documentNamespace, `${SPDX_NAMESPACE_PREFIX}registry.example.test-5000-team-web-app-3e671687-395b-41f5-a30f-a58921a69b79`);
    assert.deepEqual(document.creationInfo, { created: '2026-03-04T05:06:07Z', creators: ['Tool: portcullis-0.1.0-test'] });
  });

  it('describes the image as a CONTAINER package with its manifest digest as version and checksum', () => {
    const document = formatValid(loadInventory('image'));
    const image = document.packages[0];
    assert.equal(image?.primaryPackagePurpose, 'CONTAINER');
    assert.equal(image?.versionInfo, `sha256:${'1'.repeat(64)}`);
    assert.deepEqual(image?.checksums, [{ algorithm: 'SHA256', checksumValue: '1'.repeat(64) }]);
    assert.match(purlOf(image) ?? '', /^pkg:oci\/web-app@/);
    assert.deepEqual(document.relationships[0], { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: image?.SPDXID });
  });

  it('writes one package per purl with purl, version, purpose and no assertions it cannot make', () => {
    const document = formatValid(loadInventory('image'));
    const [, os, ...libraries] = document.packages;
    assert.deepEqual([os?.name, os?.versionInfo, os?.primaryPackagePurpose], ['debian', '12', 'OPERATING_SYSTEM']);
    assert.equal(libraries.length, 6);
    for (const pkg of document.packages) {
      assert.equal(pkg.downloadLocation, 'NOASSERTION');
      assert.equal(pkg.filesAnalyzed, false);
    }
    const ssl = libraries.find((p) => p.name === 'libssl3');
    assert.equal(purlOf(ssl), 'pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=arm64&distro=debian-12');
    assert.equal(ssl?.versionInfo, '3.0.15-1~deb12u1');
    assert.equal(ssl?.primaryPackagePurpose, 'LIBRARY');
    assert.equal(ssl?.sourceInfo, 'found by os/dpkg in var/lib/dpkg/status; layer 0 bbbbbbbbbbbb');
    assert.equal(libraries.find((p) => p.name === '@babel/core')?.SPDXID, 'SPDXRef-Package-npm-babel-core-7.24.0');
    assert.equal(libraries.find((p) => p.name === 'org.slf4j:slf4j-api')?.licenseDeclared, 'MIT OR Apache-2.0');
    assert.match(libraries.find((p) => p.name === 'requests')?.sourceInfo ?? '', /files owned by pkg:deb\/debian\/python3-requests/);
  });

  it('declares a license only when every declaration is valid SPDX', () => {
    const document = formatValid(loadInventory('image'));
    const declared = (name: string) => document.packages.find((p) => p.name === name)?.licenseDeclared;
    assert.equal(declared('libssl3'), 'NOASSERTION'); // "Artistic" and "GPL-1+" are not SPDX ids
    assert.equal(declared('requests'), 'NOASSERTION'); // "Apache 2.0"
    assert.equal(declared('lodash'), 'MIT');
  });

  it('links the image to every package with CONTAINS', () => {
    const document = formatValid(loadInventory('image'));
    const contained = document.relationships.filter((r) => r.relationshipType === 'CONTAINS');
    assert.deepEqual(contained.map((r) => r.relatedSpdxElement), document.packages.slice(1).map((p) => p.SPDXID));
    assert.ok(contained.every((r) => r.spdxElementId === document.packages[0]?.SPDXID));
  });

  it('describes a directory as a FILE package', () => {
    const document = formatValid(loadInventory('directory'));
    assert.equal(document.packages[0]?.SPDXID, 'SPDXRef-Directory');
    assert.equal(document.packages[0]?.primaryPackagePurpose, 'FILE');
    assert.equal(document.packages[0]?.versionInfo, undefined);
    assert.equal(document.packages.length, 4);
  });

  it('writes a valid document for an empty inventory', () => {
    for (const kind of ['image', 'directory'] as const) {
      const document = formatValid(emptyInventory(kind));
      assert.equal(document.packages[0]?.primaryPackagePurpose, kind === 'image' ? 'CONTAINER' : 'FILE');
      assert.equal(document.packages.length, 1);
      assert.equal(document.relationships.length, 1);
    }
  });

  it('sanitises odd names into unique SPDXIDs while keeping the names themselves', () => {
    const inventory = oddInventory();
    const document = formatValid(inventory);
    const libraries = document.packages.filter((p) => p.primaryPackagePurpose === 'LIBRARY');
    assert.deepEqual(libraries.map((p) => p.name).sort(), inventory.packages.map((p) => p.name).sort());
    assert.ok(libraries.some((p) => p.SPDXID === 'SPDXRef-Package-npm-unicode-3.0'));
  });

  it('gives distinct ids to packages whose names sanitise alike', () => {
    const inventory: Inventory = { ...emptyInventory(), packages: ['a b', 'a/b', 'a@b'].map((name) => makePackage({ name, version: '1' })) };
    const ids = formatValid(inventory).packages.slice(1).map((p) => p.SPDXID);
    assert.deepEqual(ids, ['SPDXRef-Package-npm-a-b-1', 'SPDXRef-Package-npm-a-b-1-2', 'SPDXRef-Package-npm-a-b-1-3']);
  });

  it('handles 2,000 packages', () => {
    const document = formatValid(largeInventory(2000));
    assert.equal(document.packages.length, 2002);
    assert.equal(document.relationships.length, 2002);
  });

  it('merges packages with the same purl', () => {
    const twice = makePackage({ name: 'dup', version: '1.0.0' });
    const document = formatValid({ ...emptyInventory(), packages: [twice, { ...twice, locations: ['other'] }] });
    assert.equal(document.packages.length, 2);
    assert.equal(document.packages[1]?.sourceInfo, 'found by lang/npm in other, package-lock.json');
  });

  it('is deterministic: same inventory (in any package order) gives the same bytes', () => {
    const inventory = loadInventory('image');
    const first = formatSpdx(inventory, PINNED);
    assert.equal(formatSpdx(inventory, PINNED), first);
    assert.equal(formatSpdx({ ...inventory, packages: [...inventory.packages].reverse() }, PINNED), first);
  });

  it('writes a fresh namespace for every unpinned document', () => {
    const a = JSON.parse(formatSpdx(emptyInventory(), { toolVersion: '1' })) as SpdxDocument;
    const b = JSON.parse(formatSpdx(emptyInventory(), { toolVersion: '1' })) as SpdxDocument;
    assert.notEqual(a.documentNamespace, b.documentNamespace);
    assert.ok(a.documentNamespace.startsWith(SPDX_NAMESPACE_PREFIX));
  });

  it('rejects a malformed serial number with a USAGE error', () => {
    assert.throws(
      () => formatSpdx(emptyInventory(), { ...PINNED, serialNumber: 'urn:uuid:#nope' }),
      (error: unknown) => error instanceof PortcullisError && error.code === 'USAGE',
    );
  });
});
