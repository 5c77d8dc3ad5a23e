/**
 * poetry.lock (TOML): one `[[package]]` table per locked distribution. Poetry before 1.5 marks
 * development-only packages with `category = "dev"`; later versions drop the field.
 */
import type { ExtractContext, ExtractResult, Extractor, ExtractorFile, FileInfo } from '../../extractor.ts';
import { namedPackageTables } from '../support/package-tables.ts';
import { PackageCollector } from '../support/packages.ts';
import { baseName } from '../support/paths.ts';
import { parseToml, readText } from '../support/file-content.ts';

export const poetryLockExtractor: Extractor = {
  name: 'lang/poetry-lock',
  version: 1,

  fileRequired(file: FileInfo): boolean {
    return baseName(file.path) === 'poetry.lock';
  },

  async extract(file: ExtractorFile, context: ExtractContext): Promise<ExtractResult> {
    const content = await readText(file, context);
    const lock = content === undefined ? undefined : parseToml(content, context);
    if (lock === undefined) return { packages: [] };
    const collector = new PackageCollector(file.path);
    for (const { table, name, version } of namedPackageTables(lock, 'poetry.lock', context)) {
      collector.add({ type: 'pypi', name, version, dev: table['category'] === 'dev' });
    }
    return { packages: collector.packages };
  },
};
