/**
 * Which findings of a scan count against a layer's vulnerability rules. A finding is set aside when
 * a reviewer assessed it not_affected or fixed, when the layer allowlists its id (Kritis
 * allowlistCVEs), when an unexpired exception covers it and this image, or while its severity's
 * grace period (from when it was first seen) lasts. Only findings some rule would count are set
 * aside by exception or grace, so the evidence names exactly what made a difference.
 */
import { severityRank } from './compile.ts';
import { matchAny } from './glob.ts';
import type { CompiledException, CompiledLayer } from './model.ts';
import type { PolicyFinding } from './types.ts';

const DAY_MS = 86_400_000;

export interface FindingVerdicts {
  counted: PolicyFinding[];
  graced: Array<{ finding: PolicyFinding; blocksFrom: number }>;
  excepted: Array<{ finding: PolicyFinding; exception: CompiledException }>;
  allowlisted: PolicyFinding[];
  assessed: PolicyFinding[];
  /** Exceptions for this image whose time is up: ignored, and worth a warning. */
  expired: CompiledException[];
}

export function hasFix(finding: PolicyFinding): boolean {
  return finding.fixedVersion !== undefined && finding.fixedVersion !== '';
}

/** Would a vulnerability rule of the layer (thresholds or scan rule) count this finding? */
export function countsAgainst(layer: CompiledLayer, finding: PolicyFinding): boolean {
  const rank = severityRank(finding.severity);
  const limit = hasFix(finding) ? layer.vulnerabilities?.fixableBlockFromRank : layer.vulnerabilities?.unfixableBlockFromRank;
  if (limit !== undefined && rank >= limit) return true;
  return layer.scanRule?.clauses.some((clause) => clause.level === finding.severity && (!clause.withFix || hasFix(finding))) ?? false;
}

export function classifyFindings(layer: CompiledLayer, findings: readonly PolicyFinding[], imageNames: readonly string[], repositoryNames: readonly string[], now: number): FindingVerdicts {
  const verdicts: FindingVerdicts = { counted: [], graced: [], excepted: [], allowlisted: [], assessed: [], expired: [] };
  const applicable = layer.exceptions.filter((exception) => (exception.image !== undefined && matchAny([exception.image], imageNames)) || (exception.repository !== undefined && matchAny([exception.repository], repositoryNames)));
  const active = applicable.filter((exception) => now < exception.expiresAt);
  verdicts.expired = applicable.filter((exception) => now >= exception.expiresAt);
  for (const finding of findings) {
    const status = finding.assessment?.status;
    if (status === 'not_affected' || status === 'fixed') {
      verdicts.assessed.push(finding);
      continue;
    }
    if (!countsAgainst(layer, finding)) continue;
    const ids = [finding.id, ...finding.aliases].map((id) => id.toUpperCase());
    if (ids.some((id) => layer.allowlistCves.has(id))) {
      verdicts.allowlisted.push(finding);
      continue;
    }
    const exception = active.find((candidate) => ids.includes(candidate.vulnerability));
    if (exception !== undefined) {
      verdicts.excepted.push({ finding, exception });
      continue;
    }
    const graceDays = layer.gracePeriodDays[finding.severity] ?? 0;
    const firstSeen = finding.firstSeen === undefined ? Number.NaN : Date.parse(finding.firstSeen);
    // A finding without a known first sighting gets no grace: the safe reading.
    if (graceDays > 0 && !Number.isNaN(firstSeen) && now < firstSeen + graceDays * DAY_MS) {
      verdicts.graced.push({ finding, blocksFrom: firstSeen + graceDays * DAY_MS });
      continue;
    }
    verdicts.counted.push(finding);
  }
  return verdicts;
}
