/**
 * Turns the squashed filesystem into the final inventory: picks the OS, gives every package its
 * purl and introducing layer, links language packages to the OS package that owns their files, and
 * merges duplicates (the same package declared by several files). Pure: no IO.
 */
import type { FileOwnership } from '../extract/extractor.ts';
import { selectOS } from '../extract/os/os-release/precedence.ts';
import {
  OS_PACKAGE_TYPES,
  purlFor,
  type ExtractedPackage,
  type ImageSummary,
  type Inventory,
  type LayerRef,
  type OSInfo,
  type Package,
  type Warning,
} from '../inventory/index.ts';
import { introducingLayer, packageKey, type SquashTree } from './squash.ts';

interface Found {
  pkg: ExtractedPackage;
  extractor: string;
  layer?: number;
}

export interface AssembleInput {
  reference: string;
  kind: 'image' | 'directory';
  tree: SquashTree;
  image?: ImageSummary;
  layers: readonly LayerRef[];
  warnings: Warning[];
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function merge(into: Package, other: Package): void {
  into.locations = [...new Set([...into.locations, ...other.locations])].sort(compareStrings);
  if (other.layer && (!into.layer || other.layer.index < into.layer.index)) into.layer = other.layer;
  // Root (the application itself) or dev-only only when every file that declares it says so.
  if (!other.isRoot) delete into.isRoot;
  if (!other.dev) delete into.dev;
  into.licenses ??= other.licenses;
}

/** Owner of each owned path, keyed by the path with symlinks resolved (merged /usr lists /lib paths). */
function ownersByPath(ownerships: readonly FileOwnership[], tree: SquashTree): Map<string, FileOwnership> {
  const owners = new Map<string, FileOwnership>();
  for (const ownership of ownerships) {
    for (const path of ownership.paths) {
      owners.set(tree.canonicalPath(path) ?? path, ownership);
    }
  }
  return owners;
}

export function assembleInventory(input: AssembleInput): Inventory {
  const found: Found[] = [];
  const osCandidates: OSInfo[] = [];
  const ownerships: FileOwnership[] = [];
  for (const { node } of input.tree.walk()) {
    const data = node.kind === 'file' ? node.data : undefined;
    if (!data) continue;
    for (const { extractor, result } of data.outputs) {
      if (result.os) osCandidates.push(result.os);
      if (result.fileOwnership) ownerships.push(...result.fileOwnership);
      for (const pkg of result.packages) found.push({ pkg, extractor, layer: introducingLayer(data, packageKey(pkg)) });
    }
  }
  const os = selectOS(osCandidates);

  const byPurl = new Map<string, Package>();
  for (const { pkg, extractor, layer } of found) {
    const packaged: Package = { ...pkg, purl: purlFor(pkg, os), extractor, locations: [...pkg.locations].sort(compareStrings) };
    const layerRef = layer === undefined ? undefined : input.layers[layer];
    if (layerRef) packaged.layer = layerRef;
    const existing = byPurl.get(packaged.purl);
    if (existing) merge(existing, packaged);
    else byPurl.set(packaged.purl, packaged);
  }
  const packages = [...byPurl.values()];

  const owners = ownersByPath(ownerships, input.tree);
  const osPurls = new Map<string, string>();
  for (const pkg of packages) if (OS_PACKAGE_TYPES.has(pkg.type)) osPurls.set(`${pkg.type}/${pkg.name}`, pkg.purl);
  for (const pkg of packages) {
    if (OS_PACKAGE_TYPES.has(pkg.type)) continue;
    for (const location of pkg.locations) {
      const owner = owners.get(input.tree.canonicalPath(location) ?? location);
      const ownerPurl = owner && osPurls.get(`${owner.type}/${owner.name}`);
      if (ownerPurl) {
        pkg.ownedBy = ownerPurl;
        break;
      }
    }
  }

  packages.sort((a, b) => compareStrings(a.purl, b.purl));
  const inventory: Inventory = {
    schemaVersion: 1,
    target: { reference: input.reference, kind: input.kind },
    packages,
    warnings: input.warnings,
  };
  if (input.image) inventory.image = input.image;
  if (os) inventory.os = os;
  return inventory;
}
