/**
 * The explicit list of extractors. Adding an extractor means adding it here (docs/extractors/
 * adding-an-extractor.md); nothing registers itself on import.
 */
import type { Extractor } from './extractor.ts';
import { apkExtractor } from './os/apk/index.ts';
import { dpkgExtractor } from './os/dpkg/index.ts';
import { osReleaseExtractor } from './os/os-release/index.ts';
import { rpmExtractor } from './os/rpm/index.ts';
import { dotnetDepsExtractor } from './lang/dotnet/index.ts';
import { goBinaryExtractor } from './lang/go-binary/index.ts';
import { javaArchiveExtractor } from './lang/java-archive/index.ts';
import { npmInstalledExtractor, npmLockExtractor, pnpmLockExtractor, yarnLockExtractor } from './lang/npm/index.ts';
import { composerInstalledExtractor, composerLockExtractor } from './lang/php/index.ts';
import { pipfileLockExtractor, poetryLockExtractor, pythonInstalledExtractor, requirementsExtractor } from './lang/python/index.ts';
import { gemfileLockExtractor, gemspecExtractor } from './lang/ruby/index.ts';
import { cargoLockExtractor } from './lang/rust/index.ts';

const OS_EXTRACTORS: readonly Extractor[] = [osReleaseExtractor, dpkgExtractor, apkExtractor, rpmExtractor];

const LANGUAGE_EXTRACTORS: readonly Extractor[] = [
  npmInstalledExtractor,
  npmLockExtractor,
  yarnLockExtractor,
  pnpmLockExtractor,
  pythonInstalledExtractor,
  poetryLockExtractor,
  pipfileLockExtractor,
  requirementsExtractor,
  gemspecExtractor,
  gemfileLockExtractor,
  cargoLockExtractor,
  composerLockExtractor,
  composerInstalledExtractor,
  dotnetDepsExtractor,
  goBinaryExtractor,
  javaArchiveExtractor,
];

export function defaultExtractors(): readonly Extractor[] {
  return [...OS_EXTRACTORS, ...LANGUAGE_EXTRACTORS];
}

/** Extractors by category: 'os' or 'lang' (the part of the name before '/'). */
export function extractorsFor(categories: ReadonlySet<string>): readonly Extractor[] {
  return defaultExtractors().filter((extractor) => categories.has(extractor.name.split('/')[0]!));
}
