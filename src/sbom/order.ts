/**
 * The one package order every output format shares, and the merge of packages that share a purl.
 *
 * Comparison is by UTF-16 code unit, never `localeCompare`: output bytes must not depend on the
 * locale or ICU data of the machine that wrote them.
 */
import type { Package } from '../inventory/index.ts';

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sort order of every format: type, namespace, name, version, purl; then tie-breakers. */
export function comparePackages(a: Package, b: Package): number {
  return (
    compareText(a.type, b.type) ||
    compareText(a.namespace ?? '', b.namespace ?? '') ||
    compareText(a.name, b.name) ||
    compareText(a.version, b.version) ||
    compareText(a.purl, b.purl) ||
    // Same identity reported twice (two layers, two extractors): the earliest layer comes first.
    (a.layer?.index ?? -1) - (b.layer?.index ?? -1) ||
    compareText(a.extractor, b.extractor) ||
    compareText(a.locations.join('\n'), b.locations.join('\n'))
  );
}

export function sortPackages(packages: readonly Package[]): Package[] {
  return [...packages].sort(comparePackages);
}

/**
 * The key that identifies a package in an SBOM: its purl, or for the rare package without one a
 * key in the `portcullis:` namespace built from its identity (never a valid purl, so never clashes).
 */
export function packageKey(pkg: Pick<Package, 'purl' | 'type' | 'namespace' | 'name' | 'version'>): string {
  if (pkg.purl !== '') return pkg.purl;
  const namespace = pkg.namespace === undefined ? '' : `${pkg.namespace}/`;
  return `portcullis:package/${pkg.type}/${namespace}${pkg.name}@${pkg.version}`;
}

/**
 * One package per key, in sort order. Packages sharing a key are merged: the first in sort order
 * (earliest layer) supplies every field, and `locations` becomes the sorted union of all of them, so
 * no evidence of where the package was found is lost.
 */
export function mergeByPurl(packages: readonly Package[]): Package[] {
  const merged = new Map<string, Package>();
  for (const pkg of sortPackages(packages)) {
    const key = packageKey(pkg);
    const first = merged.get(key);
    if (first === undefined) {
      merged.set(key, { ...pkg, locations: [...pkg.locations] });
    } else {
      first.locations.push(...pkg.locations);
    }
  }
  const result = [...merged.values()];
  for (const pkg of result) pkg.locations = [...new Set(pkg.locations)].sort(compareText);
  return result;
}
