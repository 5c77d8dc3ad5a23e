/**
 * The part of reading an SBOM that does not depend on its format: one package per component that
 * has a usable purl, the OS from an operating-system entry or the packages' `distro` qualifiers, and
 * warnings for what was skipped, capped so a hostile document cannot flood the report.
 */
import { PortcullisError } from '../../core/index.ts';
import type { Inventory, OSInfo, Package, Warning } from '../../inventory/index.ts';
import { type PurlIdentity, identityFromPurl, osFromDistro } from './purl-package.ts';
import { type LayerIndexLookup, type PropertyBag, applyProperties, propertyLocations, relativePath } from './properties.ts';

/** Detailed warnings kept per document; the rest are counted in one closing warning. */
const MAX_DETAILED_WARNINGS = 100;

/** What a format reader knows about one component or package. */
export interface ComponentFacts {
  /** Where in the document it is ("components[3]"), for warnings. */
  path: string;
  purl: string;
  /** The entry's own version field, used when the purl has none. */
  version?: string;
  licenses: string[];
  /** Paths from the format's own fields (CycloneDX occurrences, SPDX file names). */
  locations: string[];
  properties: PropertyBag;
}

export class InventoryBuilder {
  readonly #source: string;
  readonly #extractor: string;
  readonly #maxPackages: number;
  readonly #packages: Package[] = [];
  readonly #warnings: Warning[] = [];
  readonly #unsupportedTypes = new Map<string, number>();
  #droppedWarnings = 0;
  #seen = 0;
  #declaredOs: OSInfo | undefined;
  #distroOs: OSInfo | undefined;
  layerIndexOf: LayerIndexLookup = () => undefined;

  /** `extractor` names the reader ("sbom/cyclonedx") for packages whose document does not say. */
  constructor(source: string, extractor: string, maxPackages: number) {
    this.#source = source;
    this.#extractor = extractor;
    this.#maxPackages = maxPackages;
  }

  /** The document being read, as the caller named it (a path). */
  get source(): string {
    return this.#source;
  }

  warn(location: string, message: string): void {
    if (this.#warnings.length >= MAX_DETAILED_WARNINGS) {
      this.#droppedWarnings++;
      return;
    }
    this.#warnings.push({ location: `${this.#source}: ${location}`, message });
  }

  /** The OS the document declares outright (CycloneDX operating-system component, SPDX OS package). */
  declareOs(os: OSInfo): void {
    this.#declaredOs ??= os;
  }

  /**
   * Counts one entry of the document (package or not) against the limit; throws LIMIT when the
   * document holds too many. Readers call it for every entry before looking inside.
   */
  countEntry(): void {
    if (++this.#seen > this.#maxPackages) {
      throw new PortcullisError('LIMIT', `${this.#source}: more than ${this.#maxPackages} components or packages`);
    }
  }

  addComponent(facts: ComponentFacts): void {
    const result = identityFromPurl(facts.purl, facts.version);
    if ('unsupportedType' in result) {
      this.#unsupportedTypes.set(result.unsupportedType, (this.#unsupportedTypes.get(result.unsupportedType) ?? 0) + 1);
      return;
    }
    if ('error' in result) {
      this.warn(facts.path, `${result.error}; package skipped (${JSON.stringify(facts.purl.slice(0, 200))})`);
      return;
    }
    const pkg = this.#packageOf(result.identity, facts);
    const problem = applyProperties(pkg, facts.properties, this.layerIndexOf);
    if (problem !== undefined) this.warn(facts.path, problem);
    this.#packages.push(pkg);
  }

  #packageOf(identity: PurlIdentity, facts: ComponentFacts): Package {
    const { distro, ...fields } = identity;
    if (distro !== undefined && this.#distroOs === undefined) this.#distroOs = osFromDistro(distro, this.#source);
    const locations = [...new Set([...facts.locations.map(relativePath), ...propertyLocations(facts.properties)])].filter((path) => path !== '');
    const pkg: Package = { ...fields, purl: facts.purl, extractor: this.#extractor, locations };
    if (facts.licenses.length > 0) pkg.licenses = facts.licenses;
    return pkg;
  }

  build(target: Inventory['target'], image?: Inventory['image']): Inventory {
    for (const [type, count] of this.#unsupportedTypes) {
      this.warn('components', `${count} package${count === 1 ? '' : 's'} of purl type "${type}" skipped: Portcullis does not match that ecosystem`);
    }
    const warnings = [...this.#warnings];
    if (this.#droppedWarnings > 0) warnings.push({ location: this.#source, message: `${this.#droppedWarnings} more warnings not shown` });
    const inventory: Inventory = { schemaVersion: 1, target, packages: this.#packages, warnings };
    const os = this.#declaredOs ?? this.#distroOs;
    if (os !== undefined) inventory.os = os;
    if (image !== undefined) inventory.image = image;
    return inventory;
  }
}
