/**
 * OSV in its two published shapes: a directory tree of `.json`/`.yaml` records (GHSA, Go, PyPA,
 * RustSec, OSS-Fuzz repositories) and the per-ecosystem `all.zip` exports of osv.dev.
 */
import { extname } from 'node:path';
import { PortcullisError } from '../../../core/index.ts';
import { decodeUtf8, firstFile, isJsonName, isYamlName, parseJson, parseYamlText, peekFile, readTextFile, walkFiles } from '../files.ts';
import type { AdvisoryRecord, AdvisorySource, SourceContext } from '../types.ts';
import { OSV_SOURCE, readOsvRecord } from './record.ts';
import { zipJsonEntries } from './zip.ts';

const isRecordName = (name: string): boolean => isJsonName(name) || isYamlName(name);

/** An OSV record names its `id` and its `modified` time near the top. */
function looksLikeOsv(head: string, yaml: boolean): boolean {
  return yaml
    ? /^id:\s*\S/m.test(head) && /^(modified|affected|schema_version|published):/m.test(head)
    : /"id"\s*:/.test(head) && /"(modified|affected|schema_version|published)"\s*:/.test(head);
}

function handle(parsed: unknown, file: string, context: SourceContext): AdvisoryRecord | undefined {
  const result = readOsvRecord(parsed);
  switch (result.kind) {
    case 'record':
      return result.record;
    case 'withdrawn':
      context.withdrawn(result.id);
      return undefined;
    case 'invalid':
      context.skip(file, result.reason);
      return undefined;
  }
}

async function* readTree(root: string, context: SourceContext): AsyncGenerator<AdvisoryRecord> {
  for await (const file of walkFiles(root, isRecordName)) {
    let parsed: unknown;
    try {
      const text = await readTextFile(file, context.limits.maxRecordBytes);
      parsed = isYamlName(file) ? parseYamlText(text, file, context.limits.maxYamlAliases) : parseJson(text, file);
    } catch (error) {
      if (!(error instanceof PortcullisError)) throw error;
      context.skip(file, error.message);
      continue;
    }
    const record = handle(parsed, file, context);
    if (record) yield record;
  }
}

async function* readZip(file: string, context: SourceContext): AsyncGenerator<AdvisoryRecord> {
  for await (const entry of zipJsonEntries(file, context.limits)) {
    let parsed: unknown;
    try {
      parsed = parseJson(decodeUtf8(entry.bytes, entry.name), entry.name);
    } catch (error) {
      if (!(error instanceof PortcullisError)) throw error;
      context.skip(entry.name, error.message);
      continue;
    }
    const record = handle(parsed, entry.name, context);
    if (record) yield record;
  }
}

export const osvSource: AdvisorySource = {
  name: OSV_SOURCE,
  description: 'OSV records: a directory of .json/.yaml files, or an osv.dev all.zip export',
  async detect(path) {
    if (extname(path) === '.zip') return (await peekFile(path, 4)).startsWith('PK');
    const sample = await firstFile(path, isRecordName);
    return sample !== undefined && looksLikeOsv(await peekFile(sample), isYamlName(sample));
  },
  read(path, context) {
    return extname(path) === '.zip' ? readZip(path, context) : readTree(path, context);
  },
};
