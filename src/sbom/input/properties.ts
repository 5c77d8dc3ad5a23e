/**
 * Facts SBOM producers keep outside the standard fields, read into inventory fields: Portcullis's
 * own `portcullis:` properties (so our SBOMs round-trip), Trivy's `aquasecurity:trivy:` properties
 * and Syft's `syft:` properties. Every producer's names live in this one table-like module so a new
 * producer is one more reader here, not a change to the format readers.
 */
import type { LayerRef, Package } from '../../inventory/index.ts';
import { CYCLONEDX_PROPERTY } from '../cyclonedx.ts';

/** Property name -> values, in document order. A Map, so hostile names like `__proto__` are plain keys. */
export type PropertyBag = Map<string, string[]>;

export const TRIVY = {
  srcName: 'aquasecurity:trivy:SrcName',
  srcVersion: 'aquasecurity:trivy:SrcVersion',
  srcRelease: 'aquasecurity:trivy:SrcRelease',
  srcEpoch: 'aquasecurity:trivy:SrcEpoch',
  filePath: 'aquasecurity:trivy:FilePath',
  layerDigest: 'aquasecurity:trivy:LayerDigest',
  layerDiffId: 'aquasecurity:trivy:LayerDiffID',
  imageId: 'aquasecurity:trivy:ImageID',
  diffId: 'aquasecurity:trivy:DiffID',
  repoDigest: 'aquasecurity:trivy:RepoDigest',
  repoTag: 'aquasecurity:trivy:RepoTag',
} as const;

export const SYFT = {
  source: 'syft:metadata:source',
  sourceVersion: 'syft:metadata:sourceVersion',
  originPackage: 'syft:metadata:originPackage',
  sourceRpm: 'syft:metadata:sourceRpm',
  /** `syft:location:<n>:path` */
  locationPath: /^syft:location:\d+:path$/,
} as const;

export function first(bag: PropertyBag, name: string): string | undefined {
  const value = bag.get(name)?.[0];
  return value === undefined || value === '' ? undefined : value;
}

export function all(bag: PropertyBag, name: string): string[] {
  return bag.get(name) ?? [];
}

export function addProperty(bag: PropertyBag, name: string, value: string): void {
  const values = bag.get(name);
  if (values === undefined) bag.set(name, [value]);
  else values.push(value);
}

/** Paths are stored the inventory's way: relative to the root, no leading '/'. */
export function relativePath(path: string): string {
  return path.replace(/^\/+/, '');
}

/** Files that declared the package, from Trivy's and Syft's location properties. */
export function propertyLocations(bag: PropertyBag): string[] {
  const paths = [...all(bag, TRIVY.filePath)];
  for (const [name, values] of bag) if (SYFT.locationPath.test(name)) paths.push(...values);
  return paths.map(relativePath).filter((path) => path !== '');
}

/** What the image's layer list tells about a layer: its index, found by diffId. */
export type LayerIndexLookup = (diffId: string) => number | undefined;

/** Applies every known property to `pkg`. Returns a warning text for a malformed value, or undefined. */
export function applyProperties(pkg: Package, bag: PropertyBag, layerIndexOf: LayerIndexLookup): string | undefined {
  const ours = CYCLONEDX_PROPERTY;
  const extractor = first(bag, ours.extractor);
  if (extractor !== undefined) pkg.extractor = extractor;
  const ownedBy = first(bag, ours.ownedBy);
  if (ownedBy !== undefined) pkg.ownedBy = ownedBy;
  if (first(bag, ours.dev) === 'true') pkg.dev = true;
  if (first(bag, ours.root) === 'true') pkg.isRoot = true;

  const sourceRpm = first(bag, SYFT.sourceRpm);
  const fromRpm = sourceRpm === undefined ? undefined : parseSourceRpm(sourceRpm);
  const sourceName = first(bag, ours.sourceName) ?? first(bag, TRIVY.srcName) ?? first(bag, SYFT.source) ?? first(bag, SYFT.originPackage) ?? fromRpm?.name;
  const sourceVersion = first(bag, ours.sourceVersion) ?? trivySourceVersion(pkg, bag) ?? first(bag, SYFT.sourceVersion) ?? fromRpm?.version;
  if (sourceName !== undefined) pkg.sourceName = sourceName;
  if (sourceVersion !== undefined) pkg.sourceVersion = sourceVersion;

  return applyLayer(pkg, bag, layerIndexOf);
}

/** Trivy splits the source version like the binary one: epoch and (rpm) release apart. */
function trivySourceVersion(pkg: Package, bag: PropertyBag): string | undefined {
  const version = first(bag, TRIVY.srcVersion);
  if (version === undefined) return undefined;
  const release = first(bag, TRIVY.srcRelease);
  const epoch = first(bag, TRIVY.srcEpoch);
  const withRelease = release === undefined ? version : `${version}-${release}`;
  return pkg.type === 'deb' && epoch !== undefined && epoch !== '0' ? `${epoch}:${withRelease}` : withRelease;
}

/** "bash-5.1.8-6.el9.src.rpm" -> bash, 5.1.8-6.el9 (name-version-release). */
function parseSourceRpm(file: string): { name: string; version: string } | undefined {
  const match = /^(.+)-([^-]+-[^-]+)\.(?:src|nosrc)\.rpm$/.exec(file);
  return match === null ? undefined : { name: match[1] as string, version: match[2] as string };
}

function applyLayer(pkg: Package, bag: PropertyBag, layerIndexOf: LayerIndexLookup): string | undefined {
  const ours = CYCLONEDX_PROPERTY;
  const indexText = first(bag, ours.layerIndex);
  const diffId = first(bag, ours.layerDiffId) ?? first(bag, TRIVY.layerDiffId);
  let index: number | undefined;
  if (indexText !== undefined) {
    if (!/^\d{1,6}$/.test(indexText)) return `invalid ${ours.layerIndex} ${JSON.stringify(indexText.slice(0, 40))}`;
    index = Number(indexText);
  } else if (diffId !== undefined) {
    index = layerIndexOf(diffId);
  }
  if (index === undefined) return undefined;
  const layer: LayerRef = { index };
  const digest = first(bag, ours.layerDigest) ?? first(bag, TRIVY.layerDigest);
  if (digest !== undefined) layer.digest = digest;
  if (diffId !== undefined) layer.diffId = diffId;
  const createdBy = first(bag, ours.layerCreatedBy);
  if (createdBy !== undefined) layer.createdBy = createdBy;
  pkg.layer = layer;
  return undefined;
}
