/**
 * From an inventory package to what advisories call it: the OSV ecosystems to look in (most
 * specific first), the name and the version to compare.
 *
 * Distributions publish fixes per SOURCE package, so Debian, Ubuntu and Alpine packages are matched
 * by source name and source version (dpkg `Source:`, apk origin), falling back to the binary's own
 * when the database gives none. A distro record scoped to a release ("Debian:12") applies to that
 * release only; an unscoped one ("Debian") to every release, so both are looked up.
 *
 * Language ecosystems spell names their own way: npm keeps the scope ("@babel/core"), Maven joins
 * group and artifact with ':', Packagist vendor and name with '/'; PyPI names compare after PEP 503
 * normalisation, NuGet and Packagist names without regard to case.
 */
import type { OSInfo, Package } from '../../inventory/index.ts';
import { debianReleaseNumber } from '../debian-releases.ts';

export interface MatchTarget {
  /** Ecosystems to query, most specific first ("Debian:12", "Debian"). The first is reported. */
  ecosystems: string[];
  /** The name as normalised for comparison (see normalizePackageName). */
  name: string;
  /** Names to ask the lookup for: the normalised name and, when different, the name as installed. */
  lookupNames: string[];
  version: string;
  /** For OS packages: whose severity words apply ("debian", "ubuntu", "alpine", "redhat"). */
  distro?: string;
}

/** PEP 503: lower case, every run of '-', '_' and '.' one '-'. */
function pep503(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/**
 * The form of `name` that advisories and packages are compared in, for an OSV ecosystem (release
 * suffix allowed): PEP 503 for PyPI, lower case for NuGet and Packagist, unchanged elsewhere.
 * Advisory stores that key records by name should key them by this form.
 */
export function normalizePackageName(ecosystem: string, name: string): string {
  const colon = ecosystem.indexOf(':');
  const base = colon === -1 ? ecosystem : ecosystem.slice(0, colon);
  switch (base) {
    case 'PyPI':
      return pep503(name);
    case 'NuGet':
    case 'Packagist':
      return name.toLowerCase();
    default:
      return name;
  }
}

function target(ecosystems: string[], rawName: string, version: string, distro?: string): MatchTarget {
  const name = normalizePackageName(ecosystems[0]!, rawName);
  const lookupNames = name === rawName ? [name] : [name, rawName];
  return distro === undefined ? { ecosystems, name, lookupNames, version } : { ecosystems, name, lookupNames, version, distro };
}

function debianEcosystems(os: OSInfo): string[] {
  const release = os.versionId?.split('.')[0] || (os.codename ? debianReleaseNumber(os.codename) : undefined);
  return release ? [`Debian:${release}`, 'Debian'] : ['Debian'];
}

function ubuntuEcosystems(os: OSInfo): string[] {
  // OSV spells LTS releases "Ubuntu:22.04:LTS" and others "Ubuntu:24.10".
  return os.versionId ? [`Ubuntu:${os.versionId}`, `Ubuntu:${os.versionId}:LTS`, 'Ubuntu'] : ['Ubuntu'];
}

function alpineEcosystems(os: OSInfo): string[] {
  const branch = /^(\d+)\.(\d+)/.exec(os.versionId ?? '');
  return branch ? [`Alpine:v${branch[1]}.${branch[2]}`, 'Alpine'] : ['Alpine'];
}

function osTarget(pkg: Package, os: OSInfo | undefined): MatchTarget | undefined {
  if (os === undefined) return undefined;
  const name = pkg.sourceName || pkg.name;
  switch (pkg.type) {
    case 'deb': {
      const version = pkg.sourceVersion || pkg.version;
      if (os.id === 'debian') return target(debianEcosystems(os), name, version, 'debian');
      if (os.id === 'ubuntu') return target(ubuntuEcosystems(os), name, version, 'ubuntu');
      return undefined;
    }
    case 'apk':
      return os.id === 'alpine' ? target(alpineEcosystems(os), name, pkg.sourceVersion || pkg.version, 'alpine') : undefined;
    case 'rpm': {
      if (os.id !== 'rhel') return undefined;
      // rpm versions compare as [epoch:]version-release; the source RPM shares the binary's EVR.
      const versionRelease = pkg.release ? `${pkg.version}-${pkg.release}` : pkg.version;
      const epoch = pkg.epoch !== undefined && pkg.epoch > 0 ? `${pkg.epoch}:` : '';
      return target(['Red Hat'], name, `${epoch}${versionRelease}`, 'redhat');
    }
    default:
      return undefined;
  }
}

/** What `pkg` is matched as, or undefined when no advisory ecosystem covers it. */
export function matchTarget(pkg: Package, os: OSInfo | undefined): MatchTarget | undefined {
  switch (pkg.type) {
    case 'deb':
    case 'apk':
    case 'rpm':
      return osTarget(pkg, os);
    case 'npm':
      return target(['npm'], pkg.namespace ? `${pkg.namespace}/${pkg.name}` : pkg.name, pkg.version);
    case 'pypi':
      return target(['PyPI'], pkg.name, pkg.version);
    case 'golang':
      // OSV writes Go versions without the "v" the go command puts in front.
      return target(['Go'], pkg.name, pkg.version.startsWith('v') ? pkg.version.slice(1) : pkg.version);
    case 'maven':
      return target(['Maven'], pkg.namespace ? `${pkg.namespace}:${pkg.name}` : pkg.name, pkg.version);
    case 'gem':
      return target(['RubyGems'], pkg.name, pkg.version);
    case 'cargo':
      return target(['crates.io'], pkg.name, pkg.version);
    case 'composer':
      return target(['Packagist'], pkg.namespace ? `${pkg.namespace}/${pkg.name}` : pkg.name, pkg.version);
    case 'nuget':
      return target(['NuGet'], pkg.name, pkg.version);
  }
}
