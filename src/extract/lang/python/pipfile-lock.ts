/**
 * Pipfile.lock (JSON): `default` and `develop` map names to pins ("==1.2.3"). Entries that come
 * from version control or a local path carry no pin and are not registry packages.
 */
import type { ExtractContext, ExtractResult, Extractor, ExtractorFile, FileInfo } from '../../extractor.ts';
import { entries, isRecord, quote, text } from '../support/fields.ts';
import { PackageCollector } from '../support/packages.ts';
import { baseName } from '../support/paths.ts';
import { parseJson, readText } from '../support/file-content.ts';

const SECTIONS = [
  { key: 'default', dev: false },
  { key: 'develop', dev: true },
] as const;

/** Keys of entries that point at sources other than a package index. */
const UNPINNED_SOURCES = ['git', 'hg', 'svn', 'bzr', 'path', 'file', 'editable'];

export const pipfileLockExtractor: Extractor = {
  name: 'lang/pipfile-lock',
  version: 1,

  fileRequired(file: FileInfo): boolean {
    return baseName(file.path) === 'Pipfile.lock';
  },

  async extract(file: ExtractorFile, context: ExtractContext): Promise<ExtractResult> {
    const content = await readText(file, context);
    const lock = content === undefined ? undefined : parseJson(content, context);
    if (lock === undefined) return { packages: [] };
    if (!isRecord(lock)) {
      context.warn('Pipfile.lock is not a JSON object');
      return { packages: [] };
    }
    const collector = new PackageCollector(file.path);
    for (const section of SECTIONS) {
      const pins = lock[section.key];
      if (pins !== undefined && !isRecord(pins)) context.warn(`Pipfile.lock "${section.key}" is not an object`);
      for (const [name, entry] of entries(pins)) {
        const pin = isRecord(entry) ? text(entry['version']) : undefined;
        if (pin === undefined) {
          if (!isRecord(entry) || !UNPINNED_SOURCES.some((source) => source in entry)) {
            context.warn(`Pipfile.lock ${section.key} entry ${quote(name)} has no version; skipped`);
          }
          continue;
        }
        if (!pin.startsWith('==')) {
          context.warn(`Pipfile.lock ${section.key} entry ${quote(name)} is not pinned (${quote(pin)}); skipped`);
          continue;
        }
        collector.add({ type: 'pypi', name, version: pin.replace(/^={2,3}/, '').trim(), dev: section.dev });
      }
    }
    return { packages: collector.packages };
  },
};
