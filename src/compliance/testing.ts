/**
 * Hand-made evidence for the report builder and formatter tests: lint reports over the real check
 * definitions, a secret scan result and a vulnerability report built by the scan module itself.
 * For tests only.
 */
import { type CheckDefinition, type LintFinding, type LintReport, dockerfileCheckDefinitions, kubernetesCheckDefinitions } from '../lint/index.ts';
import { buildScanReport, type ScanReport } from '../scan/report/index.ts';
import { INVENTORY, makeFinding } from '../scan/report/testing.ts';
import type { SecretFinding, SecretScanResult } from '../secrets/index.ts';

function definition(id: string): CheckDefinition {
  const found = [...dockerfileCheckDefinitions({ allowedRegistries: ['ghcr.io/acme'] }), ...kubernetesCheckDefinitions()].find((check) => check.id === id);
  if (found === undefined) throw new Error(`no built-in check ${id}`);
  return found;
}

/** A lint report in which exactly `checkIds` ran and `findings` (checkId, line, ...) were raised. */
export function lintReport(kind: LintReport['kind'], checkIds: string[], findings: Array<Partial<LintFinding> & Pick<LintFinding, 'checkId'>> = []): LintReport {
  const file = kind === 'dockerfile' ? 'app/Dockerfile' : 'deploy/app.yaml';
  return {
    kind,
    files: [file],
    checks: checkIds.map(definition),
    findings: findings.map((finding) => ({ severity: definition(finding.checkId).severity, message: `${finding.checkId} fired`, file, line: 3, ...finding })),
    warnings: [],
  };
}

export function secretResult(count: number, reference = 'dir:rootfs'): SecretScanResult {
  const finding = (index: number): SecretFinding => ({
    ruleId: 'aws-access-key-id',
    category: 'secret',
    title: 'AWS access key ID',
    severity: 'HIGH',
    source: { kind: 'file', path: `app/config-${index}.env` },
    line: index + 1,
    column: 1,
    redacted: 'AKIA…MPLE',
  });
  return {
    schemaVersion: 1,
    target: { reference, kind: 'directory' },
    findings: Array.from({ length: count }, (_, index) => finding(index)),
    stats: { filesScanned: 10, filesBinary: 0, filesTooLarge: 0, suppressed: 0 },
    warnings: [],
  };
}

/** A vulnerability report over the scan module's fixture inventory with `ids` as findings. */
export function vulnerabilityReport(ids: string[]): ScanReport {
  const name = INVENTORY.packages[0]?.name;
  if (name === undefined) throw new Error('the fixture inventory has no packages');
  const findings = ids.map((id) => makeFinding(name, { id, severity: 'HIGH', fixedVersion: '99.0' }));
  return buildScanReport({ inventory: INVENTORY, findings, toolVersion: 'test', ignores: [], vex: [] });
}
