/**
 * One installed rpm as its database header describes it: identity (NAME, EPOCH, VERSION,
 * RELEASE, ARCH), the source RPM it was built from, its license, and the files it owns.
 */
import { inputError } from '../../../core/index.ts';
import type { ExtractedPackage } from '../../../inventory/index.ts';
import type { FileOwnership } from '../../extractor.ts';
import { RpmHeader } from './header.ts';

/** Tag numbers from rpm's include/rpm/rpmtag.h. */
const TAG = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  VENDOR: 1011,
  LICENSE: 1014,
  URL: 1020,
  ARCH: 1022,
  SOURCERPM: 1044,
  DIRINDEXES: 1116,
  BASENAMES: 1117,
  DIRNAMES: 1118,
} as const;

/** The package rpm invents for each imported signing key; not software. */
const GPG_PUBKEY = 'gpg-pubkey';

export interface InstalledRpm {
  pkg: ExtractedPackage;
  ownership: FileOwnership;
}

/**
 * The package in `blob`, or undefined for a gpg-pubkey pseudo-package. Throws INPUT for a blob
 * that is malformed or lacks NAME, VERSION or RELEASE.
 */
export function readInstalledRpm(blob: Uint8Array, location: string): InstalledRpm | undefined {
  const header = RpmHeader.parse(blob);
  const name = header.string(TAG.NAME);
  if (name === GPG_PUBKEY) return undefined;
  const version = header.string(TAG.VERSION);
  const release = header.string(TAG.RELEASE);
  if (!name || !version || !release) throw inputError('rpm header: NAME, VERSION or RELEASE missing');

  const pkg: ExtractedPackage = { type: 'rpm', name, version, release, locations: [location] };
  const epoch = header.int32Array(TAG.EPOCH)?.[0];
  if (epoch !== undefined) pkg.epoch = epoch;
  const arch = header.string(TAG.ARCH);
  if (arch) pkg.arch = arch;
  const license = header.string(TAG.LICENSE);
  pkg.licenses = license ? [license] : [];

  const sourceRpm = header.string(TAG.SOURCERPM);
  const source = sourceRpm ? parseSourceRpm(sourceRpm) : undefined;
  pkg.sourceName = source?.name ?? name;
  pkg.sourceVersion = source?.version ?? `${version}-${release}`;

  const metadata: Record<string, string> = {};
  const vendor = header.string(TAG.VENDOR);
  const homepage = header.string(TAG.URL);
  if (sourceRpm) metadata.sourceRpm = sourceRpm;
  if (vendor) metadata.vendor = vendor;
  if (homepage) metadata.homepage = homepage;
  if (Object.keys(metadata).length > 0) pkg.metadata = metadata;

  return { pkg, ownership: { type: 'rpm', name, paths: ownedPaths(header) } };
}

/** "bash-5.1.8-6.el9.src.rpm" -> name "bash", version "5.1.8-6.el9" (name-version-release). */
export function parseSourceRpm(fileName: string): { name: string; version: string } | undefined {
  const nvr = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(fileName);
  if (nvr?.[1] === undefined || nvr[2] === undefined || nvr[3] === undefined) return undefined;
  return { name: nvr[1], version: `${nvr[2]}-${nvr[3]}` };
}

/** The compressed file list: BASENAMES[i] lives in DIRNAMES[DIRINDEXES[i]]. */
function ownedPaths(header: RpmHeader): string[] {
  const basenames = header.stringArray(TAG.BASENAMES);
  if (basenames === undefined) return [];
  const dirnames = header.stringArray(TAG.DIRNAMES) ?? [];
  const dirIndexes = header.int32Array(TAG.DIRINDEXES) ?? [];
  if (dirIndexes.length !== basenames.length) {
    throw inputError(`rpm header: ${basenames.length} file names but ${dirIndexes.length} directory indexes`);
  }
  return basenames.map((basename, index) => {
    const dirname = dirnames[dirIndexes[index]!];
    if (dirname === undefined) throw inputError(`rpm header: file ${index} refers to directory ${dirIndexes[index]} of ${dirnames.length}`);
    return `${dirname}${basename}`.replace(/^\/+/, '');
  });
}
