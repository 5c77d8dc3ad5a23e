/**
 * The severity of one finding, from everything its alias group publishes. In order of trust:
 *   1. for OS packages, the distribution's own word (Debian urgency, Ubuntu priority, Red Hat
 *      impact): it rates the flaw as the distro ships the package, backports and build flags
 *      included;
 *   2. the highest CVSS v4.0 / v3.x base score, computed from the vectors;
 *   3. a database's own word (GitHub's `database_specific.severity`, stored as a DISTRO-typed
 *      score with source "ghsa");
 *   4. the highest CVSS v2 base score;
 *   5. UNKNOWN.
 * Placeholder words ("not yet assigned") fall through to the next step.
 */
import { isPortcullisError } from '../../core/index.ts';
import type { Advisory, AffectedPackage, FindingCvss, Severity } from '../model.ts';
import { compareSeverity, cvssScore, severityFromScore, severityFromV2Score, severityFromWord } from '../severity/index.ts';

export interface Rating {
  severity: Severity;
  severitySource?: string;
  cvss: FindingCvss[];
}

const DISTROS: ReadonlySet<string> = new Set(['debian', 'ubuntu', 'alpine', 'redhat']);

function collectCvss(advisories: readonly Advisory[], warn: (message: string) => void): FindingCvss[] {
  const seen = new Set<string>();
  const scores: FindingCvss[] = [];
  for (const advisory of advisories) {
    for (const published of advisory.severity) {
      if (published.type === 'DISTRO') continue;
      const key = `${published.score}\u0000${published.source ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      try {
        const { version, baseScore } = cvssScore(published.score);
        const score: FindingCvss = { version, vector: published.score, baseScore };
        if (published.source !== undefined) score.source = published.source;
        scores.push(score);
      } catch (error) {
        if (!isPortcullisError(error)) throw error;
        warn(`${advisory.id.slice(0, 100)}: ${error.message}; vector ignored`);
      }
    }
  }
  return scores;
}

interface Word {
  word: string;
  source: string;
}

/** The most severe real rating among some words (the first such word on a tie), or undefined. */
function highestWord(words: readonly Word[]): { level: Severity; source: string } | undefined {
  let best: { level: Severity; source: string } | undefined;
  for (const { word, source } of words) {
    const level = severityFromWord(word);
    if (level !== undefined && (best === undefined || compareSeverity(level, best.level) > 0)) best = { level, source };
  }
  return best;
}

function highestCvss(scores: readonly FindingCvss[], versions: ReadonlySet<string>): FindingCvss | undefined {
  let best: FindingCvss | undefined;
  for (const score of scores) if (versions.has(score.version) && (best === undefined || score.baseScore > best.baseScore)) best = score;
  return best;
}

/** The distro's words: on the matched records, and on the advisories as DISTRO scores it published. */
function distroWords(records: readonly AffectedPackage[], advisories: readonly Advisory[], distro: string): Word[] {
  const words: Word[] = [];
  for (const record of records) if (record.distroSeverity !== undefined) words.push({ word: record.distroSeverity, source: distro });
  for (const advisory of advisories) {
    for (const score of advisory.severity) if (score.type === 'DISTRO' && score.source === distro) words.push({ word: score.score, source: distro });
  }
  return words;
}

/** Words of advisory databases (not distributions), which rate the upstream flaw. */
function databaseWords(advisories: readonly Advisory[]): Word[] {
  const words: Word[] = [];
  for (const advisory of advisories) {
    for (const score of advisory.severity) {
      const source = score.source ?? advisory.source;
      if (score.type === 'DISTRO' && !DISTROS.has(source)) words.push({ word: score.score, source });
    }
  }
  return words;
}

const MODERN = new Set(['3.0', '3.1', '4.0']);
const V2 = new Set(['2.0']);

export function rate(
  records: readonly AffectedPackage[],
  advisories: readonly Advisory[],
  distro: string | undefined,
  warn: (message: string) => void,
): Rating {
  const cvss = collectCvss(advisories, warn);
  if (distro !== undefined) {
    const word = highestWord(distroWords(records, advisories, distro));
    if (word !== undefined) return { severity: word.level, severitySource: word.source, cvss };
  }
  const modern = highestCvss(cvss, MODERN);
  if (modern !== undefined) return { severity: severityFromScore(modern.baseScore), severitySource: modern.source ?? 'cvss', cvss };
  const word = highestWord(databaseWords(advisories));
  if (word !== undefined) return { severity: word.level, severitySource: word.source, cvss };
  const legacy = highestCvss(cvss, V2);
  if (legacy !== undefined) return { severity: severityFromV2Score(legacy.baseScore), severitySource: legacy.source ?? 'cvss', cvss };
  return { severity: 'UNKNOWN', cvss };
}
