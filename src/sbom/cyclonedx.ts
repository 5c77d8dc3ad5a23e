/**
 * CycloneDX 1.6 JSON for an inventory, built and serialized by @cyclonedx/cyclonedx-library.
 *
 * Shape: metadata.component is the target (a container image, or a directory as a file component);
 * metadata.tools names Portcullis; every package is one library component whose bom-ref is its purl;
 * the OS is an operating-system component; the target depends on every component. Facts CycloneDX has
 * no field for go into `portcullis:` properties (docs/formats/cyclonedx.md lists them).
 */
import { Contrib, Enums, Models } from '@cyclonedx/cyclonedx-library';
import type { ImageSummary, Inventory, OSInfo, Package } from '../inventory/index.ts';
import { OccurrenceEvidence, cycloneDx16Serializer } from './cyclonedx-evidence.ts';
import { combinedSpdxExpression, normaliseLicenses, validateSpdxExpression } from './licenses.ts';
import { mergeByPurl, packageKey } from './order.ts';
import { type SbomOptions, ociPurl, resolveSbomOptions, targetName, targetVersion } from './target.ts';

/** Names of the `portcullis:` properties (registered nowhere else; documented in docs/formats/cyclonedx.md). */
export const CYCLONEDX_PROPERTY = {
  extractor: 'portcullis:extractor',
  layerIndex: 'portcullis:layer:index',
  layerDigest: 'portcullis:layer:digest',
  layerDiffId: 'portcullis:layer:diffId',
  layerCreatedBy: 'portcullis:layer:createdBy',
  ownedBy: 'portcullis:ownedBy',
  sourceName: 'portcullis:source:name',
  sourceVersion: 'portcullis:source:version',
  dev: 'portcullis:dev',
  root: 'portcullis:root',
  imageConfigDigest: 'portcullis:image:configDigest',
  imageMediaType: 'portcullis:image:mediaType',
  imagePlatform: 'portcullis:image:platform',
  imageRepoTag: 'portcullis:image:repoTag',
  osCodename: 'portcullis:os:codename',
  osSource: 'portcullis:os:source',
  warning: 'portcullis:warning',
} as const;

/** bom-ref of the target when no OCI purl can name it (no manifest digest). */
const TARGET_REF = 'portcullis:target';

const licenseFactory = new Contrib.License.Factories.LicenseFactory(validateSpdxExpression);

export function formatCycloneDx(inventory: Inventory, options: SbomOptions): string {
  const { toolVersion, timestamp, serialNumber } = resolveSbomOptions(options);
  const target = targetComponent(inventory);
  const components: Models.Component[] = [];
  if (inventory.os !== undefined) components.push(osComponent(inventory.os));
  for (const pkg of mergeByPurl(inventory.packages)) components.push(packageComponent(pkg));
  for (const component of components) target.dependencies.add(component.bomRef);

  const tool = new Models.Component(Enums.ComponentType.Application, 'portcullis', { version: toolVersion });
  const metadata = new Models.Metadata({
    timestamp,
    component: target,
    tools: new Models.Tools({ components: new Models.ComponentRepository([tool]) }),
    properties: properties(inventory.warnings.map((w) => [CYCLONEDX_PROPERTY.warning, w.location === undefined ? w.message : `${w.location}: ${w.message}`])),
  });
  const bom = new Models.Bom({ serialNumber, metadata, components: new Models.ComponentRepository(components) });
  // sortLists stays off: components are already in Portcullis's locale-independent order.
  return `${cycloneDx16Serializer().serialize(bom, { sortLists: false, space: 2 })}\n`;
}

function targetComponent(inventory: Inventory): Models.Component {
  const name = targetName(inventory);
  const { image } = inventory;
  if (inventory.target.kind === 'directory') {
    return new Models.Component(Enums.ComponentType.File, name, { bomRef: TARGET_REF });
  }
  const purl = image === undefined ? undefined : ociPurl(inventory.target.reference, image);
  return new Models.Component(Enums.ComponentType.Container, name, {
    bomRef: purl ?? TARGET_REF,
    purl,
    version: targetVersion(inventory),
    properties: image === undefined ? undefined : properties([
      [CYCLONEDX_PROPERTY.imageConfigDigest, image.configDigest],
      [CYCLONEDX_PROPERTY.imageMediaType, image.mediaType],
      [CYCLONEDX_PROPERTY.imagePlatform, platformText(image.platform)],
      ...image.repoTags.map((tag): [string, string] => [CYCLONEDX_PROPERTY.imageRepoTag, tag]),
    ]),
  });
}

function platformText(platform: ImageSummary['platform']): string {
  return [platform.os, platform.architecture, platform.variant].filter((part) => part !== undefined && part !== '').join('/');
}

function osComponent(os: OSInfo): Models.Component {
  return new Models.Component(Enums.ComponentType.OperatingSystem, os.id, {
    bomRef: `portcullis:os/${os.id}@${os.versionId ?? ''}`,
    version: os.versionId,
    description: os.prettyName,
    properties: properties([
      [CYCLONEDX_PROPERTY.osCodename, os.codename],
      [CYCLONEDX_PROPERTY.osSource, os.source],
    ]),
  });
}

function packageComponent(pkg: Package): Models.Component {
  return new Models.Component(Enums.ComponentType.Library, pkg.name, {
    bomRef: packageKey(pkg),
    group: pkg.namespace,
    version: pkg.version,
    purl: pkg.purl === '' ? undefined : pkg.purl,
    licenses: licenses(pkg.licenses),
    evidence: new OccurrenceEvidence(pkg.locations),
    properties: properties([
      [CYCLONEDX_PROPERTY.extractor, pkg.extractor],
      [CYCLONEDX_PROPERTY.layerIndex, pkg.layer === undefined ? undefined : String(pkg.layer.index)],
      [CYCLONEDX_PROPERTY.layerDigest, pkg.layer?.digest],
      [CYCLONEDX_PROPERTY.layerDiffId, pkg.layer?.diffId],
      [CYCLONEDX_PROPERTY.layerCreatedBy, pkg.layer?.createdBy],
      [CYCLONEDX_PROPERTY.ownedBy, pkg.ownedBy],
      [CYCLONEDX_PROPERTY.sourceName, pkg.sourceName],
      [CYCLONEDX_PROPERTY.sourceVersion, pkg.sourceVersion],
      [CYCLONEDX_PROPERTY.dev, pkg.dev === true ? 'true' : undefined],
      [CYCLONEDX_PROPERTY.root, pkg.isRoot === true ? 'true' : undefined],
    ]),
  });
}

/**
 * CycloneDX holds either license entries (SPDX ids or free names) or one expression, never both.
 * Plain ids and names stay one entry each; a compound expression among valid ones joins them all in
 * one expression; a compound one among invalid ones is kept by name rather than dropped.
 */
function licenses(declared: readonly string[] | undefined): Models.LicenseRepository {
  const normalised = normaliseLicenses(declared);
  const combined = combinedSpdxExpression(normalised);
  const models = normalised.length === 1
    ? [licenseFactory.makeFromString(normalised[0] as string)]
    : combined !== undefined && normalised.some((license) => /\s/.test(license))
      ? [licenseFactory.makeExpression(combined)]
      : normalised.map((license) => licenseFactory.makeDisjunctive(license));
  for (const model of models) model.acknowledgement = Enums.LicenseAcknowledgement.Declared;
  return new Models.LicenseRepository(models);
}

function properties(entries: ReadonlyArray<readonly [string, string | undefined]>): Models.PropertyRepository {
  const present = entries.filter((entry): entry is readonly [string, string] => entry[1] !== undefined && entry[1] !== '');
  return new Models.PropertyRepository(present.map(([name, value]) => new Models.Property(name, value)));
}
