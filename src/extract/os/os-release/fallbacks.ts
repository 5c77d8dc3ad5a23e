/**
 * The one-line release files older or minimal images carry instead of os-release:
 * etc/alpine-release, etc/debian_version and etc/redhat-release (with its Rocky, Alma, CentOS and
 * Fedora look-alikes). Each is turned into the OSInfo its os-release would have given.
 */
import type { OSInfo } from '../../../inventory/index.ts';

/** The OS a release file describes (plus the lines it had to skip), or why it describes none. */
export type ReleaseFileResult = { os: Omit<OSInfo, 'source'>; problems?: string[] } | { error: string };

/** "3.20.3", "3.21_alpha20240923" (edge). */
export function parseAlpineRelease(text: string): ReleaseFileResult {
  const version = firstLine(text);
  if (!/^[0-9][0-9A-Za-z._-]*$/.test(version)) return { error: 'not an Alpine version' };
  return { os: { id: 'alpine', versionId: version } };
}

/** Debian's codename for each release number, as os-release VERSION_CODENAME spells it. */
const DEBIAN_CODENAMES: Record<string, string> = {
  '7': 'wheezy',
  '8': 'jessie',
  '9': 'stretch',
  '10': 'buster',
  '11': 'bullseye',
  '12': 'bookworm',
  '13': 'trixie',
  '14': 'forky',
};

/**
 * "12.5" (a point release: os-release's VERSION_ID is the major number) or "trixie/sid" (testing
 * and unstable have no number, only the codename of the next release).
 */
export function parseDebianVersion(text: string): ReleaseFileResult {
  const version = firstLine(text);
  const numbered = /^(\d+)(?:\.\d+)*$/.exec(version);
  if (numbered?.[1] !== undefined) {
    const codename = DEBIAN_CODENAMES[numbered[1]];
    return { os: { id: 'debian', versionId: numbered[1], ...(codename ? { codename } : {}) } };
  }
  const unreleased = /^([a-z]+)\/sid$/.exec(version);
  if (unreleased?.[1] !== undefined) return { os: { id: 'debian', codename: unreleased[1] } };
  return { error: 'not a Debian version' };
}

/** Product names of redhat-release lines -> os-release ID, first match wins. */
const REDHAT_FAMILY: Array<{ prefix: string; id: string; majorOnly: boolean }> = [
  { prefix: 'Red Hat Enterprise Linux', id: 'rhel', majorOnly: false },
  { prefix: 'Rocky Linux', id: 'rocky', majorOnly: false },
  { prefix: 'AlmaLinux', id: 'almalinux', majorOnly: false },
  // CentOS writes "7.9.2009" here but "7" in os-release.
  { prefix: 'CentOS', id: 'centos', majorOnly: true },
  { prefix: 'Fedora', id: 'fedora', majorOnly: false },
];

/** "Red Hat Enterprise Linux release 9.4 (Plow)", "CentOS Stream release 9", "Fedora release 40 (Forty)". */
export function parseRedhatRelease(text: string): ReleaseFileResult {
  const line = firstLine(text);
  const match = /^(.+?) release (\d+(?:\.\d+)*)(?: \(([^()]*)\))?$/.exec(line);
  if (match?.[1] === undefined || match[2] === undefined) return { error: 'not a "<product> release <version> (<name>)" line' };
  const product = match[1];
  const family = REDHAT_FAMILY.find((candidate) => product.startsWith(candidate.prefix));
  if (!family) return { error: `unknown product ${JSON.stringify(product.slice(0, 60))}` };
  const versionId = family.majorOnly ? match[2].split('.')[0]! : match[2];
  return { os: { id: family.id, versionId, prettyName: line } };
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').trim();
}
