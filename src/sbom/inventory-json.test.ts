import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Inventory } from '../inventory/index.ts';
import { formatInventoryJson } from './inventory-json.ts';
import { emptyInventory, inventorySchemaErrors, largeInventory, loadInventory, makePackage, oddInventory } from './testing.ts';

function formatValid(inventory: Inventory): Inventory {
  const json = formatInventoryJson(inventory);
  assert.deepEqual(inventorySchemaErrors(json), [], 'output must match schemas/inventory.schema.json');
  return JSON.parse(json) as Inventory;
}

describe('formatInventoryJson', () => {
  it('the schema rejects documents that break it', () => {
    const document = JSON.parse(formatInventoryJson(loadInventory('image'))) as Record<string, unknown>;
    assert.notDeepEqual(inventorySchemaErrors(JSON.stringify({ ...document, schemaVersion: 2 })), []);
    assert.notDeepEqual(inventorySchemaErrors(JSON.stringify({ ...document, extra: true })), []);
    assert.notDeepEqual(inventorySchemaErrors(JSON.stringify({ ...document, packages: [{ name: 'x' }] })), []);
    const badDigest = structuredClone(document) as { image: { configDigest: string } };
    badDigest.image.configDigest = 'sha256:short';
    assert.notDeepEqual(inventorySchemaErrors(JSON.stringify(badDigest)), []);
  });

  it('keeps every field of the model and sorts packages without merging them', () => {
    const inventory = loadInventory('image');
    const document = formatValid(inventory);
    assert.deepEqual({ ...document, packages: [] }, { ...inventory, packages: [] });
    assert.equal(document.packages.length, inventory.packages.length);
    assert.deepEqual(
      document.packages.map((p) => `${p.type}/${p.name}`),
      ['deb/libssl3', 'deb/python3-requests', 'maven/slf4j-api', 'npm/lodash', 'npm/lodash', 'npm/core', 'pypi/requests'],
    );
    // Same packages, field for field: only the order changed.
    const identity = (p: Inventory['packages'][number]) => `${p.purl}|${p.locations.join()}|${String(p.dev)}`;
    const byIdentity = (a: Inventory['packages'][number], b: Inventory['packages'][number]) => (identity(a) < identity(b) ? -1 : 1);
    assert.deepEqual([...document.packages].sort(byIdentity), [...inventory.packages].sort(byIdentity));
  });

  it('writes keys in a fixed order whatever order the model had them in', () => {
    const inventory = loadInventory('directory');
    const shuffled = {
      warnings: inventory.warnings,
      packages: inventory.packages.map((p) => Object.fromEntries(Object.entries(p).reverse())),
      target: { kind: inventory.target.kind, reference: inventory.target.reference },
      schemaVersion: 1,
    } as unknown as Inventory;
    const json = formatInventoryJson(shuffled);
    assert.equal(json, formatInventoryJson(inventory));
    assert.deepEqual(Object.keys(JSON.parse(json) as object), ['schemaVersion', 'target', 'packages', 'warnings']);
    assert.deepEqual(Object.keys((JSON.parse(json) as Inventory).packages[0] ?? {}), ['type', 'name', 'version', 'purl', 'licenses', 'extractor', 'locations']);
  });

  it('sorts label and metadata keys and keeps a "__proto__" label as data', () => {
    const inventory = loadInventory('image');
    const labels = JSON.parse('{"z": "1", "__proto__": "evil", "a": "2"}') as Record<string, string>;
    const document = formatValid({ ...inventory, image: { ...inventory.image!, labels } });
    assert.deepEqual(Object.entries(document.image?.labels ?? {}), [['__proto__', 'evil'], ['a', '2'], ['z', '1']]);
  });

  it('drops fields the model does not define', () => {
    const pkg = { ...makePackage({ name: 'a', version: '1' }), secretField: 'x' };
    const document = formatValid({ ...emptyInventory(), packages: [pkg] });
    assert.equal('secretField' in (document.packages[0] ?? {}), false);
  });

  it('writes empty, odd-named and large inventories that match the schema', () => {
    assert.deepEqual(formatValid(emptyInventory()).packages, []);
    const odd = oddInventory();
    assert.deepEqual(formatValid(odd).packages.map((p) => p.name).sort(), odd.packages.map((p) => p.name).sort());
    assert.equal(formatValid(largeInventory(2000)).packages.length, 2000);
  });

  it('is deterministic: same inventory in any package order gives the same bytes', () => {
    const inventory = loadInventory('image');
    const first = formatInventoryJson(inventory);
    assert.equal(formatInventoryJson(inventory), first);
    assert.equal(formatInventoryJson({ ...inventory, packages: [...inventory.packages].reverse() }), first);
  });
});
