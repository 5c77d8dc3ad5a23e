/**
 * pnpm-lock.yaml. The `packages` map names each resolved package in its key, spelled differently
 * by each lock file generation:
 *   5.x  "/name/1.0.0", "/@scope/name/1.0.0_peer@2.0.0"
 *   6.x  "/name@1.0.0", "/@scope/name@1.0.0(peer@2.0.0)"
 *   9.x  "name@1.0.0", "@scope/name@1.0.0" (peer variants live in `snapshots`, not read here)
 * Entries of packages that do not come from a registry (tarballs, git) carry `name`/`version`
 * fields, which win over the key. pnpm 9 no longer marks development packages in `packages`:
 * for 9.x the flag comes from the dependency graph (pnpm-dev.ts).
 */
import type { ExtractContext, ExtractResult, Extractor, ExtractorFile, FileInfo } from '../../extractor.ts';
import { entries, flag, isRecord, quote, text } from '../support/fields.ts';
import { PackageCollector } from '../support/packages.ts';
import { baseName, isInsideNodeModules } from '../support/paths.ts';
import { parseYamlDocuments, readText } from '../support/file-content.ts';
import { splitNpmName } from './names.ts';
import { developmentOnlyPackages } from './pnpm-dev.ts';

export const pnpmLockExtractor: Extractor = {
  name: 'lang/pnpm-lock',
  version: 1,

  fileRequired(file: FileInfo): boolean {
    return baseName(file.path) === 'pnpm-lock.yaml' && !isInsideNodeModules(file.path);
  },

  async extract(file: ExtractorFile, context: ExtractContext): Promise<ExtractResult> {
    const content = await readText(file, context);
    const documents = content === undefined ? undefined : parseYamlDocuments(content, context);
    if (documents === undefined) return { packages: [] };
    // pnpm 9.7+ may prepend a document for its own tooling; the project's lock is the last one.
    const lock = documents.filter(isRecord).findLast((document) => 'packages' in document || 'importers' in document);
    if (lock === undefined) {
      if (!documents.every(isRecord)) context.warn('pnpm-lock.yaml is not a YAML mapping');
      return { packages: [] };
    }
    const major = Number.parseInt(text(lock['lockfileVersion']) ?? '', 10);
    if (Number.isNaN(major)) {
      context.warn('pnpm-lock.yaml has no lockfileVersion; read as version 9');
    }
    const keyParser = major <= 5 ? parseSlashKey : parseAtKey;
    const graphDev = major >= 9 || Number.isNaN(major) ? developmentOnlyPackages(lock) : undefined;
    const collector = new PackageCollector(file.path);
    if (lock['packages'] !== undefined && !isRecord(lock['packages'])) context.warn('pnpm-lock.yaml "packages" is not a mapping');
    for (const [key, entry] of entries(lock['packages'])) {
      if (!isRecord(entry)) {
        context.warn(`pnpm-lock.yaml package ${quote(key)} is not a mapping; skipped`);
        continue;
      }
      const fromKey = keyParser(key);
      const fullName = text(entry['name']) ?? fromKey?.name;
      const version = text(entry['version']) ?? fromKey?.version;
      if (fullName === undefined || version === undefined) {
        context.warn(`pnpm-lock.yaml package ${quote(key)}: no name and version; skipped`);
        continue;
      }
      const dev = graphDev === undefined ? flag(entry['dev']) : graphDev.has(key);
      collector.add({ type: 'npm', ...splitNpmName(fullName), version, dev });
    }
    return { packages: collector.packages };
  },
};

interface KeyParts {
  name: string;
  version: string;
}

/** Lock file 5.x: "/name/1.0.0" or "/@scope/name/1.0.0", peers after '_'. */
function parseSlashKey(key: string): KeyParts | undefined {
  const segments = key.replace(/^\//, '').split('/');
  const scoped = segments[0]?.startsWith('@') === true;
  const nameLength = scoped ? 2 : 1;
  if (segments.length !== nameLength + 1) return undefined;
  const name = segments.slice(0, nameLength).join('/');
  const version = (segments[nameLength] ?? '').split('_', 1)[0] ?? '';
  return name === '' || version === '' ? undefined : { name, version };
}

/** Lock file 6.x and 9.x: "/name@1.0.0" or "name@1.0.0", peers in parentheses. */
function parseAtKey(key: string): KeyParts | undefined {
  const spec = key.replace(/^\//, '');
  const at = spec.indexOf('@', 1);
  if (at <= 0) return undefined;
  const name = spec.slice(0, at);
  const version = spec.slice(at + 1).split('(', 1)[0] ?? '';
  return version === '' ? undefined : { name, version };
}
