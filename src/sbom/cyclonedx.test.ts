import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PortcullisError } from '../core/index.ts';
import type { Inventory } from '../inventory/index.ts';
import { CYCLONEDX_PROPERTY, formatCycloneDx } from './cyclonedx.ts';
import { PINNED, cycloneDxSchemaErrors, emptyInventory, largeInventory, loadInventory, makePackage, oddInventory } from './testing.ts';

interface Component {
  type: string;
  name: string;
  group?: string;
  version?: string;
  'bom-ref'?: string;
  purl?: string;
  licenses?: Array<{ license?: { id?: string; name?: string }; expression?: string }>;
  properties?: Array<{ name: string; value: string }>;
  evidence?: { occurrences?: Array<{ location: string }> };
}
interface Bom {
  specVersion: string;
  serialNumber: string;
  metadata: { timestamp: string; tools: { components: Component[] }; component: Component; properties?: Array<{ name: string; value: string }> };
  components: Component[];
  dependencies: Array<{ ref: string; dependsOn?: string[] }>;
}

async function formatValid(inventory: Inventory): Promise<Bom> {
  const json = formatCycloneDx(inventory, PINNED);
  assert.equal(await cycloneDxSchemaErrors(json), null, 'output must validate against the CycloneDX 1.6 schema');
  return JSON.parse(json) as Bom;
}

function property(component: Component | undefined, name: string): string[] {
  return (component?.properties ?? []).filter((p) => p.name === name).map((p) => p.value);
}

function byName(bom: Bom, name: string): Component {
  const found = bom.components.find((c) => c.name === name);
  assert.ok(found, `component ${name} missing`);
  return found;
}

describe('formatCycloneDx', () => {
  it('the schema check rejects a document that breaks the 1.6 schema', async () => {
    const bom = JSON.parse(formatCycloneDx(loadInventory('image'), PINNED)) as Bom;
    (bom.components[0] as { type: string }).type = 'not-a-type';
    assert.notEqual(await cycloneDxSchemaErrors(JSON.stringify(bom)), null);
  });

  it('describes an image as a container component named by its reference, versioned by its manifest digest', async () => {
    const bom = await formatValid(loadInventory('image'));
    assert.equal(bom.specVersion, '1.6');
    assert.equal(bom.serialNumber, PINNED.serialNumber);
    assert.equal(bom.metadata.timestamp, '2026-03-04T05:06:07.890Z');
    assert.deepEqual(bom.metadata.tools.components.map((t) => [t.type, t.name, t.version]), [['application', 'portcullis', '0.1.0-test']]);
    const target = bom.metadata.component;
    assert.equal(target.type, 'container');
    assert.equal(target.name, 'registry.example.test:5000/team/web-app');
    assert.equal(target.version, 'sha256:1111111111111111111111111111111111111111111111111111111111111111');
    assert.match(target['bom-ref'] ?? '', /^pkg:oci\/web-app@sha256:1{64}\?repository_url=registry.example.test%3A5000%2Fteam%2Fweb-app&tag=1.4.2$/);
    assert.deepEqual(property(target, CYCLONEDX_PROPERTY.imagePlatform), ['linux/arm64/v8']);
    assert.deepEqual(property(target, CYCLONEDX_PROPERTY.imageConfigDigest), [`sha256:${'2'.repeat(64)}`]);
    assert.deepEqual(bom.metadata.properties?.map((p) => p.value), ['app/broken/package.json: invalid JSON: Unexpected end of JSON input']);
  });

  it('lists the OS as an operating-system component and every package as a library keyed by purl', async () => {
    const bom = await formatValid(loadInventory('image'));
    const os = bom.components.filter((c) => c.type === 'operating-system');
    assert.deepEqual(os.map((c) => [c.name, c.version]), [['debian', '12']]);
    const libraries = bom.components.filter((c) => c.type === 'library');
    // Seven packages, two of them the same lodash: six components.
    assert.equal(libraries.length, 6);
    for (const library of libraries) assert.equal(library['bom-ref'], library.purl);
    const refs = bom.components.map((c) => c['bom-ref']);
    assert.equal(new Set(refs).size, refs.length);
    const babel = byName(bom, 'core');
    assert.equal(babel.group, '@babel');
    assert.equal(babel.purl, 'pkg:npm/%40babel/core@7.24.0');
  });

  it('records layer, extractor and ownership in portcullis: properties and locations as occurrences', async () => {
    const bom = await formatValid(loadInventory('image'));
    const ssl = byName(bom, 'libssl3');
    assert.deepEqual(property(ssl, CYCLONEDX_PROPERTY.layerIndex), ['0']);
    assert.deepEqual(property(ssl, CYCLONEDX_PROPERTY.layerDigest), [`sha256:${'a'.repeat(64)}`]);
    assert.deepEqual(property(ssl, CYCLONEDX_PROPERTY.layerDiffId), [`sha256:${'b'.repeat(64)}`]);
    assert.deepEqual(property(ssl, CYCLONEDX_PROPERTY.layerCreatedBy), ['/bin/sh -c #(nop) ADD file:debian-rootfs in /']);
    assert.deepEqual(property(ssl, CYCLONEDX_PROPERTY.sourceName), ['openssl']);
    assert.deepEqual(property(ssl, CYCLONEDX_PROPERTY.extractor), ['os/dpkg']);
    assert.deepEqual(ssl.evidence?.occurrences, [{ location: 'var/lib/dpkg/status' }]);
    const requests = bom.components.find((c) => c.purl === 'pkg:pypi/requests@2.28.1');
    assert.deepEqual(property(requests, CYCLONEDX_PROPERTY.ownedBy), ['pkg:deb/debian/python3-requests@2.28.1%2Bdfsg-1?arch=all&distro=debian-12']);
    const lodash = byName(bom, 'lodash');
    assert.deepEqual(lodash.evidence?.occurrences?.map((o) => o.location), ['app/node_modules/lodash/package.json', 'app/package-lock.json']);
  });

  it('writes SPDX ids, names and expressions as CycloneDX license choices', async () => {
    const bom = await formatValid(loadInventory('image'));
    const ssl = byName(bom, 'libssl3').licenses ?? [];
    assert.deepEqual(ssl.map((l) => l.license?.id ?? `name:${l.license?.name}`), ['Apache-2.0', 'name:Artistic', 'name:GPL-1+']);
    assert.deepEqual(byName(bom, 'slf4j-api').licenses, [{ expression: 'MIT OR Apache-2.0', acknowledgement: 'declared' }]);
    assert.equal(byName(bom, 'requests').licenses?.[0]?.license?.name, 'Apache 2.0');
  });

  it('makes the target depend on every component', async () => {
    const bom = await formatValid(loadInventory('image'));
    const root = bom.dependencies.find((d) => d.ref === bom.metadata.component['bom-ref']);
    assert.deepEqual(new Set(root?.dependsOn), new Set(bom.components.map((c) => c['bom-ref'])));
  });

  it('describes a directory as a file component without version', async () => {
    const bom = await formatValid(loadInventory('directory'));
    assert.equal(bom.metadata.component.type, 'file');
    assert.equal(bom.metadata.component.name, './services/api');
    assert.equal(bom.metadata.component.version, undefined);
    assert.equal(bom.components.length, 3);
    assert.deepEqual(property(byName(bom, 'api'), CYCLONEDX_PROPERTY.root), ['true']);
  });

  it('writes a valid document for an empty inventory', async () => {
    for (const kind of ['image', 'directory'] as const) {
      const bom = await formatValid(emptyInventory(kind));
      assert.equal(bom.metadata.component.type, kind === 'image' ? 'container' : 'file');
      assert.deepEqual(bom.components, []);
      assert.deepEqual(bom.dependencies, [{ ref: 'portcullis:target' }]);
    }
  });

  it('keeps odd names (spaces, unicode, @, /, control characters, empty) exactly and valid', async () => {
    const inventory = oddInventory();
    const bom = await formatValid(inventory);
    assert.deepEqual(bom.components.filter((c) => c.type === 'library').map((c) => c.name).sort(), inventory.packages.map((p) => p.name).sort());
  });

  it('handles 2,000 packages', async () => {
    const bom = await formatValid(largeInventory(2000));
    assert.equal(bom.components.filter((c) => c.type === 'library').length, 2000);
    assert.equal(bom.dependencies[0]?.dependsOn?.length, 2001);
  });

  it('merges packages with the same purl into one component', async () => {
    const twice = makePackage({ name: 'dup', version: '1.0.0', locations: ['a/package.json'] });
    const inventory: Inventory = { ...emptyInventory(), packages: [twice, { ...twice, locations: ['b/package.json'] }, twice] };
    const bom = await formatValid(inventory);
    assert.equal(bom.components.length, 1);
    assert.deepEqual(bom.components[0]?.evidence?.occurrences?.map((o) => o.location), ['a/package.json', 'b/package.json']);
  });

  it('is deterministic: same inventory (in any package order) gives the same bytes', () => {
    const inventory = loadInventory('image');
    const first = formatCycloneDx(inventory, PINNED);
    assert.equal(formatCycloneDx(inventory, PINNED), first);
    assert.equal(formatCycloneDx({ ...inventory, packages: [...inventory.packages].reverse() }, PINNED), first);
  });

  it('draws a fresh serial number and the current time when none is pinned', () => {
    const before = Date.now();
    const a = JSON.parse(formatCycloneDx(emptyInventory(), { toolVersion: '1' })) as Bom;
    const b = JSON.parse(formatCycloneDx(emptyInventory(), { toolVersion: '1' })) as Bom;
    assert.match(a.serialNumber, /^urn:uuid:[0-9a-f-]{36}$/);
    assert.notEqual(a.serialNumber, b.serialNumber);
    assert.ok(Date.parse(a.metadata.timestamp) >= before - 1000);
  });

  it('rejects options it cannot write with a USAGE error', () => {
    const usage = (error: unknown) => error instanceof PortcullisError && error.code === 'USAGE';
    assert.throws(() => formatCycloneDx(emptyInventory(), { ...PINNED, serialNumber: 'not-a-uuid' }), usage);
    assert.throws(() => formatCycloneDx(emptyInventory(), { ...PINNED, timestamp: new Date('garbage') }), usage);
    assert.throws(() => formatCycloneDx(emptyInventory(), { ...PINNED, toolVersion: ' ' }), usage);
    assert.throws(() => formatCycloneDx(emptyInventory(), { ...PINNED, timestamp: new Date(Date.UTC(10_000, 0, 1)) }), usage);
  });
});
