/**
 * Alpine's security database (secdb.alpinelinux.org `v3.x/<repo>.json`, the older YAML files, and
 * single-package JSON as vuln-list keeps it): `secfixes` maps a fixed package version to the
 * advisories it fixes, per release and repository. A version of "0" means the package was never
 * affected. Records are Alpine:v3.x ecosystem entries for the origin package name.
 */
import { PortcullisError } from '../../../core/index.ts';
import type { AffectedPackage } from '../../model.ts';
import { firstFile, isJsonName, isYamlName, parseJson, parseYamlText, peekFile, readTextFile, walkFiles } from '../files.ts';
import type { AdvisoryRecord, AdvisorySource, SourceContext } from '../types.ts';
import { isRecord } from '../validate.ts';

export const ALPINE_SOURCE = 'alpine-secdb';

/** An advisory id inside a secfixes line ("CVE-2019-1234", "XSA-123"); other words are comments. */
const ADVISORY_ID = /^(?:CVE-\d{4}-\d{4,}|[A-Z][A-Z0-9]*-[A-Za-z0-9][A-Za-z0-9-]*)$/;
const RELEASE = /^(v\d+\.\d+|edge)$/;

const isSecdbName = (name: string): boolean => isJsonName(name) || isYamlName(name);

interface PackageEntry {
  name: string;
  secfixes: Record<string, unknown>;
}

function recordsFor(entry: PackageEntry, ecosystem: string, where: string, context: SourceContext): AdvisoryRecord[] {
  const records: AdvisoryRecord[] = [];
  for (const [version, fixes] of Object.entries(entry.secfixes)) {
    const lines = fixes === '' ? [] : fixes;
    if (!Array.isArray(lines) || !lines.every((line) => typeof line === 'string')) {
      context.warn(`${where}: secfixes ${JSON.stringify(version)} of ${entry.name} is not a list of strings; ignored`);
      continue;
    }
    const ids = new Set(lines.flatMap((line) => line.split(/\s+/)).filter((word) => ADVISORY_ID.test(word)));
    for (const id of ids) {
      const affected: AffectedPackage =
        version === '0'
          ? { advisoryId: id, ecosystem, name: entry.name, ranges: [], versions: [], distroStatus: 'not-affected' }
          : {
              advisoryId: id,
              ecosystem,
              name: entry.name,
              ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: version }] }],
              versions: [],
              distroStatus: 'fixed',
            };
      const references = id.startsWith('CVE-') ? [{ type: 'ADVISORY', url: `https://security.alpinelinux.org/vuln/${id}` }] : [];
      records.push({ advisory: { id, aliases: [], severity: [], references, source: ALPINE_SOURCE }, affected: [affected] });
    }
  }
  return records;
}

/** The package entries of one secdb document: a whole release/repo file or a single package. */
function entriesOf(document: Record<string, unknown>, file: string, context: SourceContext): PackageEntry[] {
  const readEntry = (value: unknown, where: string): PackageEntry | undefined => {
    if (isRecord(value) && typeof value.name === 'string' && value.name !== '') {
      const secfixes = value.secfixes ?? {};
      if (isRecord(secfixes) || secfixes === '') return { name: value.name, secfixes: isRecord(secfixes) ? secfixes : {} };
    }
    context.skip(where, 'package entry needs a name and a secfixes mapping');
    return undefined;
  };
  if (!Array.isArray(document.packages)) {
    const single = readEntry(document, file);
    return single ? [single] : [];
  }
  return document.packages.flatMap((item: unknown, index) => {
    const entry = readEntry(isRecord(item) ? item.pkg : undefined, `${file}: packages[${index}]`);
    return entry ? [entry] : [];
  });
}

async function* read(path: string, context: SourceContext): AsyncGenerator<AdvisoryRecord> {
  for await (const file of walkFiles(path, isSecdbName)) {
    let document: unknown;
    try {
      const text = await readTextFile(file, context.limits.maxFeedBytes);
      document = isYamlName(file) ? parseYamlText(text, file, context.limits.maxYamlAliases) : parseJson(text, file);
    } catch (error) {
      if (!(error instanceof PortcullisError)) throw error;
      context.skip(file, error.message);
      continue;
    }
    if (!isRecord(document) || typeof document.distroversion !== 'string' || !RELEASE.test(document.distroversion)) {
      context.skip(file, 'not a secdb document: needs a distroversion such as "v3.20"');
      continue;
    }
    const ecosystem = `Alpine:${document.distroversion}`;
    for (const entry of entriesOf(document, file, context)) yield* recordsFor(entry, ecosystem, file, context);
  }
}

export const alpineSecdbSource: AdvisorySource = {
  name: ALPINE_SOURCE,
  description: 'Alpine secdb (v3.x/main.json, .yaml, or one package per JSON file)',
  async detect(path) {
    const sample = await firstFile(path, isSecdbName);
    if (!sample) return false;
    const head = await peekFile(sample);
    return /"?distroversion"?\s*:/.test(head) || /"secfixes"\s*:/.test(head);
  },
  read,
};
