/**
 * SPDX 2.3 JSON for an inventory. The document DESCRIBES one root package (the image, or the
 * directory), which CONTAINS the OS and every package. Packages are merged by purl exactly as in
 * CycloneDX, so both SBOMs of one scan list the same packages.
 *
 * Written by hand: no npm library in wide use writes SPDX 2.3 JSON, and the document is plain JSON
 * whose every field is set here.
 */
import type { ImageSummary, Inventory, OSInfo, Package } from '../inventory/index.ts';
import { displayName, layerLabel } from './display.ts';
import { combinedSpdxExpression } from './licenses.ts';
import { mergeByPurl } from './order.ts';
import { SpdxIdAllocator, sanitiseSpdxIdPart } from './spdx-id.ts';
import { type SbomOptions, ociPurl, resolveSbomOptions, targetName, targetVersion } from './target.ts';

/**
 * Start of every document namespace. The `.invalid` host (RFC 2606) never resolves: the namespace
 * only has to be a unique URI, and Portcullis publishes nothing there.
 */
export const SPDX_NAMESPACE_PREFIX = 'https://portcullis.invalid/spdx/';

const NOASSERTION = 'NOASSERTION';

type PackagePurpose = 'CONTAINER' | 'FILE' | 'LIBRARY' | 'OPERATING_SYSTEM';

interface SpdxPackage {
  name: string;
  SPDXID: string;
  versionInfo?: string | undefined;
  downloadLocation: string;
  filesAnalyzed: false;
  checksums?: undefined | Array<{ algorithm: 'SHA256' | 'SHA512'; checksumValue: string }>;
  sourceInfo?: string | undefined;
  licenseConcluded: string;
  licenseDeclared: string;
  copyrightText: string;
  description?: string | undefined;
  externalRefs?: undefined | Array<{ referenceCategory: 'PACKAGE-MANAGER'; referenceType: 'purl'; referenceLocator: string }>;
  primaryPackagePurpose: PackagePurpose;
}

interface SpdxRelationship {
  spdxElementId: string;
  relationshipType: 'DESCRIBES' | 'CONTAINS';
  relatedSpdxElement: string;
}

export function formatSpdx(inventory: Inventory, options: SbomOptions): string {
  const { toolVersion, timestamp, serialNumber } = resolveSbomOptions(options);
  const name = targetName(inventory);
  const ids = new SpdxIdAllocator();
  const root = rootPackage(inventory, name, ids);
  const contained: SpdxPackage[] = [];
  if (inventory.os !== undefined) contained.push(osPackage(inventory.os, ids));
  for (const pkg of mergeByPurl(inventory.packages)) contained.push(packageOf(pkg, ids));

  const relationships: SpdxRelationship[] = [
    { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: root.SPDXID },
    ...contained.map((pkg): SpdxRelationship => ({ spdxElementId: root.SPDXID, relationshipType: 'CONTAINS', relatedSpdxElement: pkg.SPDXID })),
  ];
  const document = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name,
    documentNamespace: `${SPDX_NAMESPACE_PREFIX}${sanitiseSpdxIdPart(name)}-${serialNumber.slice('urn:uuid:'.length)}`,
    creationInfo: {
      // SPDX dates are whole seconds in UTC.
      created: timestamp.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      creators: [`Tool: portcullis-${toolVersion}`],
    },
    packages: [root, ...contained],
    relationships,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

function rootPackage(inventory: Inventory, name: string, ids: SpdxIdAllocator): SpdxPackage {
  const { image } = inventory;
  if (inventory.target.kind === 'directory') {
    return spdxPackage({ name, id: ids.allocate('Directory'), purpose: 'FILE' });
  }
  return spdxPackage({
    name,
    id: ids.allocate('Image'),
    version: targetVersion(inventory),
    checksums: image === undefined ? undefined : manifestChecksums(image),
    purl: image === undefined ? undefined : ociPurl(inventory.target.reference, image),
    purpose: 'CONTAINER',
  });
}

function manifestChecksums(image: ImageSummary): SpdxPackage['checksums'] {
  const digest = image.manifestDigest;
  if (digest === undefined) return undefined;
  const [algorithm, hex = ''] = digest.split(':');
  return [{ algorithm: algorithm === 'sha512' ? 'SHA512' : 'SHA256', checksumValue: hex }];
}

function osPackage(os: OSInfo, ids: SpdxIdAllocator): SpdxPackage {
  return spdxPackage({
    name: os.id,
    id: ids.allocate('OperatingSystem', os.id, os.versionId ?? ''),
    version: os.versionId,
    sourceInfo: `declared in ${os.source}`,
    description: os.prettyName,
    purpose: 'OPERATING_SYSTEM',
  });
}

function packageOf(pkg: Package, ids: SpdxIdAllocator): SpdxPackage {
  const name = displayName(pkg);
  return spdxPackage({
    name,
    id: ids.allocate('Package', pkg.type, name, pkg.version),
    version: pkg.version,
    sourceInfo: sourceInfo(pkg),
    licenseDeclared: combinedSpdxExpression(pkg.licenses),
    purl: pkg.purl === '' ? undefined : pkg.purl,
    purpose: 'LIBRARY',
  });
}

interface PackageFields {
  name: string;
  id: string;
  version?: string | undefined;
  checksums?: SpdxPackage['checksums'];
  sourceInfo?: string;
  licenseDeclared?: string | undefined;
  description?: string | undefined;
  purl?: string | undefined;
  purpose: PackagePurpose;
}

/**
 * One package with its keys always in the same order. Nothing is concluded and nothing downloaded:
 * Portcullis reads declarations, so the concluded license, copyright and download location are
 * NOASSERTION, and so is the declared license when the declaration is not valid SPDX.
 */
function spdxPackage(fields: PackageFields): SpdxPackage {
  return {
    name: fields.name,
    SPDXID: fields.id,
    versionInfo: fields.version,
    downloadLocation: NOASSERTION,
    filesAnalyzed: false,
    checksums: fields.checksums,
    sourceInfo: fields.sourceInfo,
    licenseConcluded: NOASSERTION,
    licenseDeclared: fields.licenseDeclared ?? NOASSERTION,
    copyrightText: NOASSERTION,
    description: fields.description,
    externalRefs: fields.purl === undefined
      ? undefined
      : [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: fields.purl }],
    primaryPackagePurpose: fields.purpose,
  };
}

/** Where the package was found, in words: SPDX 2.3 has no field for layers or extractors. */
function sourceInfo(pkg: Package): string {
  const parts = [`found by ${pkg.extractor} in ${pkg.locations.join(', ')}`];
  if (pkg.layer !== undefined) parts.push(`layer ${layerLabel(pkg.layer)}`);
  if (pkg.ownedBy !== undefined) parts.push(`files owned by ${pkg.ownedBy}`);
  return parts.join('; ');
}
