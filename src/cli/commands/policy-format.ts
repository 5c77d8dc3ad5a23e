/** The text forms of a policy decision and of policy test results. */
import type { Decision, DecisionReason, PolicyInput } from '../../policy/index.ts';
import type { PolicyTestResult } from '../../policy/policy-tests.ts';

function reasonLines(reason: DecisionReason): string[] {
  const lines = [`  [${reason.layer}] ${reason.rule}: ${reason.message}`];
  if (reason.fix !== undefined) lines.push(`      fix: ${reason.fix}`);
  return lines;
}

export function formatDecision(decision: Decision, input: PolicyInput): string {
  const verdict = !decision.allowed ? 'DENIED' : decision.enforcement === 'dryrun' ? 'ALLOWED (dry run: violations reported only)' : 'ALLOWED';
  const image = `${input.image.registry === '' ? '' : `${input.image.registry}/`}${input.image.repository}@${input.image.digest}`;
  const lines = [`${verdict}  ${image}`, `  policy ${decision.policyRevision}${decision.decidedBy === undefined ? '' : `, decided by ${decision.decidedBy}`}`];
  if (decision.violations.length > 0) lines.push('', `Violations (${decision.violations.length}):`, ...decision.violations.flatMap(reasonLines));
  if (decision.warnings.length > 0) lines.push('', `Warnings (${decision.warnings.length}):`, ...decision.warnings.flatMap(reasonLines));
  if (decision.evidence.length > 0) lines.push('', 'Evidence:', ...decision.evidence.map((entry) => `  ${entry.layer === undefined ? '' : `[${entry.layer}] `}${entry.kind}: ${entry.detail}`));
  return `${lines.join('\n')}\n`;
}

export function formatTestResults(results: readonly PolicyTestResult[]): string {
  const lines = results.flatMap((result) => [`${result.passed ? 'PASS' : 'FAIL'}  ${result.name}`, ...result.problems.map((problem) => `      ${problem}`)]);
  const failed = results.filter((result) => !result.passed).length;
  lines.push('', `${results.length - failed} passed, ${failed} failed`);
  return `${lines.join('\n')}\n`;
}
