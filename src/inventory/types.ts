/**
 * The one result model of an inventory: what is inside a target (an image or a directory),
 * package by package, with the layer that introduced each. Every later stage (matching, SBOM
 * output, policy) reads this model and nothing else.
 */

/** Package types, spelled as the package-url (purl) types they map to. */
export type PackageType =
  | 'deb'
  | 'apk'
  | 'rpm'
  | 'npm'
  | 'pypi'
  | 'golang'
  | 'maven'
  | 'gem'
  | 'cargo'
  | 'composer'
  | 'nuget';

export const OS_PACKAGE_TYPES: ReadonlySet<PackageType> = new Set(['deb', 'apk', 'rpm']);

/** One layer of an image, as the inventory refers to it. */
export interface LayerRef {
  /** 0-based position in the manifest's layer list. */
  index: number;
  /** Digest of the layer blob as stored (compressed). For directory targets: absent. */
  digest?: string;
  /** Digest of the uncompressed tar (the config's rootfs.diff_ids entry). */
  diffId?: string;
  /** The history entry (`created_by`) that made this layer, when the config has one. */
  createdBy?: string;
}

/** The operating system the target declares (os-release and friends). */
export interface OSInfo {
  /** os-release `ID`, lower case: "debian", "ubuntu", "alpine", "rhel", "fedora", ... */
  id: string;
  /** os-release `VERSION_ID` ("12", "3.20.3", "9.4"). */
  versionId?: string;
  /** os-release `VERSION_CODENAME` ("bookworm"). */
  codename?: string;
  prettyName?: string;
  /** Where this came from (path of the file read). */
  source: string;
}

/** A package as an extractor reports it: no purl and no layer yet (those need the whole image). */
export interface ExtractedPackage {
  type: PackageType;
  /** Name as the package manager spells it (npm scope and Maven group go in `namespace`). */
  name: string;
  /** npm scope ("@babel"), Maven groupId, Go module path prefix is NOT split: Go uses name only. */
  namespace?: string;
  version: string;
  /** Source package (dpkg Source, apk origin, rpm source RPM name). */
  sourceName?: string;
  sourceVersion?: string;
  /** rpm/dpkg epoch, when present. */
  epoch?: number;
  /** rpm release (the part after the last '-'). */
  release?: string;
  arch?: string;
  licenses?: string[];
  /** Paths (relative to the root, no leading '/') of the files that declared this package. */
  locations: string[];
  /** True for the application itself (npm root project), not a dependency. */
  isRoot?: boolean;
  /** True for development-only dependencies declared in a lock file. */
  dev?: boolean;
  /** Free-form facts worth keeping (maintainer, homepage, go toolchain, jar digest, ...). */
  metadata?: Record<string, string>;
}

/** A package in the final inventory. */
export interface Package extends ExtractedPackage {
  /** Package URL, with distro qualifiers for OS packages. */
  purl: string;
  /** Extractor that found it ("os/dpkg"). */
  extractor: string;
  /** The layer that introduced it (absent for directory targets). */
  layer?: LayerRef;
  /** purl of the OS package that owns this language package's files (Debian's python3-* etc.). */
  ownedBy?: string;
}

export interface Warning {
  /** Path inside the target, or the layer, the warning is about. */
  location?: string;
  message: string;
}

export interface ImageSummary {
  /** Digest of the manifest that was read (absent when the source gives none). */
  manifestDigest?: string;
  configDigest: string;
  mediaType: string;
  platform: { os: string; architecture: string; variant?: string };
  repoTags: string[];
  layers: LayerRef[];
  created?: string;
  labels: Record<string, string>;
}

export interface Inventory {
  /** Version of this model's JSON form (docs/formats/inventory-json.md). */
  schemaVersion: 1;
  target: { reference: string; kind: 'image' | 'directory' };
  image?: ImageSummary;
  os?: OSInfo;
  packages: Package[];
  warnings: Warning[];
}
