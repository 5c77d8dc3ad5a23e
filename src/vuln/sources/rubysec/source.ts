/**
 * The Ruby Advisory Database (rubysec/ruby-advisory-db `gems/<gem>/<id>.yml`): YAML, not OSV.
 * Each advisory is named by its CVE (else GHSA, else OSVDB) id with the others as aliases; the
 * affected versions are the complement of `patched_versions` and `unaffected_versions`. The
 * `rubies/` folder (Ruby interpreters, not gems) is not read.
 */
import { basename, join } from 'node:path';
import { stat } from 'node:fs/promises';
import { PortcullisError } from '../../../core/index.ts';
import type { Advisory } from '../../model.ts';
import { firstFile, isYamlName, parseYamlText, peekFile, readTextFile, walkFiles } from '../files.ts';
import type { AdvisoryRecord, AdvisorySource, SourceContext } from '../types.ts';
import { describeProblems, isRecord, optionalString, requiredString, stringList, type Problems } from '../validate.ts';
import { affectedGemRange } from './requirements.ts';

export const RUBYSEC_SOURCE = 'rubysec';

async function gemsRoot(path: string): Promise<string> {
  const gems = join(path, 'gems');
  return (await stat(gems).catch(() => undefined))?.isDirectory() ? gems : path;
}

function ids(value: Record<string, unknown>, problems: Problems): string[] {
  const cve = optionalString(value, 'cve', problems);
  const ghsa = optionalString(value, 'ghsa', problems);
  const osvdb = optionalString(value, 'osvdb', problems);
  return [cve && `CVE-${cve}`, ghsa && `GHSA-${ghsa}`, osvdb && `OSVDB-${osvdb}`].filter((id): id is string => Boolean(id));
}

export function readRubysecAdvisory(value: unknown, file: string): AdvisoryRecord | string | undefined {
  if (!isRecord(value)) return 'an advisory must be a mapping';
  if (value.gem === undefined && value.engine !== undefined) return undefined; // an interpreter advisory
  const problems: Problems = [];
  const gem = requiredString(value, 'gem', problems);
  const [id = basename(file).replace(/\.ya?ml$/, ''), ...aliases] = ids(value, problems);
  const patched = stringList(value, 'patched_versions', problems);
  const unaffected = stringList(value, 'unaffected_versions', problems);
  const url = optionalString(value, 'url', problems);
  const advisory: Advisory = { id, aliases, severity: [], references: url ? [{ type: 'ADVISORY', url }] : [], source: RUBYSEC_SOURCE };
  const summary = optionalString(value, 'title', problems);
  const details = optionalString(value, 'description', problems);
  const published = optionalString(value, 'date', problems);
  if (summary) advisory.summary = summary.trim();
  if (details) advisory.details = details.trim();
  if (published) advisory.published = published;
  if (problems.length > 0 || gem === undefined) return describeProblems(problems);
  const range = affectedGemRange(patched, unaffected);
  if ('unparsable' in range) return `cannot read the RubyGems requirement ${JSON.stringify(range.unparsable)}`;
  return { advisory, affected: [{ advisoryId: id, ecosystem: 'RubyGems', name: gem, ranges: [range], versions: [] }] };
}

async function* read(path: string, context: SourceContext): AsyncGenerator<AdvisoryRecord> {
  for await (const file of walkFiles(await gemsRoot(path), isYamlName)) {
    let result: AdvisoryRecord | string | undefined;
    try {
      const text = await readTextFile(file, context.limits.maxRecordBytes);
      result = readRubysecAdvisory(parseYamlText(text, file, context.limits.maxYamlAliases), file);
    } catch (error) {
      if (!(error instanceof PortcullisError)) throw error;
      result = error.message;
    }
    if (typeof result === 'string') context.skip(file, result);
    else if (result) yield result;
  }
}

export const rubysecSource: AdvisorySource = {
  name: RUBYSEC_SOURCE,
  description: 'Ruby Advisory Database YAML (gems/<gem>/<id>.yml)',
  async detect(path) {
    const sample = await firstFile(await gemsRoot(path), isYamlName);
    return sample !== undefined && /^(gem|engine):\s*\S/m.test(await peekFile(sample));
  },
  read,
};
