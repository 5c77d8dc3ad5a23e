/**
 * .NET dependency manifests (`<app>.deps.json`), written next to every published application. Its
 * `libraries` map is keyed "Name/Version": entries of type "package" are NuGet packages, the
 * "project" entries are the application's own assemblies (roots); reference assemblies and runtime
 * packs are part of the runtime and not reported.
 */
import type { ExtractContext, ExtractResult, Extractor, ExtractorFile, FileInfo } from '../../extractor.ts';
import { entries, isRecord, quote, text } from '../support/fields.ts';
import { PackageCollector } from '../support/packages.ts';
import { parseJson, readText } from '../support/file-content.ts';

export const dotnetDepsExtractor: Extractor = {
  name: 'lang/dotnet-deps',
  version: 1,

  fileRequired(file: FileInfo): boolean {
    return file.path.endsWith('.deps.json');
  },

  async extract(file: ExtractorFile, context: ExtractContext): Promise<ExtractResult> {
    const content = await readText(file, context);
    const manifest = content === undefined ? undefined : parseJson(content, context);
    if (manifest === undefined) return { packages: [] };
    if (!isRecord(manifest) || !isRecord(manifest['libraries'])) {
      context.warn('deps.json has no "libraries" object');
      return { packages: [] };
    }
    const collector = new PackageCollector(file.path);
    for (const [key, library] of entries(manifest['libraries'])) {
      const type = isRecord(library) ? text(library['type']) : undefined;
      if (type === undefined) {
        context.warn(`library ${quote(key)} has no type; skipped`);
        continue;
      }
      if (type !== 'package' && type !== 'project') continue;
      const slash = key.lastIndexOf('/');
      const name = key.slice(0, Math.max(slash, 0)).trim();
      const version = key.slice(slash + 1).trim();
      if (slash <= 0 || name === '' || version === '') {
        context.warn(`library key ${quote(key)} is not "Name/Version"; skipped`);
        continue;
      }
      collector.add({ type: 'nuget', name, version, isRoot: type === 'project' });
    }
    return { packages: collector.packages };
  },
};
