/**
 * For the tests of lint reports: a small report with every shape the formatters must handle, and
 * the official SARIF 2.1.0 schema check (also used by the command's end-to-end tests).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import AjvDraft04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import type { CheckDefinition, LintFinding, LintReport } from '../model.ts';

/** Terminal escapes, markup, XML-forbidden controls and a lone surrogate: what untrusted text may hold. */
export const HOSTILE_TEXT = 'evil \u001b[31mred\u001b[0m <b>&"\'</b> \u0000\u0007 \ud800 *md* `x`';

export const CHECKS: CheckDefinition[] = [
  {
    id: 'PC-T-001',
    title: 'Image runs as root',
    severity: 'HIGH',
    description: 'A process running as root owns the container.',
    fix: 'Add a USER instruction with a non-root user.',
    kind: 'dockerfile',
    compliance: { 'cis-docker': ['4.1'], 'nist-800-190': ['4.4.3'] },
    references: ['https://example.test/root'],
  },
  {
    id: 'PC-T-002',
    title: 'No HEALTHCHECK',
    severity: 'LOW',
    description: 'Without a health check the orchestrator cannot tell a hung service.',
    fix: 'Add a HEALTHCHECK instruction.',
    kind: 'dockerfile',
    compliance: { 'cis-docker': ['4.6'] },
  },
  {
    id: 'PC-T-003',
    title: 'Secret in ENV',
    severity: 'CRITICAL',
    description: 'Secrets in image metadata are readable by anyone who can pull the image.',
    fix: 'Pass secrets at run time or with build secrets.',
    kind: 'dockerfile',
    compliance: { 'cis-docker': ['4.10'], 'nist-800-190': ['4.1.4'] },
  },
];

export function finding(overrides: Partial<LintFinding> & Pick<LintFinding, 'checkId' | 'line'>): LintFinding {
  const check = CHECKS.find((each) => each.id === overrides.checkId);
  return { severity: check?.severity ?? 'MEDIUM', message: `${overrides.checkId} fired`, file: 'app/Dockerfile', ...overrides };
}

export function sampleReport(): LintReport {
  return {
    kind: 'dockerfile',
    files: ['app/Dockerfile', 'other dir/Dockerfile#2'],
    checks: CHECKS,
    findings: [
      finding({ checkId: 'PC-T-002', line: 1, message: 'final stage has no HEALTHCHECK' }),
      finding({ checkId: 'PC-T-003', line: 7, message: 'ENV API_TOKEN has a literal value', resource: 'stage build' }),
      finding({ checkId: 'PC-T-001', line: 3, message: 'USER root in the final stage', file: 'other dir/Dockerfile#2' }),
      finding({ checkId: 'PC-T-001', line: 12, message: 'no USER in the final stage', suppressed: { reason: 'runs under a user namespace' } }),
    ],
    warnings: [{ file: 'app/Dockerfile', message: 'line 20: unknown instruction FOO' }],
  };
}

// Both packages are CommonJS with a default export that Node's ESM loader wraps once more.
const AjvDraft04 = AjvDraft04Module as unknown as typeof AjvDraft04Module.default;
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** The official SARIF 2.1.0 schema (draft-04), as the @microsoft/jest-sarif package ships it. */
const validate = (() => {
  const require = createRequire(import.meta.url);
  const path = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  // strict off: the schema uses draft-04 idioms ajv's strict mode flags; unicodeRegExp off: one of
  // its patterns (the language tag) is valid only without the `u` flag.
  const ajv = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(path, 'utf8')) as object);
})();

/** Why `json` is not a valid SARIF 2.1.0 log; empty when it is. */
export function sarifSchemaErrors(json: string): string[] {
  return validate(JSON.parse(json)) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`);
}

