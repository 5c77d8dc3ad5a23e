/**
 * Human-facing spellings shared by the secret report formats: where a finding is, and the
 * severity threshold test used for `--fail-on`.
 */
import { SEVERITY_ORDER, type FindingSource, type SecretFinding, type SecretSeverity } from '../types.ts';

/** "etc/app/.env:3:7" for files, "image config env DB_PASSWORD" for the config. */
export function whereLabel(finding: SecretFinding): string {
  const { source } = finding;
  switch (source.kind) {
    case 'file':
      return `${source.path}:${finding.line}:${finding.column}`;
    case 'config':
      return `image config ${source.field} ${source.key}`;
  }
}

/** "2 1a2b3c4d5e6f (deleted later)": layer index, short diffId or digest, and whether it survives. */
export function layerLabel(source: FindingSource): string {
  if (source.kind !== 'file' || source.layer === undefined) return source.kind === 'config' ? 'config' : '';
  const digest = source.layer.diffId ?? source.layer.digest ?? '';
  const short = digest.slice(digest.indexOf(':') + 1, digest.indexOf(':') + 13);
  const fate = source.survives === false ? ' (removed later, still in image)' : '';
  return `${source.layer.index} ${short}${fate}`;
}

export function severityRank(severity: SecretSeverity): number {
  return SEVERITY_ORDER.indexOf(severity);
}

/** The findings at or above `threshold`: what `--fail-on` counts. */
export function findingsAtOrAbove(findings: readonly SecretFinding[], threshold: SecretSeverity): SecretFinding[] {
  return findings.filter((finding) => severityRank(finding.severity) >= severityRank(threshold));
}
