/**
 * The Debian security tracker's JSON export (security-tracker.debian.org/tracker/data/json):
 * `{ sourcePackage: { CVE: { description, releases: { codename: { status, fixed_version,
 * urgency, nodsa, nodsa_reason } } } } }`. Each (package, CVE, release) becomes a Debian:N record:
 *   resolved + fixed_version "0"            -> not-affected
 *   resolved + a version                    -> fixed in that version
 *   open / undetermined                     -> unfixed
 *   open + nodsa, postponed, ignored or an
 *   end-of-life urgency                     -> will-not-fix
 */
import { PortcullisError } from '../../../core/index.ts';
import { parseJson, peekFile, readTextFile, walkFiles } from '../files.ts';
import type { AdvisoryRecord, AdvisorySource, SourceContext } from '../types.ts';
import { isRecord } from '../validate.ts';
import { cleanUrgency, debianAffected, debianEcosystem, type DebianVerdict } from './releases.ts';

export const DEBIAN_TRACKER_SOURCE = 'debian-tracker';

const ID = /^(CVE-\d{4}-\d+|TEMP-\d+-[0-9A-Fa-f]+|DSA-\d+(-\d+)?|DLA-\d+(-\d+)?)$/;
const WONT_FIX_REASONS: ReadonlySet<string> = new Set(['postponed', 'ignored']);

function verdictOf(release: Record<string, unknown>): DebianVerdict | string {
  const status = release.status;
  const fixed = release.fixed_version;
  const urgency = cleanUrgency(typeof release.urgency === 'string' ? release.urgency : undefined);
  const base = urgency ? { urgency } : {};
  const wontFix =
    typeof release.nodsa === 'string' ||
    (typeof release.nodsa_reason === 'string' && WONT_FIX_REASONS.has(release.nodsa_reason)) ||
    urgency === 'end-of-life';
  switch (status) {
    case 'resolved':
      if (typeof fixed !== 'string' || fixed === '') return 'resolved without a fixed_version';
      return fixed === '0' ? { ...base, status: 'not-affected' } : { ...base, status: 'fixed', fixedVersion: fixed };
    case 'open':
    case 'undetermined':
      return { ...base, status: wontFix ? 'will-not-fix' : 'unfixed' };
    default:
      return `unknown status ${JSON.stringify(status)}`;
  }
}

function* recordsOf(pkg: string, id: string, entry: Record<string, unknown>, file: string, context: SourceContext, unknown: Set<string>) {
  // The tracker's encoder writes an empty mapping as [] (an issue with no release data yet).
  const releases = Array.isArray(entry.releases) && entry.releases.length === 0 ? {} : entry.releases;
  if (!isRecord(releases)) {
    context.skip(`${file}: ${pkg}/${id}`, 'releases must be an object');
    return;
  }
  const affected = [];
  for (const [codename, release] of Object.entries(releases)) {
    const ecosystem = debianEcosystem(codename);
    if (!ecosystem) {
      unknown.add(codename);
      continue;
    }
    const verdict = isRecord(release) ? verdictOf(release) : 'must be an object';
    if (typeof verdict === 'string') {
      context.warn(`${file}: ${pkg}/${id}/${codename}: ${verdict}; ignored`);
      continue;
    }
    affected.push(debianAffected(id, ecosystem, pkg, verdict));
  }
  const advisory: AdvisoryRecord['advisory'] = {
    id,
    aliases: [],
    severity: [],
    references: [{ type: 'ADVISORY', url: `https://security-tracker.debian.org/tracker/${id}` }],
    source: DEBIAN_TRACKER_SOURCE,
  };
  if (typeof entry.description === 'string' && entry.description !== '') advisory.details = entry.description;
  yield { advisory, affected };
}

async function* read(path: string, context: SourceContext): AsyncGenerator<AdvisoryRecord> {
  for await (const file of walkFiles(path, (name) => name.endsWith('.json'))) {
    let document: unknown;
    try {
      document = parseJson(await readTextFile(file, context.limits.maxFeedBytes), file);
    } catch (error) {
      if (!(error instanceof PortcullisError)) throw error;
      context.skip(file, error.message);
      continue;
    }
    if (!isRecord(document)) {
      context.skip(file, 'the tracker export must be an object of packages');
      continue;
    }
    const unknown = new Set<string>();
    for (const [pkg, issues] of Object.entries(document)) {
      if (!isRecord(issues)) {
        context.skip(`${file}: ${pkg}`, 'must be an object of issues');
        continue;
      }
      for (const [id, entry] of Object.entries(issues)) {
        if (!ID.test(id) || !isRecord(entry)) {
          context.skip(`${file}: ${pkg}/${id.slice(0, 80)}`, 'not an issue id with an object');
          continue;
        }
        yield* recordsOf(pkg, id, entry, file, context, unknown);
      }
    }
    if (unknown.size > 0) context.warn(`${file}: releases with unknown codenames ignored: ${[...unknown].sort().join(', ')}`);
  }
}

export const debianTrackerSource: AdvisorySource = {
  name: DEBIAN_TRACKER_SOURCE,
  description: 'Debian security tracker JSON export (tracker/data/json)',
  async detect(path) {
    if (!path.endsWith('.json')) return false;
    return /^\s*\{\s*"[^"]+"\s*:\s*\{\s*"(CVE|TEMP|DSA|DLA)-[^"]*"\s*:\s*\{/.test(await peekFile(path));
  },
  read,
};
