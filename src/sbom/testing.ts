/**
 * Test helpers of the sbom module: fixture inventories (hand-made files and generated odd or large
 * ones) and validators for each output format. For tests only; production code never imports it.
 */
import { readFileSync } from 'node:fs';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Inventory, Package, PackageType } from '../inventory/index.ts';
import { isSpdxExpression } from './licenses.ts';
import type { SbomOptions } from './target.ts';

// ajv-formats is CommonJS with a default export that Node's ESM loader wraps once more.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** Options that make SBOM output byte-reproducible. */
export const PINNED: SbomOptions = {
  toolVersion: '0.1.0-test',
  timestamp: new Date('2026-03-04T05:06:07.890Z'),
  serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
};

/** A hand-made inventory from testdata/<scenario>/inventory.json. */
export function loadInventory(scenario: string): Inventory {
  return JSON.parse(readFileSync(new URL(`testdata/${scenario}/inventory.json`, import.meta.url), 'utf8')) as Inventory;
}

export function emptyInventory(kind: 'image' | 'directory' = 'directory'): Inventory {
  return { schemaVersion: 1, target: { reference: kind === 'image' ? 'alpine:3.20' : '/srv/empty', kind }, packages: [], warnings: [] };
}

/** Percent-encoded purl part; a lone surrogate (which encodeURIComponent rejects) becomes U+FFFD first. */
function purlPart(text: string): string {
  return encodeURIComponent(text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
}

export function makePackage(fields: Partial<Package> & Pick<Package, 'name' | 'version'>): Package {
  const type: PackageType = fields.type ?? 'npm';
  return {
    type,
    purl: `pkg:${type}/${purlPart(fields.name)}@${purlPart(fields.version)}`,
    extractor: `lang/${type}`,
    locations: ['package-lock.json'],
    ...fields,
  };
}

/** `count` distinct packages over several types, generated in reverse order so sorting has work to do. */
export function largeInventory(count: number): Inventory {
  const types: PackageType[] = ['deb', 'npm', 'pypi', 'golang', 'maven'];
  const packages: Package[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const type = types[i % types.length] as PackageType;
    packages.push(makePackage({
      type,
      name: `pkg-${String(i).padStart(5, '0')}`,
      version: `1.${i}.0`,
      licenses: i % 3 === 0 ? ['MIT'] : i % 3 === 1 ? ['GPL-2.0-only OR MIT'] : ['Some Custom License'],
      layer: { index: i % 4, diffId: `sha256:${String(i % 4).repeat(64)}` },
    }));
  }
  return { ...loadInventory('image'), packages };
}

/**
 * Names no format may choke on: spaces, '@', '/', unicode, control characters, an empty one, and
 * what bad UTF-8 becomes once decoded (U+FFFD) or a lone surrogate from a broken UTF-16 source.
 */
export const ODD_NAMES = [
  'name with spaces',
  '@scope/inner@weird',
  'a/b/c',
  'ünïcödé-名前-🚀',
  'tab\tand\nnewline\u001b[31mred',
  '',
  '....',
  'x'.repeat(1000),
  'bad-\ufffd-utf8',
  'lone-\ud800-surrogate',
] as const;

export function oddInventory(): Inventory {
  const packages = ODD_NAMES.map((name, i) => makePackage({
    name,
    version: i % 2 === 0 ? `${i}.0 beta/ü` : `${i}.0`,
    licenses: ['MIT', 'not a license (c) ü'],
    locations: [`dir with space/${name.slice(0, 40)}/package.json`],
  }));
  return { ...loadInventory('image'), packages };
}

/** One validator for the whole run: it compiles the schema on first use and keeps it. */
const cycloneDxValidator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);

/** Errors of a CycloneDX document against the official 1.6 JSON schema (strict variant), or null. */
export async function cycloneDxSchemaErrors(json: string): Promise<unknown> {
  return cycloneDxValidator.validate(json);
}

const spdxValidator = (() => {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  const schema: unknown = JSON.parse(readFileSync(new URL('testdata/spdx-2.3/document.schema.json', import.meta.url), 'utf8'));
  return ajv.compile(schema as object);
})();

interface SpdxDocumentShape {
  packages?: Array<{ SPDXID: string; licenseDeclared?: string }>;
  relationships?: Array<{ spdxElementId: string; relatedSpdxElement: string }>;
}

/**
 * Problems of an SPDX 2.3 document: the schema's (testdata/spdx-2.3) plus the rules a JSON schema
 * cannot state: unique SPDXIDs, relationships between existing elements, declared licenses valid.
 */
export function spdxErrors(json: string): string[] {
  const document: unknown = JSON.parse(json);
  if (!spdxValidator(document)) return (spdxValidator.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
  const { packages = [], relationships = [] } = document as SpdxDocumentShape;
  const errors: string[] = [];
  const ids = new Set(['SPDXRef-DOCUMENT']);
  for (const pkg of packages) {
    if (ids.has(pkg.SPDXID)) errors.push(`duplicate SPDXID ${pkg.SPDXID}`);
    ids.add(pkg.SPDXID);
    const license = pkg.licenseDeclared;
    if (license !== undefined && license !== 'NOASSERTION' && license !== 'NONE' && !isSpdxExpression(license)) {
      errors.push(`${pkg.SPDXID}: licenseDeclared ${JSON.stringify(license)} is not an SPDX expression`);
    }
  }
  for (const relationship of relationships) {
    for (const id of [relationship.spdxElementId, relationship.relatedSpdxElement]) {
      if (!ids.has(id)) errors.push(`relationship refers to unknown element ${id}`);
    }
  }
  return errors;
}

const inventoryValidator = (() => {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  const schema: unknown = JSON.parse(readFileSync(new URL('../../schemas/inventory.schema.json', import.meta.url), 'utf8'));
  return ajv.compile(schema as object);
})();

/** Errors of an inventory JSON document against schemas/inventory.schema.json. */
export function inventorySchemaErrors(json: string): string[] {
  return inventoryValidator(JSON.parse(json)) ? [] : (inventoryValidator.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}
