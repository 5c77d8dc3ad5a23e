/**
 * Policy unit tests (`portcullis policy test DIR`): every `*.test.yaml`, `*.test.yml` or
 * `*.test.json` file in DIR names a policy (or a layered set) and cases, each an input (a file or
 * inline) with the decision expected: allowed or not, and exactly which rules are violated.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { PortcullisError, inputError } from '../core/index.ts';
import { compileSchema } from './document.ts';
import { evaluate } from './evaluate.ts';
import { completeInput, loadPolicyInput, policyInputProblems } from './input.ts';
import { loadPolicySet, type LoadPolicyOptions } from './load.ts';
import type { Decision, PolicyInput } from './types.ts';
import { parseYamlDocument } from './yaml-document.ts';

const MAX_SUITE_BYTES = 4 * 1024 * 1024;
const MAX_SUITES = 1000;
const SUITE_FILE = /\.test\.(ya?ml|json)$/;

interface SuiteDocument {
  policies: Array<string | { layer: string; file: string }>;
  cases: Array<{ name: string; input: string | Record<string, unknown>; expect: { allowed: boolean; enforcement?: 'enforced' | 'dryrun'; violations?: string[]; decidedBy?: string } }>;
}

const validate = compileSchema<SuiteDocument>('policy-test.schema.json');

export interface PolicyTestResult {
  /** "suite file: case name". */
  name: string;
  passed: boolean;
  /** What differed from the expectation (empty when passed). */
  problems: string[];
  decision?: Decision;
}

/** Runs every suite in `dir`; a suite that cannot be read is an error, a failing case a result. */
export async function runPolicyTests(dir: string, options: Omit<LoadPolicyOptions, 'layer'> = {}): Promise<PolicyTestResult[]> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    throw new PortcullisError(error.code === 'ENOENT' ? 'NOT_FOUND' : 'INPUT', `cannot read policy test directory ${dir}: ${error.message}`);
  });
  const suites = entries.filter((entry) => SUITE_FILE.test(entry)).sort();
  if (suites.length === 0) throw inputError(`${dir}: no policy test files (*.test.yaml, *.test.yml, *.test.json)`);
  if (suites.length > MAX_SUITES) throw new PortcullisError('LIMIT', `${dir}: more than ${MAX_SUITES} policy test files`);
  const results: PolicyTestResult[] = [];
  for (const suite of suites) results.push(...(await runSuite(join(dir, suite), options)));
  return results;
}

async function runSuite(file: string, options: Omit<LoadPolicyOptions, 'layer'>): Promise<PolicyTestResult[]> {
  const { data, locate } = parseYamlDocument(await readFile(file), file, validate, 'policy test', MAX_SUITE_BYTES);
  const base = dirname(file);
  const layers = data.policies.map((entry) => (typeof entry === 'string' ? { layer: basename(entry), file: resolve(base, entry) } : { layer: entry.layer, file: resolve(base, entry.file) }));
  const policy = await loadPolicySet(layers, options);
  const results: PolicyTestResult[] = [];
  for (const [index, testCase] of data.cases.entries()) {
    const input = await caseInput(testCase.input, base, locate(['cases', index, 'input']));
    const decision = evaluate(policy, input);
    const problems = compare(testCase.expect, decision);
    results.push({ name: `${basename(file)}: ${testCase.name}`, passed: problems.length === 0, problems, decision });
  }
  return results;
}

async function caseInput(input: string | Record<string, unknown>, base: string, where: string): Promise<PolicyInput> {
  if (typeof input === 'string') return loadPolicyInput(resolve(base, input));
  const problems = policyInputProblems(input);
  if (problems.length > 0) throw inputError(`${where}: invalid policy input: ${problems.slice(0, 10).join('; ')}`);
  return completeInput(input as unknown as Parameters<typeof completeInput>[0]);
}

function compare(expect: SuiteDocument['cases'][number]['expect'], decision: Decision): string[] {
  const problems: string[] = [];
  if (decision.allowed !== expect.allowed) problems.push(`expected ${expect.allowed ? 'allowed' : 'denied'}, got ${decision.allowed ? 'allowed' : 'denied'}`);
  if (expect.enforcement !== undefined && decision.enforcement !== expect.enforcement) problems.push(`expected enforcement ${expect.enforcement}, got ${decision.enforcement}`);
  if (expect.decidedBy !== undefined && decision.decidedBy !== expect.decidedBy) problems.push(`expected decided by ${expect.decidedBy}, got ${decision.decidedBy ?? 'no layer'}`);
  if (expect.violations !== undefined) {
    const actual = new Set(decision.violations.map((violation) => violation.rule));
    const wanted = new Set(expect.violations);
    const missing = [...wanted].filter((rule) => !actual.has(rule));
    const extra = [...actual].filter((rule) => !wanted.has(rule));
    if (missing.length > 0) problems.push(`expected violations not found: ${missing.join(', ')}`);
    if (extra.length > 0) problems.push(`unexpected violations: ${extra.join(', ')}`);
  }
  return problems;
}
