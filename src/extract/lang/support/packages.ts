/**
 * Building the packages language extractors report, and collecting them without duplicates (a lock
 * file often lists one name@version several times, under different paths or ranges).
 */
import type { ExtractedPackage, PackageType } from '../../../inventory/index.ts';

export interface PackageFields {
  type: PackageType;
  name: string;
  namespace?: string | undefined;
  version: string;
  licenses?: string[] | undefined;
  isRoot?: boolean | undefined;
  dev?: boolean | undefined;
  arch?: string | undefined;
  metadata?: Record<string, string> | undefined;
}

/** A package with only the fields that carry information (no `undefined`, no empty lists, no false flags). */
export function languagePackage(fields: PackageFields, location: string): ExtractedPackage {
  const pkg: ExtractedPackage = { type: fields.type, name: fields.name, version: fields.version, locations: [location] };
  if (fields.namespace !== undefined) pkg.namespace = fields.namespace;
  if (fields.licenses !== undefined && fields.licenses.length > 0) pkg.licenses = [...new Set(fields.licenses)];
  if (fields.isRoot === true) pkg.isRoot = true;
  if (fields.dev === true) pkg.dev = true;
  if (fields.arch !== undefined) pkg.arch = fields.arch;
  if (fields.metadata !== undefined && Object.keys(fields.metadata).length > 0) pkg.metadata = fields.metadata;
  return pkg;
}

/**
 * Packages of one file, one per (namespace, name, version, root or not). A package listed both as a
 * development and as a production dependency is a production dependency.
 */
export class PackageCollector {
  readonly #byKey = new Map<string, ExtractedPackage>();
  readonly #location: string;

  constructor(location: string) {
    this.#location = location;
  }

  add(fields: PackageFields): void {
    const pkg = languagePackage(fields, this.#location);
    const key = JSON.stringify([pkg.namespace ?? '', pkg.name, pkg.version, pkg.isRoot === true]);
    const seen = this.#byKey.get(key);
    if (seen === undefined) {
      this.#byKey.set(key, pkg);
    } else if (seen.dev === true && pkg.dev !== true) {
      delete seen.dev;
    }
  }

  get packages(): ExtractedPackage[] {
    return [...this.#byKey.values()];
  }
}
