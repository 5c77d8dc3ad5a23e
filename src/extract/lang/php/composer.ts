/**
 * Composer's two package lists: composer.lock (`packages` and `packages-dev`) and the installed
 * list Composer writes under the vendor directory, vendor/composer/installed.json (a bare array in
 * Composer 1, `{ packages, dev-package-names }` in Composer 2). Entries share one shape:
 * { name: "vendor/package", version, license: [...] }. Versions are kept as written ("v6.3.5").
 */
import type { ExtractContext, ExtractResult, Extractor, ExtractorFile, FileInfo } from '../../extractor.ts';
import { isRecord, textList, text } from '../support/fields.ts';
import { PackageCollector } from '../support/packages.ts';
import { baseName } from '../support/paths.ts';
import { parseJson, readText } from '../support/file-content.ts';

export const composerLockExtractor: Extractor = {
  name: 'lang/composer-lock',
  version: 1,

  fileRequired(file: FileInfo): boolean {
    return baseName(file.path) === 'composer.lock';
  },

  async extract(file: ExtractorFile, context: ExtractContext): Promise<ExtractResult> {
    const lock = await readJsonObject(file, context);
    if (lock === undefined) return { packages: [] };
    const collector = new PackageCollector(file.path);
    addEntries(lock['packages'], 'packages', () => false, collector, context);
    addEntries(lock['packages-dev'], 'packages-dev', () => true, collector, context);
    return { packages: collector.packages };
  },
};

export const composerInstalledExtractor: Extractor = {
  name: 'lang/composer-installed',
  version: 1,

  fileRequired(file: FileInfo): boolean {
    return file.path === 'composer/installed.json' || file.path.endsWith('/composer/installed.json');
  },

  async extract(file: ExtractorFile, context: ExtractContext): Promise<ExtractResult> {
    const content = await readText(file, context);
    const installed = content === undefined ? undefined : parseJson(content, context);
    if (installed === undefined) return { packages: [] };
    const collector = new PackageCollector(file.path);
    if (Array.isArray(installed)) {
      addEntries(installed, 'installed.json', () => false, collector, context);
    } else if (isRecord(installed)) {
      const devNames = new Set(textList(installed['dev-package-names']));
      addEntries(installed['packages'], 'packages', (name) => devNames.has(name), collector, context);
    } else {
      context.warn('installed.json is neither an array nor an object');
    }
    return { packages: collector.packages };
  },
};

async function readJsonObject(file: ExtractorFile, context: ExtractContext): Promise<Record<string, unknown> | undefined> {
  const content = await readText(file, context);
  const value = content === undefined ? undefined : parseJson(content, context);
  if (value === undefined) return undefined;
  if (!isRecord(value)) {
    context.warn(`${baseName(file.path)} is not a JSON object`);
    return undefined;
  }
  return value;
}

function addEntries(
  list: unknown,
  listName: string,
  isDev: (fullName: string) => boolean,
  collector: PackageCollector,
  context: ExtractContext,
): void {
  if (list === undefined) return;
  if (!Array.isArray(list)) {
    context.warn(`"${listName}" is not an array`);
    return;
  }
  list.forEach((entry: unknown, index) => {
    const fullName = isRecord(entry) ? text(entry['name']) : undefined;
    const version = isRecord(entry) ? text(entry['version']) : undefined;
    if (!isRecord(entry) || fullName === undefined || version === undefined) {
      context.warn(`"${listName}" entry #${index + 1} has no name or version; skipped`);
      return;
    }
    collector.add({ type: 'composer', ...splitComposerName(fullName), version, licenses: textList(entry['license']), dev: isDev(fullName) });
  });
}

/** "symfony/console" -> { namespace: "symfony", name: "console" }; a name without a vendor stays whole. */
function splitComposerName(fullName: string): { namespace?: string; name: string } {
  const slash = fullName.indexOf('/');
  return slash > 0 && slash < fullName.length - 1 ? { namespace: fullName.slice(0, slash), name: fullName.slice(slash + 1) } : { name: fullName };
}
