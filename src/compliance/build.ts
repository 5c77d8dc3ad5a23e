/**
 * The report builder: a pure function from a framework's catalog and the evidence the scanners
 * produced (lint reports, secret scans, vulnerability reports) to a pass / fail / manual /
 * not-evaluated verdict per control, with the findings behind every failure.
 *
 * Rules, in order: a manual control is manual; a finding from any source that ran fails the
 * control; otherwise a source that applies but could not run (no advisory database, its checks
 * disabled), or a missing decisive source (the vulnerability scan), leaves the control not
 * evaluated; otherwise a control no source covered is not evaluated; otherwise it passes, and its
 * `reason` names any source that did not cover it.
 */
import type { CheckDefinition, LintReport } from '../lint/index.ts';
import type { ScanReport } from '../scan/report/index.ts';
import type { SecretScanResult } from '../secrets/index.ts';
import type { ComplianceReport, Control, ControlResult, ControlStatus, EvidenceItem, EvidenceSource, Framework, SourceState } from './model.ts';

export interface ComplianceEvidence {
  lint: LintReport[];
  secrets: SecretScanResult[];
  vulnerabilities: ScanReport[];
  /** Sources that apply to the targets but could not run, with the reason (no advisory database...). */
  unavailable?: Partial<Record<EvidenceSource, string>>;
  /** Problems reading input that did not stop the run. */
  warnings?: string[];
}

export interface BuildComplianceInput {
  framework: Framework;
  evidence: ComplianceEvidence;
  toolVersion: string;
}

/** Why a source had nothing to read, when no input of its kind was given. */
const NOT_GIVEN: Record<EvidenceSource, string> = {
  'dockerfile-lint': 'no Dockerfile given (--dockerfile)',
  'k8s-lint': 'no Kubernetes manifests among the targets',
  secrets: 'no image among the targets',
  vulnerabilities: 'no image among the targets',
};

/**
 * Sources without which a control cannot pass, whatever else covered it: a control about known
 * vulnerabilities is not met because the Dockerfile pins its packages.
 */
const DECISIVE_SOURCES: ReadonlySet<EvidenceSource> = new Set(['vulnerabilities']);

/** The evidence sources a framework's controls can use: what the command has to run. */
export function sourcesNeeded(framework: Framework): Set<EvidenceSource> {
  return new Set(framework.controls.flatMap((control) => (control.decision.kind === 'automated' ? control.decision.sources : [])));
}

export function buildComplianceReport(input: BuildComplianceInput): ComplianceReport {
  const { framework, evidence } = input;
  const controls = framework.controls.map((control) => evaluateControl(framework, control, evidence));
  const counts: Record<ControlStatus, number> = { pass: 0, fail: 0, manual: 0, 'not-evaluated': 0 };
  for (const control of controls) counts[control.status] += 1;
  return {
    schemaVersion: 1,
    tool: { name: 'portcullis', version: input.toolVersion },
    framework: { id: framework.id, name: framework.name },
    targets: {
      images: unique([...evidence.secrets.map((result) => result.target.reference), ...evidence.vulnerabilities.map((report) => report.target.reference)]),
      dockerfiles: unique(lintOf(evidence, 'dockerfile-lint').flatMap((report) => report.files)),
      manifests: unique(lintOf(evidence, 'k8s-lint').flatMap((report) => report.files)),
    },
    controls,
    counts,
    warnings: [...(evidence.warnings ?? [])],
  };
}

function evaluateControl(framework: Framework, control: Control, evidence: ComplianceEvidence): ControlResult {
  const base = { id: control.id, title: control.title, group: control.group };
  if (control.decision.kind === 'manual') {
    return { ...base, status: 'manual', reason: `manual review: ${control.decision.review}`, sources: [], evidence: [] };
  }
  const sources: SourceState[] = [];
  const items: EvidenceItem[] = [];
  for (const source of control.decision.sources) {
    const judged = judgeSource(framework, control, source, evidence);
    sources.push(judged.state);
    items.push(...judged.items);
  }
  const unavailable = sources.filter((state) => state.state === 'unavailable');
  const notApplicable = sources.filter((state) => state.state === 'not-applicable');
  const missingRequired = notApplicable.filter((state) => DECISIVE_SOURCES.has(state.source));
  if (items.length > 0) return { ...base, status: 'fail', sources, evidence: items };
  if (missingRequired.length > 0) return { ...base, status: 'not-evaluated', reason: describe([...unavailable, ...missingRequired]), sources, evidence: [] };
  if (unavailable.length > 0) return { ...base, status: 'not-evaluated', reason: describe(unavailable), sources, evidence: [] };
  if (notApplicable.length === sources.length) return { ...base, status: 'not-evaluated', reason: describe(notApplicable), sources, evidence: [] };
  return { ...base, status: 'pass', ...(notApplicable.length > 0 && { reason: `not covered: ${describe(notApplicable)}` }), sources, evidence: [] };
}

function describe(states: SourceState[]): string {
  return states.map((state) => (state.state === 'ran' ? state.source : `${state.source}: ${state.reason}`)).join('; ');
}

function judgeSource(framework: Framework, control: Control, source: EvidenceSource, evidence: ComplianceEvidence): { state: SourceState; items: EvidenceItem[] } {
  const reason = evidence.unavailable?.[source];
  if (reason !== undefined) return { state: { source, state: 'unavailable', reason }, items: [] };
  switch (source) {
    case 'dockerfile-lint':
    case 'k8s-lint':
      return judgeLint(framework, control, source, lintOf(evidence, source));
    case 'secrets':
      if (evidence.secrets.length === 0) return notGiven(source);
      return { state: { source, state: 'ran' }, items: evidence.secrets.flatMap(secretItems) };
    case 'vulnerabilities':
      if (evidence.vulnerabilities.length === 0) return notGiven(source);
      return { state: { source, state: 'ran' }, items: evidence.vulnerabilities.flatMap(vulnerabilityItems) };
  }
}

function notGiven(source: EvidenceSource): { state: SourceState; items: EvidenceItem[] } {
  return { state: { source, state: 'not-applicable', reason: NOT_GIVEN[source] }, items: [] };
}

/** Lint decides through the checks that ran and whose own mapping names this control. */
function judgeLint(framework: Framework, control: Control, source: 'dockerfile-lint' | 'k8s-lint', reports: LintReport[]): { state: SourceState; items: EvidenceItem[] } {
  if (reports.length === 0) return notGiven(source);
  const checks = new Set(reports.flatMap((report) => report.checks).filter((check) => mapsTo(check, framework, control)).map((check) => check.id));
  if (checks.size === 0) return { state: { source, state: 'unavailable', reason: 'none of the checks mapped to this control ran (some need options, e.g. --trusted-registries)' }, items: [] };
  const items = reports
    .flatMap((report) => report.findings)
    .filter((finding) => finding.suppressed === undefined && checks.has(finding.checkId))
    .map((finding): EvidenceItem => ({
      source,
      id: finding.checkId,
      severity: finding.severity,
      message: finding.message,
      file: finding.file,
      line: finding.line,
      ...(finding.resource !== undefined && { resource: finding.resource }),
    }));
  return { state: { source, state: 'ran', checks: [...checks].sort() }, items };
}

export function mapsTo(check: CheckDefinition, framework: Framework, control: Control): boolean {
  return check.compliance[framework.id]?.includes(control.id) ?? false;
}

function lintOf(evidence: ComplianceEvidence, source: 'dockerfile-lint' | 'k8s-lint'): LintReport[] {
  const kind = source === 'dockerfile-lint' ? 'dockerfile' : 'kubernetes';
  return evidence.lint.filter((report) => report.kind === kind);
}

function secretItems(result: SecretScanResult): EvidenceItem[] {
  return result.findings.map((finding) => ({
    source: 'secrets',
    id: finding.ruleId,
    severity: finding.severity,
    message: `${finding.title}: ${finding.redacted}`,
    target: result.target.reference,
    file: finding.source.kind === 'file' ? finding.source.path : `image config ${finding.source.field} ${finding.source.key}`,
    line: finding.line,
  }));
}

function vulnerabilityItems(report: ScanReport): EvidenceItem[] {
  return report.findings.map(({ finding }) => {
    const fix = finding.fixedVersion === undefined ? 'no fix yet' : `fixed in ${finding.fixedVersion}`;
    const location = finding.package.locations[0];
    return {
      source: 'vulnerabilities',
      id: finding.id,
      severity: finding.severity,
      message: `${finding.package.name} ${finding.package.version} (${fix})${finding.title === undefined ? '' : `: ${finding.title}`}`,
      target: report.target.reference,
      ...(location !== undefined && { file: location }),
    };
  });
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** 1 when any control failed, else 0 (manual and not-evaluated controls do not fail a run). */
export function complianceExitCode(report: ComplianceReport): number {
  return report.counts.fail > 0 ? 1 : 0;
}
