/**
 * The Kubernetes lint run: load every input, build the validated model, run the built-in checks for
 * the chosen profile and any custom rules, and apply inline suppressions
 * (`# portcullis:ignore=PC-K8S-014 reason` on the offending line or the line above it).
 */
import { parseReference } from '../../core/index.ts';
import type { CheckDefinition, LintFinding, LintReport } from '../model.ts';
import { evaluateCustomRules } from '../custom/evaluate.ts';
import type { CustomRule } from '../custom/rules-file.ts';
import { K8S_CHECKS } from './checks/list.ts';
import type { K8sCheck, K8sCheckOptions } from './checks/check.ts';
import { DEFAULT_MANIFEST_LIMITS, loadManifests, type ManifestLimits, type ManifestObject } from './load.ts';
import { buildManifestSet, type ManifestSet } from './manifest-set.ts';
import type { ManifestText } from './read-input.ts';
import { resourceName } from './workloads.ts';

export interface LintK8sOptions extends Partial<K8sCheckOptions> {
  customRules?: readonly CustomRule[];
  /** Run only the custom rules (rule unit tests). */
  customRulesOnly?: boolean;
  limits?: ManifestLimits;
}

/** The checks a profile runs: every check, minus the restricted Pod Security controls under baseline. */
export function checksForProfile(profile: K8sCheckOptions['profile']): K8sCheck[] {
  return K8S_CHECKS.filter((check) => profile === 'restricted' || check.pss !== 'restricted');
}

/** Lints already-read manifest texts. Throws INPUT/LIMIT errors for unreadable YAML. */
export function lintManifests(inputs: readonly ManifestText[], options: LintK8sOptions = {}): LintReport {
  const checkOptions: K8sCheckOptions = { profile: options.profile ?? 'restricted', trustedRegistries: options.trustedRegistries ?? [] };
  const report: LintReport = { kind: 'kubernetes', files: inputs.map((input) => input.file), checks: [], findings: [], warnings: [] };
  const objects: ManifestObject[] = [];
  for (const input of inputs) {
    const loaded = loadManifests(input.file, input.text, options.limits ?? DEFAULT_MANIFEST_LIMITS);
    objects.push(...loaded.objects);
    report.warnings.push(...loaded.warnings);
  }
  const set = buildManifestSet(objects, (object, path, message) =>
    report.warnings.push({ file: object.file, message: `line ${object.lineOf(path)}: ${resourceName(object)}: ${message}` }),
  );

  if (!options.customRulesOnly) warnAboutUnreadableImages(set, report);
  const checks = options.customRulesOnly ? [] : checksForProfile(checkOptions.profile);
  for (const check of checks) {
    for (const raw of check.run(set, checkOptions)) {
      report.findings.push({
        checkId: check.definition.id,
        severity: check.definition.severity,
        message: raw.message,
        file: raw.object.file,
        line: raw.object.lineOf(raw.path),
        resource: resourceName(raw.object),
      });
    }
  }
  const rules = options.customRules ?? [];
  for (const object of objects) {
    const evaluation = evaluateCustomRules(rules, { type: 'kubernetes', object });
    report.findings.push(...evaluation.findings);
    report.warnings.push(...evaluation.warnings);
  }
  report.checks = [...checks.map((check) => check.definition), ...rules.filter((rule) => rule.definition.kind === 'kubernetes').map((rule) => rule.definition)];
  applySuppressions(report.findings, objects);
  report.findings.sort((a, b) => (a.file === b.file ? a.line - b.line || (a.checkId < b.checkId ? -1 : a.checkId > b.checkId ? 1 : 0) : a.file < b.file ? -1 : 1));
  return report;
}

/** Image checks skip references they cannot parse (unrendered templates): say so instead of passing silently. */
function warnAboutUnreadableImages(set: ManifestSet, report: LintReport): void {
  for (const workload of set.workloads) {
    for (const container of workload.containers) {
      const image = container.spec.image;
      if (image === undefined) continue;
      try {
        parseReference(image);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        report.warnings.push({ file: workload.object.file, message: `line ${workload.object.lineOf([...container.path, 'image'])}: ${resourceName(workload.object)}: image checks skipped: ${reason}` });
      }
    }
  }
}

const IGNORE = /^portcullis:ignore=([A-Za-z0-9_.,-]+)(?:\s+(.*))?$/;

/** Marks findings suppressed by an ignore comment on their line or the line above. */
function applySuppressions(findings: LintFinding[], objects: readonly ManifestObject[]): void {
  const commentsByFile = new Map<string, ReadonlyMap<number, string>>();
  for (const object of objects) commentsByFile.set(object.file, object.comments);
  for (const finding of findings) {
    const comments = commentsByFile.get(finding.file);
    if (!comments || comments.size === 0) continue;
    for (const line of [finding.line, finding.line - 1]) {
      const match = IGNORE.exec(comments.get(line) ?? '');
      if (match && (match[1] ?? '').split(',').includes(finding.checkId)) {
        finding.suppressed = { reason: match[2]?.trim() || 'no reason given' };
        break;
      }
    }
  }
}

/** Every built-in Kubernetes check definition, for docs and `--list-checks`-style output. */
export function kubernetesCheckDefinitions(): CheckDefinition[] {
  return K8S_CHECKS.map((check) => check.definition);
}

