/**
 * Package URLs (purl) for inventory packages. OS packages carry the distro as a qualifier
 * (`distro=debian-12`) and the epoch as its own qualifier, with the version written without it,
 * so that two tools naming the same package produce the same purl.
 */
import { PackageURL } from 'packageurl-js';
import type { ExtractedPackage, OSInfo } from './types.ts';

/** `debian-12`, `alpine-3.20.3`, `rhel-9.4`; undefined when the OS is unknown. */
export function distroQualifier(os: OSInfo | undefined): string | undefined {
  if (!os) return undefined;
  return os.versionId ? `${os.id}-${os.versionId}` : os.id;
}

/** dpkg writes `epoch:upstream-revision`; the purl keeps the epoch apart. */
function splitEpoch(version: string): { epoch?: string; version: string } {
  const match = /^(\d+):(.+)$/.exec(version);
  return match ? { epoch: match[1], version: match[2]! } : { version };
}

function osPurl(pkg: ExtractedPackage, os: OSInfo | undefined): string {
  const qualifiers: Record<string, string> = {};
  if (pkg.arch) qualifiers.arch = pkg.arch;
  const distro = distroQualifier(os);
  if (distro) qualifiers.distro = distro;
  let { epoch, version } = splitEpoch(pkg.version);
  if (pkg.epoch !== undefined && pkg.epoch > 0) epoch = String(pkg.epoch);
  if (epoch !== undefined && epoch !== '0') qualifiers.epoch = epoch;
  if (pkg.type === 'rpm' && pkg.release) version = `${version}-${pkg.release}`;
  // The namespace is the vendor; an OS package database that does not belong to the detected OS
  // (an rpmdb inside a Debian image) gets no vendor rather than a wrong one.
  const vendor = os && osFamilyOf(os.id) === pkg.type ? os.id : undefined;
  return new PackageURL(pkg.type, vendor, pkg.name, version, qualifiers, undefined).toString();
}

const FAMILY: Record<string, ExtractedPackage['type']> = {
  debian: 'deb',
  ubuntu: 'deb',
  alpine: 'apk',
  wolfi: 'apk',
  rhel: 'rpm',
  centos: 'rpm',
  fedora: 'rpm',
  rocky: 'rpm',
  almalinux: 'rpm',
  ol: 'rpm',
  amzn: 'rpm',
  opensuse: 'rpm',
  'opensuse-leap': 'rpm',
  sles: 'rpm',
  photon: 'rpm',
  mariner: 'rpm',
  azurelinux: 'rpm',
};

/** The package type an OS's own package manager produces ('deb' for debian), if known. */
export function osFamilyOf(osId: string): ExtractedPackage['type'] | undefined {
  return FAMILY[osId];
}

/** Go module paths split at the last '/' into purl namespace and name. */
function goPurl(pkg: ExtractedPackage): string {
  const slash = pkg.name.lastIndexOf('/');
  const namespace = slash > 0 ? pkg.name.slice(0, slash) : undefined;
  const name = slash > 0 ? pkg.name.slice(slash + 1) : pkg.name;
  return new PackageURL('golang', namespace, name, pkg.version, undefined, undefined).toString();
}

export function purlFor(pkg: ExtractedPackage, os: OSInfo | undefined): string {
  switch (pkg.type) {
    case 'deb':
    case 'apk':
    case 'rpm':
      return osPurl(pkg, os);
    case 'golang':
      return goPurl(pkg);
    case 'npm':
    case 'pypi':
    case 'maven':
    case 'gem':
    case 'cargo':
    case 'composer':
    case 'nuget':
      return new PackageURL(pkg.type, pkg.namespace, pkg.name, pkg.version, undefined, undefined).toString();
  }
}
