/**
 * Rule unit tests: a YAML file of cases, each an input (Kubernetes manifests or a Dockerfile, inline
 * or a file next to the tests file) and the custom rule ids it must produce, no more and no fewer.
 * Used by `portcullis lint k8s|dockerfile --rules FILE --test TESTS`, and reusable by any command
 * that tests policies.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import { inputError } from '../../core/index.ts';
import { lintDockerfiles } from '../dockerfile/lint.ts';
import { lintManifests } from '../k8s/lint.ts';
import type { LintReport } from '../model.ts';
import type { CustomRule } from './rules-file.ts';

export interface RuleTestCase {
  name: string;
  /** Where the input came from, for messages: the tests file for inline input, else the input file. */
  file: string;
  input: string;
  expect: string[];
}

export interface RuleTestResult {
  name: string;
  passed: boolean;
  expected: string[];
  actual: string[];
  /** Evaluation warnings and load errors: any of them fails the case. */
  problems: string[];
}

const MAX_CASES = 10_000;

/** Reads and validates a tests file; `file:` inputs resolve relative to it. */
export async function loadRuleTests(file: string, text: string): Promise<RuleTestCase[]> {
  let root: unknown;
  try {
    root = parse(text, { maxAliasCount: 50, uniqueKeys: true });
  } catch (error) {
    throw inputError(`${file}: invalid YAML: ${error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)}`, error);
  }
  const tests = (root as { tests?: unknown } | null)?.tests;
  if (!Array.isArray(tests) || tests.length === 0) throw inputError(`${file}: a rule tests file needs a non-empty top-level 'tests' list`);
  if (tests.length > MAX_CASES) throw inputError(`${file}: more than ${MAX_CASES} test cases`);
  const cases: RuleTestCase[] = [];
  const problems: string[] = [];
  for (const [index, raw] of tests.entries()) {
    const fields = (typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
    const name = typeof fields.name === 'string' && fields.name !== '' ? fields.name : undefined;
    const label = `test ${name ?? `#${index + 1}`}`;
    if (name === undefined) problems.push(`${label}: name must be a non-empty string`);
    const expect = Array.isArray(fields.expect) && fields.expect.every((id) => typeof id === 'string') ? (fields.expect as string[]) : undefined;
    if (expect === undefined) problems.push(`${label}: expect must be a list of rule ids (use [] for none)`);
    const hasInput = typeof fields.input === 'string';
    const hasFile = typeof fields.file === 'string';
    if (hasInput === hasFile) problems.push(`${label}: give exactly one of input (inline text) or file (a path next to the tests file)`);
    if (name === undefined || expect === undefined || hasInput === hasFile) continue;
    if (hasInput) {
      cases.push({ name, file, input: fields.input as string, expect });
      continue;
    }
    const path = fields.file as string;
    const target = isAbsolute(path) ? path : resolve(dirname(file), path);
    const input = await readFile(target, 'utf8').catch((error: unknown) => {
      problems.push(`${label}: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
    if (input !== undefined) cases.push({ name, file: target, input, expect });
  }
  if (problems.length > 0) throw inputError(`invalid rule tests file ${file}:\n  ${problems.join('\n  ')}`);
  return cases;
}

/**
 * Runs each case through the custom rules only and compares the distinct ids found. `kind` says what
 * the inputs are: Kubernetes manifests or Dockerfiles.
 */
export function runRuleTests(rules: readonly CustomRule[], cases: readonly RuleTestCase[], kind: LintReport['kind'] = 'kubernetes'): RuleTestResult[] {
  const options = { customRules: rules, customRulesOnly: true };
  return cases.map((testCase) => {
    const expected = [...new Set(testCase.expect)].sort();
    const input = { file: testCase.file, text: testCase.input };
    try {
      const report = kind === 'dockerfile' ? lintDockerfiles([input], options) : lintManifests([input], options);
      const actual = [...new Set(report.findings.filter((finding) => !finding.suppressed).map((finding) => finding.checkId))].sort();
      const problems = report.warnings.map((warning) => `${warning.file}: ${warning.message}`);
      const passed = problems.length === 0 && actual.length === expected.length && actual.every((id, index) => id === expected[index]);
      return { name: testCase.name, passed, expected, actual, problems };
    } catch (error) {
      return { name: testCase.name, passed: false, expected, actual: [], problems: [error instanceof Error ? error.message : String(error)] };
    }
  });
}

/** One line per case, then a summary: readable in a terminal and in CI logs. */
export function formatRuleTestResults(results: readonly RuleTestResult[]): string {
  const lines = results.map((result) => {
    if (result.passed) return `PASS  ${result.name}`;
    const detail = [`expected [${result.expected.join(', ')}], got [${result.actual.join(', ')}]`, ...result.problems].join('\n        ');
    return `FAIL  ${result.name}\n        ${detail}`;
  });
  const failed = results.filter((result) => !result.passed).length;
  lines.push(`${results.length - failed} passed, ${failed} failed`);
  return `${lines.join('\n')}\n`;
}
