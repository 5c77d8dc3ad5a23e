/**
 * npm lock files: package-lock.json and npm-shrinkwrap.json. Version 1 nests packages under
 * `dependencies`; versions 2 and 3 list every install path in a flat `packages` map whose key ""
 * is the project itself (version 2 carries both forms: the `packages` map wins).
 */
import type { ExtractContext, ExtractResult, Extractor, ExtractorFile, FileInfo } from '../../extractor.ts';
import { entries, flag, isRecord, quote, text } from '../support/fields.ts';
import { PackageCollector } from '../support/packages.ts';
import { baseName, isInsideNodeModules } from '../support/paths.ts';
import { parseJson, readText } from '../support/file-content.ts';
import { nameFromInstallPath, npmLicenses, splitNpmName } from './names.ts';

const LOCK_FILE_NAMES = new Set(['package-lock.json', 'npm-shrinkwrap.json']);

export const npmLockExtractor: Extractor = {
  name: 'lang/npm-lock',
  version: 1,

  fileRequired(file: FileInfo): boolean {
    const name = baseName(file.path);
    // A shrinkwrap file is honoured when its package is installed; a package-lock.json is not.
    return LOCK_FILE_NAMES.has(name) && (name === 'npm-shrinkwrap.json' || !isInsideNodeModules(file.path));
  },

  async extract(file: ExtractorFile, context: ExtractContext): Promise<ExtractResult> {
    const content = await readText(file, context);
    const lock = content === undefined ? undefined : parseJson(content, context);
    if (lock === undefined) return { packages: [] };
    if (!isRecord(lock)) {
      context.warn('npm lock file is not a JSON object');
      return { packages: [] };
    }
    const collector = new PackageCollector(file.path);
    if (isRecord(lock['packages'])) {
      readPackagesMap(lock, lock['packages'], collector, context);
    } else if (isRecord(lock['dependencies'])) {
      addRoot(text(lock['name']), text(lock['version']), collector);
      readDependencyTree(lock['dependencies'], collector, context);
    } else if (lock['packages'] !== undefined || lock['dependencies'] !== undefined) {
      context.warn('npm lock file: "packages" and "dependencies" are not objects');
    }
    return { packages: collector.packages };
  },
};

function addRoot(fullName: string | undefined, version: string | undefined, collector: PackageCollector, licenses?: string[]): void {
  if (fullName === undefined || version === undefined) return;
  collector.add({ type: 'npm', ...splitNpmName(fullName), version, licenses, isRoot: true });
}

/** Lock file versions 2 and 3: one entry per install path. */
function readPackagesMap(lock: Record<string, unknown>, packages: Record<string, unknown>, collector: PackageCollector, context: ExtractContext): void {
  for (const [path, entry] of entries(packages)) {
    if (!isRecord(entry)) {
      context.warn(`entry ${quote(path)} is not an object; skipped`);
      continue;
    }
    // A link points at a folder that has its own entry in the map.
    if (flag(entry['link'])) continue;
    const licenses = npmLicenses(entry);
    if (path === '') {
      addRoot(text(entry['name']) ?? text(lock['name']), text(entry['version']) ?? text(lock['version']), collector, licenses);
      continue;
    }
    const installedName = nameFromInstallPath(path);
    if (installedName === undefined) {
      // A workspace member's folder: the project's own code.
      addRoot(text(entry['name']), text(entry['version']), collector, licenses);
      continue;
    }
    const fullName = text(entry['name']) ?? installedName;
    const version = text(entry['version']);
    if (version === undefined) {
      context.warn(`entry ${quote(path)} has no version; skipped`);
      continue;
    }
    collector.add({ type: 'npm', ...splitNpmName(fullName), version, licenses, dev: flag(entry['dev']) });
  }
}

/** Lock file version 1: `dependencies` nested as deep as the install tree (walked without recursion). */
function readDependencyTree(top: Record<string, unknown>, collector: PackageCollector, context: ExtractContext): void {
  const pending: Array<Record<string, unknown>> = [top];
  for (let level = pending.pop(); level !== undefined; level = pending.pop()) {
    for (const [declaredName, entry] of entries(level)) {
      if (!isRecord(entry)) {
        context.warn(`dependency ${quote(declaredName)} is not an object; skipped`);
        continue;
      }
      if (isRecord(entry['dependencies'])) pending.push(entry['dependencies']);
      const declared = text(entry['version']);
      if (declared === undefined) {
        context.warn(`dependency ${quote(declaredName)} has no version; skipped`);
        continue;
      }
      const resolved = resolveV1Version(declaredName, declared);
      if (resolved === undefined) continue;
      collector.add({ type: 'npm', ...splitNpmName(resolved.name), version: resolved.version, dev: flag(entry['dev']) });
    }
  }
}

/**
 * A version 1 `version` is a version, an alias ("npm:real-name@1.2.3") or, for local folders, a
 * "file:" path (the project's own code: not a package).
 */
function resolveV1Version(name: string, version: string): { name: string; version: string } | undefined {
  if (version.startsWith('file:') || version.startsWith('link:')) return undefined;
  if (version.startsWith('npm:')) {
    const spec = version.slice('npm:'.length);
    const at = spec.lastIndexOf('@');
    if (at > 0) return { name: spec.slice(0, at), version: spec.slice(at + 1) };
  }
  return { name, version };
}
