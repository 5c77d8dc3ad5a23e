/**
 * yarn.lock, both generations: version 1 (yarn classic, its own text format) and the YAML files of
 * yarn 2+ ("berry", recognised by their `__metadata` block). Entries that point at the project's
 * own folders (workspace:, link:, portal:) are not packages and are skipped.
 */
import type { ExtractContext, ExtractResult, Extractor, ExtractorFile, FileInfo } from '../../extractor.ts';
import { entries, isRecord, quote, text } from '../support/fields.ts';
import { PackageCollector } from '../support/packages.ts';
import { baseName, isInsideNodeModules } from '../support/paths.ts';
import { parseYamlDocuments, readText } from '../support/file-content.ts';
import { splitNpmName } from './names.ts';
import { parseYarnV1 } from './yarn-v1.ts';

const LOCAL_PROTOCOLS = ['workspace:', 'link:', 'portal:'];

export const yarnLockExtractor: Extractor = {
  name: 'lang/yarn-lock',
  version: 1,

  fileRequired(file: FileInfo): boolean {
    return baseName(file.path) === 'yarn.lock' && !isInsideNodeModules(file.path);
  },

  async extract(file: ExtractorFile, context: ExtractContext): Promise<ExtractResult> {
    const content = await readText(file, context);
    if (content === undefined) return { packages: [] };
    const collector = new PackageCollector(file.path);
    if (/^__metadata:/m.test(content)) readBerry(content, collector, context);
    else readClassic(content, collector, context);
    return { packages: collector.packages };
  },
};

/** A specifier or resolution "name@range" split at the '@' that ends the (possibly scoped) name. */
function splitSpecifier(specifier: string): { name: string; range: string } | undefined {
  const at = specifier.indexOf('@', 1);
  if (at <= 0) return undefined;
  return { name: specifier.slice(0, at), range: specifier.slice(at + 1) };
}

function isLocal(range: string): boolean {
  return LOCAL_PROTOCOLS.some((protocol) => range.startsWith(protocol));
}

function readClassic(content: string, collector: PackageCollector, context: ExtractContext): void {
  const { entries: lockEntries, problems } = parseYarnV1(content);
  for (const message of problems) context.warn(`yarn.lock ${message}`);
  for (const entry of lockEntries) {
    const specifier = entry.specifiers[0] === undefined ? undefined : splitSpecifier(entry.specifiers[0]);
    if (specifier === undefined) {
      context.warn(`yarn.lock line ${entry.line}: header names no package; skipped`);
      continue;
    }
    if (isLocal(specifier.range)) continue;
    const version = entry.fields.get('version');
    if (version === undefined || version === '') {
      context.warn(`yarn.lock line ${entry.line}: ${quote(specifier.name)} has no version; skipped`);
      continue;
    }
    // An alias ("alias@npm:real@^1") installs the real package.
    const aliased = specifier.range.startsWith('npm:') ? splitSpecifier(specifier.range.slice('npm:'.length)) : undefined;
    collector.add({ type: 'npm', ...splitNpmName(aliased?.name ?? specifier.name), version });
  }
}

function readBerry(content: string, collector: PackageCollector, context: ExtractContext): void {
  const [lock] = parseYamlDocuments(content, context) ?? [];
  if (lock === undefined) return;
  if (!isRecord(lock)) {
    context.warn('yarn.lock is not a YAML mapping');
    return;
  }
  for (const [key, entry] of entries(lock)) {
    if (key === '__metadata') continue;
    if (!isRecord(entry)) {
      context.warn(`yarn.lock entry ${quote(key)} is not a mapping; skipped`);
      continue;
    }
    const resolution = splitSpecifier(text(entry['resolution']) ?? key.split(',')[0]?.trim() ?? '');
    if (resolution === undefined) {
      context.warn(`yarn.lock entry ${quote(key)} names no package; skipped`);
      continue;
    }
    if (isLocal(resolution.range)) continue;
    const version = text(entry['version']);
    if (version === undefined) {
      context.warn(`yarn.lock entry ${quote(key)} has no version; skipped`);
      continue;
    }
    collector.add({ type: 'npm', ...splitNpmName(resolution.name), version });
  }
}
