/**
 * The Debian security tracker's advisory lists (`data/DSA/list`, `data/DLA/list`), a line format:
 *
 *   [01 Aug 2002] DSA-141 mpack - buffer overflow
 *           {CVE-2002-1425}
 *           [woody] - mpack 1.5-7woody2
 *           [bookworm] - foo <not-affected> (reason)
 *           NOTE: ...
 *
 * Each DSA/DLA becomes an advisory aliased to its CVEs, with one record per release line: a fixed
 * version, or the verdict in angle brackets.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PortcullisError } from '../../../core/index.ts';
import type { Advisory, DistroStatus } from '../../model.ts';
import { peekFile, readTextFile, walkFiles } from '../files.ts';
import type { AdvisoryRecord, AdvisorySource, SourceContext } from '../types.ts';
import { debianAffected, debianEcosystem } from './releases.ts';

export const DEBIAN_DSA_SOURCE = 'debian-dsa';

const HEADER = /^\[(\d{1,2}) (\w{3}) (\d{4})\] ((?:DSA|DLA)-\d+(?:-\d+)?)\s+(.*)$/;
const ALIASES = /^\s+\{([^}]*)\}\s*$/;
const RELEASE_LINE = /^\s+\[([a-z]+)\] - (\S+)\s+(\S+)/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const VERDICTS: Readonly<Record<string, DistroStatus>> = {
  '<not-affected>': 'not-affected',
  '<unfixed>': 'unfixed',
  '<no-dsa>': 'will-not-fix',
  '<postponed>': 'will-not-fix',
  '<ignored>': 'will-not-fix',
  '<end-of-life>': 'will-not-fix',
};

function isoDate(day: string, month: string, year: string): string | undefined {
  const index = MONTHS.indexOf(month);
  return index === -1 ? undefined : `${year}-${String(index + 1).padStart(2, '0')}-${day.padStart(2, '0')}T00:00:00Z`;
}

function newAdvisory(match: RegExpExecArray): Advisory {
  const [, day, month, year, id, rest] = match as unknown as [string, string, string, string, string, string];
  const dash = rest.indexOf(' - ');
  const advisory: Advisory = {
    id: id!,
    aliases: [],
    summary: dash === -1 ? rest : `${rest.slice(0, dash)}: ${rest.slice(dash + 3)}`,
    severity: [],
    references: [{ type: 'ADVISORY', url: `https://security-tracker.debian.org/tracker/${id}` }],
    source: DEBIAN_DSA_SOURCE,
  };
  const published = isoDate(day, month, year);
  if (published) advisory.published = published;
  return advisory;
}

export async function* readAdvisoryList(text: string, file: string, context: SourceContext): AsyncGenerator<AdvisoryRecord> {
  let current: AdvisoryRecord | undefined;
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const where = `${file}:${index + 1}`;
    const header = HEADER.exec(line);
    if (header) {
      if (current) yield current;
      current = { advisory: newAdvisory(header), affected: [] };
      continue;
    }
    if (!current) {
      context.skip(where, 'line before the first advisory header');
      continue;
    }
    const aliases = ALIASES.exec(line);
    if (aliases) {
      current.advisory.aliases.push(...aliases[1]!.split(/\s+/).filter((word) => /^(CVE|DSA|DLA)-[\d-]+$/.test(word)));
      continue;
    }
    const release = RELEASE_LINE.exec(line);
    if (release) {
      const [, codename, name, version] = release as unknown as [string, string, string, string];
      const ecosystem = debianEcosystem(codename);
      const verdict = version.startsWith('<') ? VERDICTS[version] : 'fixed';
      if (!ecosystem || !verdict) {
        if (version !== '<removed>') context.warn(`${where}: cannot read release line ${JSON.stringify(line.trim().slice(0, 120))}; ignored`);
        continue;
      }
      current.affected.push(debianAffected(current.advisory.id, ecosystem, name, verdict === 'fixed' ? { status: 'fixed', fixedVersion: version } : { status: verdict }));
      continue;
    }
    if (/^\s+NOTE:/.test(line)) continue;
    context.warn(`${where}: unrecognised line ${JSON.stringify(line.trim().slice(0, 120))}; ignored`);
  }
  if (current) yield current;
}

async function* read(path: string, context: SourceContext): AsyncGenerator<AdvisoryRecord> {
  for await (const file of walkFiles(path, (name) => name === 'list')) {
    let text: string;
    try {
      text = await readTextFile(file, context.limits.maxFeedBytes);
    } catch (error) {
      if (!(error instanceof PortcullisError)) throw error;
      context.skip(file, error.message);
      continue;
    }
    yield* readAdvisoryList(text, file, context);
  }
}

export const debianDsaSource: AdvisorySource = {
  name: DEBIAN_DSA_SOURCE,
  description: 'Debian security tracker DSA/DLA list (data/DSA/list)',
  async detect(path) {
    // A list file under any name, or a directory holding one where the tracker keeps it.
    for (const candidate of [path, join(path, 'list'), join(path, 'DSA', 'list'), join(path, 'data', 'DSA', 'list')]) {
      if ((await stat(candidate).catch(() => undefined))?.isFile()) return /^\[\d{1,2} \w{3} \d{4}\] D[SL]A-\d+/.test(await peekFile(candidate, 256));
    }
    return false;
  },
  read,
};
