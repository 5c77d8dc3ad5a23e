/**
 * Portcullis's own inventory JSON: the Inventory model as it is, with every key in a fixed order,
 * packages sorted and nothing merged (duplicates stay: this is the raw record, not an SBOM). The
 * shape is schemas/inventory.schema.json; docs/formats/inventory-json.md explains each field.
 * Unknown fields are not copied, so the output always matches the schema.
 */
import type { ImageSummary, Inventory, LayerRef, OSInfo, Package, Warning } from '../inventory/index.ts';
import { compareText, sortPackages } from './order.ts';

export function formatInventoryJson(inventory: Inventory): string {
  const document = {
    schemaVersion: inventory.schemaVersion,
    target: { reference: inventory.target.reference, kind: inventory.target.kind },
    image: inventory.image === undefined ? undefined : imageJson(inventory.image),
    os: inventory.os === undefined ? undefined : osJson(inventory.os),
    packages: sortPackages(inventory.packages).map(packageJson),
    warnings: inventory.warnings.map(warningJson),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

function imageJson(image: ImageSummary): object {
  return {
    manifestDigest: image.manifestDigest,
    configDigest: image.configDigest,
    mediaType: image.mediaType,
    platform: { os: image.platform.os, architecture: image.platform.architecture, variant: image.platform.variant },
    repoTags: [...image.repoTags],
    layers: image.layers.map(layerJson),
    created: image.created,
    labels: sortedRecord(image.labels),
  };
}

function layerJson(layer: LayerRef): object {
  return { index: layer.index, digest: layer.digest, diffId: layer.diffId, createdBy: layer.createdBy };
}

function osJson(os: OSInfo): object {
  return { id: os.id, versionId: os.versionId, codename: os.codename, prettyName: os.prettyName, source: os.source };
}

function packageJson(pkg: Package): object {
  return {
    type: pkg.type,
    namespace: pkg.namespace,
    name: pkg.name,
    version: pkg.version,
    purl: pkg.purl,
    epoch: pkg.epoch,
    release: pkg.release,
    arch: pkg.arch,
    sourceName: pkg.sourceName,
    sourceVersion: pkg.sourceVersion,
    licenses: pkg.licenses === undefined ? undefined : [...pkg.licenses],
    extractor: pkg.extractor,
    locations: [...pkg.locations],
    layer: pkg.layer === undefined ? undefined : layerJson(pkg.layer),
    ownedBy: pkg.ownedBy,
    isRoot: pkg.isRoot,
    dev: pkg.dev,
    metadata: pkg.metadata === undefined ? undefined : sortedRecord(pkg.metadata),
  };
}

function warningJson(warning: Warning): object {
  return { location: warning.location, message: warning.message };
}

/**
 * A copy with keys in code-unit order, so maps built in any order serialise the same. Built with
 * fromEntries, which defines own keys: a label named "__proto__" stays a label.
 */
function sortedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => compareText(a, b)));
}
