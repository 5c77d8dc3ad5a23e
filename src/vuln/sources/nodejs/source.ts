/**
 * The Node.js security working group's npm advisories (nodejs/security-wg `vuln/npm/<n>.json`):
 * not OSV, so each file is validated and converted; `vulnerable_versions` becomes an OSV SEMVER
 * range. The `core` and `deps` folders describe Node.js itself, not npm packages, and are not read.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PortcullisError } from '../../../core/index.ts';
import type { Advisory, SeverityScore } from '../../model.ts';
import { firstFile, isJsonName, parseJson, peekFile, readTextFile, walkFiles } from '../files.ts';
import type { AdvisoryRecord, AdvisorySource, SourceContext } from '../types.ts';
import { describeProblems, isRecord, optionalString, requiredString, stringList, type Problems } from '../validate.ts';
import { affectedSemverRange } from './semver-range.ts';

export const NODEJS_SOURCE = 'nodejs-security-wg';

/** The npm folder when `path` is the repository's `vuln` folder (or the repository). */
async function npmRoot(path: string): Promise<string> {
  for (const candidate of [join(path, 'npm'), join(path, 'vuln', 'npm')]) {
    if ((await stat(candidate).catch(() => undefined))?.isDirectory()) return candidate;
  }
  return path;
}

function cvssScore(vector: string): SeverityScore {
  const type = vector.startsWith('CVSS:4') ? 'CVSS_V4' : vector.startsWith('CVSS:3') ? 'CVSS_V3' : 'CVSS_V2';
  return { type, score: vector, source: NODEJS_SOURCE };
}

export function readSecurityWgAdvisory(value: unknown): AdvisoryRecord | string {
  if (!isRecord(value)) return 'an advisory must be an object';
  const problems: Problems = [];
  const number = value.id;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 0) problems.push('id: must be a whole number');
  const name = requiredString(value, 'module_name', problems);
  const vulnerable = optionalString(value, 'vulnerable_versions', problems);
  const patched = optionalString(value, 'patched_versions', problems);
  const cves = stringList(value, 'cves', problems);
  const references = stringList(value, 'references', problems);
  const vector = optionalString(value, 'cvss_vector', problems);
  const advisory: Advisory = {
    id: `NSWG-ECO-${String(number)}`,
    aliases: cves.filter((cve) => /^CVE-\d{4}-\d+$/.test(cve)),
    severity: vector ? [cvssScore(vector)] : [],
    references: references.map((url) => ({ type: 'WEB', url })),
    source: NODEJS_SOURCE,
  };
  const summary = optionalString(value, 'title', problems);
  const details = optionalString(value, 'overview', problems);
  const published = optionalString(value, 'publish_date', problems) ?? optionalString(value, 'created_at', problems);
  const modified = optionalString(value, 'updated_at', problems);
  if (summary) advisory.summary = summary;
  if (details) advisory.details = details;
  if (published) advisory.published = published;
  if (modified) advisory.modified = modified;
  if (problems.length > 0 || name === undefined) return describeProblems(problems);
  const range = affectedSemverRange(vulnerable, patched);
  if (!range) return `cannot convert the npm range ${JSON.stringify(vulnerable ?? patched)} to OSV events`;
  return { advisory, affected: [{ advisoryId: advisory.id, ecosystem: 'npm', name, ranges: [range], versions: [] }] };
}

async function* read(path: string, context: SourceContext): AsyncGenerator<AdvisoryRecord> {
  for await (const file of walkFiles(await npmRoot(path), isJsonName)) {
    if (file.endsWith('index.json')) continue; // the folder's table of contents, not an advisory
    let result: AdvisoryRecord | string;
    try {
      result = readSecurityWgAdvisory(parseJson(await readTextFile(file, context.limits.maxRecordBytes), file));
    } catch (error) {
      if (!(error instanceof PortcullisError)) throw error;
      result = error.message;
    }
    if (typeof result === 'string') context.skip(file, result);
    else yield result;
  }
}

export const nodejsSecurityWgSource: AdvisorySource = {
  name: NODEJS_SOURCE,
  description: 'Node.js security-wg npm advisories (vuln/npm/<n>.json)',
  async detect(path) {
    const sample = await firstFile(await npmRoot(path), isJsonName);
    if (!sample) return false;
    const head = await peekFile(sample);
    return /"module_name"\s*:/.test(head) && /"(vulnerable|patched)_versions"\s*:/.test(head);
  },
  read,
};
