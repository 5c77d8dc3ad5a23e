/**
 * Turns a binary's build info into packages: the main module (isRoot), every dependency as the code
 * actually compiled in, and the standard library as the module `stdlib`.
 *
 * Replacements: a dependency replaced by another module reports the replacement's path and version
 * (that is the code in the binary, and advisories are filed against it); one replaced by a local
 * directory has no version of its own, so it reports the original path and version, with the
 * directory in metadata (`replacement`) — a match there is a lead, not a certainty.
 */
import type { ExtractedPackage } from '../../../inventory/index.ts';
import { languagePackage } from '../support/packages.ts';
import type { GoModule, ModInfo } from './modinfo.ts';

/**
 * The toolchain version in the semver form Go modules use: "go1.21.3" -> "v1.21.3", "go1.21" ->
 * "v1.21.0", "go1.21rc2" -> "v1.21.0-rc.2", "go1.18beta1" -> "v1.18.0-beta.1". Suffixes after a
 * space (" X:boringcrypto") are dropped. OSV's Go records spell the same versions without the "v"
 * ("1.21.3", "1.21.0-rc.2"), exactly as they spell module versions, so one rule (drop the "v")
 * serves both. Development toolchains ("devel go1.22-abcdef ...") have no release version: undefined.
 */
export function stdlibVersion(goVersion: string): string | undefined {
  const release = goVersion.split(' ', 1)[0]!;
  const match = /^go1\.(\d+)(?:\.(\d+))?(?:(rc|beta|alpha)(\d+))?$/.exec(release);
  if (match === null) return undefined;
  const [, minor, patch, stage, stageNumber] = match;
  const core = `v1.${minor}.${patch ?? '0'}`;
  return stage === undefined ? core : `${core}-${stage}.${stageNumber}`;
}

/** A replacement that is a directory on the build machine, not a module version. */
function isLocalReplacement(replacement: GoModule): boolean {
  return replacement.version === '' || replacement.version === '(devel)' || /^(\.{1,2}\/|\/|[A-Za-z]:\\)/.test(replacement.path);
}

export function goPackages(goVersion: string, info: ModInfo, location: string): ExtractedPackage[] {
  const packages: ExtractedPackage[] = [];
  const toolchain = { goVersion };
  // How the program was built: on the main module, or without one (GOPATH builds, `go build
  // file.go`) on the stdlib, the one package every Go binary has.
  const buildFacts: Record<string, string> = { ...toolchain, ...Object.fromEntries(info.build.map(([key, value]) => [`build.${key}`, value])) };
  if (info.path !== undefined) buildFacts.mainPackage = info.path;
  if (info.main !== undefined) {
    const { path, version } = info.main;
    packages.push(languagePackage({ type: 'golang', name: path, version, isRoot: true, metadata: buildFacts }, location));
  }
  for (const dep of info.deps) packages.push(dependencyPackage(dep, toolchain, location));
  const stdlib = stdlibVersion(goVersion);
  if (stdlib !== undefined) {
    const metadata = info.main === undefined ? buildFacts : toolchain;
    packages.push(languagePackage({ type: 'golang', name: 'stdlib', version: stdlib, metadata }, location));
  }
  return packages;
}

function dependencyPackage(dep: GoModule, toolchain: Record<string, string>, location: string): ExtractedPackage {
  const metadata: Record<string, string> = { ...toolchain };
  const replacement = dep.replace;
  if (replacement === undefined) {
    if (dep.sum !== undefined) metadata.sum = dep.sum;
    return languagePackage({ type: 'golang', name: dep.path, version: dep.version, metadata }, location);
  }
  if (isLocalReplacement(replacement)) {
    metadata.replacement = replacement.path;
    return languagePackage({ type: 'golang', name: dep.path, version: dep.version, metadata }, location);
  }
  metadata.replaces = `${dep.path}@${dep.version}`;
  if (replacement.sum !== undefined) metadata.sum = replacement.sum;
  return languagePackage({ type: 'golang', name: replacement.path, version: replacement.version, metadata }, location);
}
