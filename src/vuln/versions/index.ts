/**
 * Version comparators by ecosystem: the one place the matcher asks "is this installed version
 * inside that advisory range?". Ecosystem names are spelled as OSV spells them; a release suffix
 * (`Debian:12`, `Alpine:v3.20`, `Ubuntu:22.04:LTS`) is accepted and ignored, since the order of
 * versions does not change between releases of a distribution.
 */
import { PortcullisError } from '../../core/index.ts';
import type { VersionComparator } from './types.ts';
import { apkComparator } from './apk.ts';
import { cargoComparator } from './cargo.ts';
import { dpkgComparator } from './dpkg.ts';
import { goComparator } from './go.ts';
import { mavenComparator } from './maven.ts';
import { npmComparator } from './npm.ts';
import { nugetComparator } from './nuget.ts';
import { packagistComparator } from './packagist.ts';
import { pep440Comparator } from './pep440.ts';
import { rpmComparator } from './rpm.ts';
import { rubygemsComparator } from './rubygems.ts';

export type { VersionComparator } from './types.ts';
export { isValidNpmRange, npmSatisfies, type NpmRangeOptions } from './npm.ts';

export type Ecosystem =
  | 'Debian'
  | 'Ubuntu'
  | 'Alpine'
  | 'Red Hat'
  | 'npm'
  | 'PyPI'
  | 'Maven'
  | 'Go'
  | 'RubyGems'
  | 'crates.io'
  | 'NuGet'
  | 'Packagist';

const COMPARATORS: Readonly<Record<Ecosystem, VersionComparator>> = {
  Debian: dpkgComparator,
  Ubuntu: dpkgComparator,
  Alpine: apkComparator,
  'Red Hat': rpmComparator,
  npm: npmComparator,
  PyPI: pep440Comparator,
  Maven: mavenComparator,
  Go: goComparator,
  RubyGems: rubygemsComparator,
  'crates.io': cargoComparator,
  NuGet: nugetComparator,
  Packagist: packagistComparator,
};

export const ECOSYSTEMS: readonly Ecosystem[] = Object.keys(COMPARATORS) as Ecosystem[];

function isEcosystem(name: string): name is Ecosystem {
  return Object.hasOwn(COMPARATORS, name);
}

/** The comparator for an OSV ecosystem name; UNSUPPORTED for ecosystems Portcullis cannot order. */
export function comparatorFor(ecosystem: string): VersionComparator {
  const colon = ecosystem.indexOf(':');
  const name = colon === -1 ? ecosystem : ecosystem.slice(0, colon);
  if (!isEcosystem(name)) {
    throw new PortcullisError('UNSUPPORTED', `no version comparator for ecosystem ${JSON.stringify(ecosystem.slice(0, 100))}`);
  }
  return COMPARATORS[name];
}

/** Negative, 0 or positive as `a` is older than, the same as, or newer than `b` in `ecosystem`. */
export function compareVersions(ecosystem: string, a: string, b: string): number {
  return comparatorFor(ecosystem).compare(a, b);
}
