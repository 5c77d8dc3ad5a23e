/**
 * CycloneDX 1.4-1.6 JSON (from Portcullis, Trivy, Syft, cdxgen, ...) into an Inventory. Components
 * may nest (`components` inside a component); they are walked with an explicit stack so a deeply
 * nested hostile document cannot overflow the call stack.
 */
import { PortcullisError, inputError, isDigest } from '../../core/index.ts';
import type { ImageSummary, Inventory, LayerRef, OSInfo } from '../../inventory/index.ts';
import { CYCLONEDX_PROPERTY } from '../cyclonedx.ts';
import { InventoryBuilder } from './builder.ts';
import { type JsonObject, arrayField, isJsonObject, objectField, objectsField, stringField } from './fields.ts';
import { type PropertyBag, TRIVY, addProperty, all, first } from './properties.ts';

const SPEC_VERSIONS: ReadonlySet<string> = new Set(['1.4', '1.5', '1.6']);

export function readCycloneDxDocument(document: JsonObject, source: string, maxPackages: number): Inventory {
  const specVersion = stringField(document, 'specVersion');
  if (specVersion === undefined || !SPEC_VERSIONS.has(specVersion)) {
    throw new PortcullisError('UNSUPPORTED', `${source}: CycloneDX specVersion ${JSON.stringify(document['specVersion'])} is not supported (1.4, 1.5 or 1.6)`);
  }
  const components = document['components'];
  if (components !== undefined && !Array.isArray(components)) throw inputError(`${source}: invalid CycloneDX document: components must be an array`);
  const metadata = document['metadata'];
  if (metadata !== undefined && !isJsonObject(metadata)) throw inputError(`${source}: invalid CycloneDX document: metadata must be an object`);

  const builder = new InventoryBuilder(source, 'sbom/cyclonedx', maxPackages);
  const subject = metadata === undefined ? undefined : objectField(metadata, 'component');
  const subjectProperties = subject === undefined ? new Map() : propertyBag(subject);
  const diffIds = all(subjectProperties, TRIVY.diffId);
  builder.layerIndexOf = (diffId) => {
    const index = diffIds.indexOf(diffId);
    return index === -1 ? undefined : index;
  };

  walkComponents(components ?? [], builder);
  const inventory = builder.build(targetOf(subject, source));
  if (subject !== undefined && inventory.target.kind === 'image') {
    const image = imageSummary(subject, subjectProperties, inventory);
    if (image !== undefined) inventory.image = image;
  }
  return inventory;
}

function walkComponents(top: unknown[], builder: InventoryBuilder): void {
  const stack: Array<{ value: unknown; path: string }> = top.map((value, index) => ({ value, path: `components[${index}]` })).reverse();
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    builder.countEntry();
    const { value, path } = entry;
    if (!isJsonObject(value)) {
      builder.warn(path, 'component is not an object; skipped');
      continue;
    }
    const nested = arrayField(value, 'components');
    for (let index = nested.length - 1; index >= 0; index--) stack.push({ value: nested[index], path: `${path}.components[${index}]` });
    readComponent(value, path, builder);
  }
}

function readComponent(component: JsonObject, path: string, builder: InventoryBuilder): void {
  const properties = propertyBag(component);
  if (stringField(component, 'type') === 'operating-system') {
    const os = osOf(component, properties, builder);
    if (os !== undefined) builder.declareOs(os);
    return;
  }
  const purl = stringField(component, 'purl');
  // Files, the image itself and other purl-less components name nothing a matcher could look up.
  if (purl === undefined || purl === '') return;
  builder.addComponent({
    path,
    purl,
    version: stringField(component, 'version'),
    licenses: licensesOf(component),
    locations: objectsField(objectField(component, 'evidence') ?? {}, 'occurrences')
      .map((occurrence) => stringField(occurrence, 'location'))
      .filter((location): location is string => location !== undefined),
    properties,
  });
}

function osOf(component: JsonObject, properties: PropertyBag, builder: InventoryBuilder): OSInfo | undefined {
  const id = stringField(component, 'name')?.trim().toLowerCase();
  if (id === undefined || id === '') return undefined;
  const os: OSInfo = { id, source: first(properties, CYCLONEDX_PROPERTY.osSource) ?? builder.source };
  const version = stringField(component, 'version');
  if (version !== undefined && version !== '') os.versionId = version;
  const codename = first(properties, CYCLONEDX_PROPERTY.osCodename);
  if (codename !== undefined) os.codename = codename;
  const description = stringField(component, 'description');
  if (description !== undefined && description !== '') os.prettyName = description;
  return os;
}

/** License ids, names and expressions, in document order. */
function licensesOf(component: JsonObject): string[] {
  const licenses: string[] = [];
  for (const choice of objectsField(component, 'licenses')) {
    const license = objectField(choice, 'license');
    const text = license === undefined ? stringField(choice, 'expression') : (stringField(license, 'id') ?? stringField(license, 'name'));
    if (text !== undefined && text !== '') licenses.push(text);
  }
  return licenses;
}

export function propertyBag(component: JsonObject): PropertyBag {
  const bag: PropertyBag = new Map();
  for (const property of objectsField(component, 'properties')) {
    const name = stringField(property, 'name');
    const value = stringField(property, 'value');
    if (name !== undefined && value !== undefined) addProperty(bag, name, value);
  }
  return bag;
}

function targetOf(subject: JsonObject | undefined, source: string): Inventory['target'] {
  const name = subject === undefined ? undefined : stringField(subject, 'name');
  const kind = subject !== undefined && stringField(subject, 'type') === 'container' ? 'image' : 'directory';
  return { reference: name === undefined || name === '' ? source : name, kind };
}

/**
 * The image facts the subject carries: Portcullis's `portcullis:image:` properties or Trivy's.
 * Without a config digest there is no image summary (it is the one field every image has).
 */
function imageSummary(subject: JsonObject, properties: PropertyBag, inventory: Inventory): ImageSummary | undefined {
  const configDigest = first(properties, CYCLONEDX_PROPERTY.imageConfigDigest) ?? first(properties, TRIVY.imageId);
  if (configDigest === undefined || !isDigest(configDigest)) return undefined;
  const [os = '', architecture = '', variant] = (first(properties, CYCLONEDX_PROPERTY.imagePlatform) ?? '').split('/');
  const image: ImageSummary = {
    configDigest,
    mediaType: first(properties, CYCLONEDX_PROPERTY.imageMediaType) ?? '',
    platform: variant === undefined ? { os, architecture } : { os, architecture, variant },
    repoTags: [...all(properties, CYCLONEDX_PROPERTY.imageRepoTag), ...all(properties, TRIVY.repoTag)],
    layers: layersOf(properties, inventory),
    labels: {},
  };
  const version = stringField(subject, 'version');
  const repoDigest = first(properties, TRIVY.repoDigest)?.split('@')[1];
  const manifestDigest = version !== undefined && isDigest(version) ? version : repoDigest;
  if (manifestDigest !== undefined && isDigest(manifestDigest)) image.manifestDigest = manifestDigest;
  return image;
}

/** Trivy lists the image's diffIds in order; otherwise the layers the packages name are all we know. */
function layersOf(properties: PropertyBag, inventory: Inventory): LayerRef[] {
  const diffIds = all(properties, TRIVY.diffId);
  if (diffIds.length > 0) return diffIds.map((diffId, index) => ({ index, diffId }));
  const byIndex = new Map<number, LayerRef>();
  for (const pkg of inventory.packages) if (pkg.layer !== undefined && !byIndex.has(pkg.layer.index)) byIndex.set(pkg.layer.index, pkg.layer);
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}
