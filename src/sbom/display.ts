/**
 * Human-facing spellings shared by the formats: a package's full name and a short layer label.
 */
import type { LayerRef, Package } from '../inventory/index.ts';

/** Name with its namespace as the ecosystem writes it: "@babel/core", "org.slf4j:slf4j-api". */
export function displayName(pkg: Pick<Package, 'type' | 'namespace' | 'name'>): string {
  if (pkg.namespace === undefined || pkg.namespace === '') return pkg.name;
  return `${pkg.namespace}${pkg.type === 'maven' ? ':' : '/'}${pkg.name}`;
}

/** "3 1a2b3c4d5e6f": layer index and the first 12 hex digits of its diffId (or blob digest). */
export function layerLabel(layer: LayerRef | undefined): string {
  if (layer === undefined) return '';
  const digest = layer.diffId ?? layer.digest;
  if (digest === undefined) return String(layer.index);
  return `${layer.index} ${digest.slice(digest.indexOf(':') + 1, digest.indexOf(':') + 13)}`;
}
