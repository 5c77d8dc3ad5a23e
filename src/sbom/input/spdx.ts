/**
 * SPDX 2.2 / 2.3 JSON (from Portcullis, Trivy, Syft, ...) into an Inventory. The described root
 * package is the target; every other package with a purl external reference is a package. SPDX 2.x
 * has no property bag, so producers' extra facts arrive as text: Portcullis's and Syft's
 * `sourceInfo`, Trivy's `sourceInfo` and annotations. They are read into the same property names
 * the CycloneDX reader uses, so one set of rules (properties.ts) applies to both.
 */
import { PortcullisError, inputError } from '../../core/index.ts';
import type { Inventory, OSInfo } from '../../inventory/index.ts';
import { CYCLONEDX_PROPERTY } from '../cyclonedx.ts';
import { InventoryBuilder } from './builder.ts';
import { type JsonObject, isJsonObject, objectsField, stringField } from './fields.ts';
import { type PropertyBag, TRIVY, addProperty } from './properties.ts';

const SPDX_VERSIONS: ReadonlySet<string> = new Set(['SPDX-2.2', 'SPDX-2.3']);
const NO_VALUE: ReadonlySet<string> = new Set(['NOASSERTION', 'NONE', '']);

/** Portcullis's own sourceInfo (src/sbom/spdx.ts): "found by X in a, b; layer N <hex>; files owned by <purl>". */
const PORTCULLIS_SOURCE_INFO = /^found by (\S+) in (.*?)(?:; layer (\d{1,6})(?: [0-9a-f]{1,12})?)?(?:; files owned by (\S+))?$/s;
/** Trivy: "built package from: openssl 3.0.15-1~deb12u1". */
const TRIVY_SOURCE_INFO = /^built package from: (\S+) (\S+)$/;
/** Syft: "acquired package info from DPKG DB: /var/lib/dpkg/status, /other". */
const SYFT_SOURCE_INFO = /^acquired package info from [^:]*: (.+)$/s;
/** Trivy annotations: "SrcName: openssl". */
const ANNOTATION = /^([A-Za-z]+): (.*)$/s;

export function readSpdxDocument(document: JsonObject, source: string, maxPackages: number): Inventory {
  const version = stringField(document, 'spdxVersion');
  if (version === undefined || !SPDX_VERSIONS.has(version)) {
    throw new PortcullisError('UNSUPPORTED', `${source}: SPDX version ${JSON.stringify(document['spdxVersion'])} is not supported (SPDX-2.2 or SPDX-2.3)`);
  }
  const packages = document['packages'];
  if (packages !== undefined && !Array.isArray(packages)) throw inputError(`${source}: invalid SPDX document: packages must be an array`);

  const builder = new InventoryBuilder(source, 'sbom/spdx', maxPackages);
  const rootIds = describedIds(document);
  let root: JsonObject | undefined;
  (packages ?? []).forEach((value: unknown, index: number) => {
    builder.countEntry();
    const path = `packages[${index}]`;
    if (!isJsonObject(value)) {
      builder.warn(path, 'package is not an object; skipped');
      return;
    }
    const id = stringField(value, 'SPDXID');
    if (root === undefined && id !== undefined && rootIds.has(id)) {
      root = value;
      return;
    }
    readPackage(value, path, builder);
  });
  return builder.build(targetOf(root, document, source));
}

/** SPDXIDs the document DESCRIBES (2.2's documentDescribes or a DESCRIBES relationship). */
function describedIds(document: JsonObject): Set<string> {
  const ids = new Set<string>();
  const describes = document['documentDescribes'];
  if (Array.isArray(describes)) for (const id of describes) if (typeof id === 'string') ids.add(id);
  for (const relationship of objectsField(document, 'relationships')) {
    const related = stringField(relationship, 'relatedSpdxElement');
    if (stringField(relationship, 'spdxElementId') === 'SPDXRef-DOCUMENT' && stringField(relationship, 'relationshipType') === 'DESCRIBES' && related !== undefined) {
      ids.add(related);
    }
  }
  return ids;
}

function readPackage(pkg: JsonObject, path: string, builder: InventoryBuilder): void {
  const purpose = stringField(pkg, 'primaryPackagePurpose');
  if (purpose === 'OPERATING_SYSTEM' || purpose === 'OPERATING-SYSTEM') {
    const os = osOf(pkg, builder.source);
    if (os !== undefined) builder.declareOs(os);
    return;
  }
  const purl = purlOf(pkg);
  if (purl === undefined) return;
  const properties: PropertyBag = new Map();
  const locations = readSourceInfo(stringField(pkg, 'sourceInfo') ?? '', properties);
  readTrivyAnnotations(pkg, properties);
  const license = [stringField(pkg, 'licenseDeclared'), stringField(pkg, 'licenseConcluded')].find((text) => text !== undefined && !NO_VALUE.has(text));
  builder.addComponent({
    path,
    purl,
    version: stringField(pkg, 'versionInfo'),
    licenses: license === undefined ? [] : [license],
    locations,
    properties,
  });
}

function purlOf(pkg: JsonObject): string | undefined {
  for (const ref of objectsField(pkg, 'externalRefs')) {
    const locator = stringField(ref, 'referenceLocator');
    if (stringField(ref, 'referenceType') === 'purl' && locator !== undefined && locator !== '') return locator;
  }
  return undefined;
}

function osOf(pkg: JsonObject, source: string): OSInfo | undefined {
  const id = stringField(pkg, 'name')?.trim().toLowerCase();
  if (id === undefined || id === '') return undefined;
  const os: OSInfo = { id, source };
  const version = stringField(pkg, 'versionInfo');
  if (version !== undefined && version !== '') os.versionId = version;
  const description = stringField(pkg, 'description');
  if (description !== undefined && description !== '') os.prettyName = description;
  return os;
}

/** Reads the producers' sourceInfo sentences into properties; returns the file paths they name. */
function readSourceInfo(text: string, properties: PropertyBag): string[] {
  const ours = PORTCULLIS_SOURCE_INFO.exec(text);
  if (ours !== null) {
    const [, extractor, locations, layer, ownedBy] = ours;
    addProperty(properties, CYCLONEDX_PROPERTY.extractor, extractor as string);
    if (layer !== undefined) addProperty(properties, CYCLONEDX_PROPERTY.layerIndex, layer);
    if (ownedBy !== undefined) addProperty(properties, CYCLONEDX_PROPERTY.ownedBy, ownedBy);
    // Paths are joined with ", " by the writer: one containing ", " itself reads as two.
    return (locations as string).split(', ');
  }
  const trivy = TRIVY_SOURCE_INFO.exec(text);
  if (trivy !== null) {
    addProperty(properties, TRIVY.srcName, trivy[1] as string);
    addProperty(properties, TRIVY.srcVersion, trivy[2] as string);
    return [];
  }
  const syft = SYFT_SOURCE_INFO.exec(text);
  return syft === null ? [] : (syft[1] as string).split(', ');
}

function readTrivyAnnotations(pkg: JsonObject, properties: PropertyBag): void {
  for (const annotation of objectsField(pkg, 'annotations')) {
    if (!stringField(annotation, 'annotator')?.startsWith('Tool: trivy')) continue;
    const match = ANNOTATION.exec(stringField(annotation, 'comment') ?? '');
    if (match !== null) addProperty(properties, `aquasecurity:trivy:${match[1] as string}`, match[2] as string);
  }
}

function targetOf(root: JsonObject | undefined, document: JsonObject, source: string): Inventory['target'] {
  const name = (root === undefined ? undefined : stringField(root, 'name')) ?? stringField(document, 'name');
  const rootPurl = root === undefined ? undefined : purlOf(root);
  const container = root !== undefined && (stringField(root, 'primaryPackagePurpose') === 'CONTAINER' || rootPurl?.startsWith('pkg:oci/') === true);
  return { reference: name === undefined || name === '' ? source : name, kind: container ? 'image' : 'directory' };
}
