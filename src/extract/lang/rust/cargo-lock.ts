/**
 * Cargo.lock (TOML), versions 1 to 4: every version keeps one `[[package]]` table per crate with
 * `name` and `version`. Crates from a registry or git carry a `source` (kept in metadata); the
 * workspace's own crates have none and are reported as roots.
 */
import type { ExtractContext, ExtractResult, Extractor, ExtractorFile, FileInfo } from '../../extractor.ts';
import { text } from '../support/fields.ts';
import { namedPackageTables } from '../support/package-tables.ts';
import { PackageCollector } from '../support/packages.ts';
import { baseName } from '../support/paths.ts';
import { parseToml, readText } from '../support/file-content.ts';

export const cargoLockExtractor: Extractor = {
  name: 'lang/cargo-lock',
  version: 1,

  fileRequired(file: FileInfo): boolean {
    return baseName(file.path) === 'Cargo.lock';
  },

  async extract(file: ExtractorFile, context: ExtractContext): Promise<ExtractResult> {
    const content = await readText(file, context);
    const lock = content === undefined ? undefined : parseToml(content, context);
    if (lock === undefined) return { packages: [] };
    const collector = new PackageCollector(file.path);
    for (const { table, name, version } of namedPackageTables(lock, 'Cargo.lock', context)) {
      const source = text(table['source']);
      collector.add({ type: 'cargo', name, version, isRoot: source === undefined, metadata: source === undefined ? undefined : { source } });
    }
    return { packages: collector.packages };
  },
};
