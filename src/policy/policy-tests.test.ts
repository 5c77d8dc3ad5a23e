/** The policy test runner: passing and failing cases, inputs from files and inline, broken suites. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PortcullisError } from '../core/index.ts';
import { runPolicyTests } from './policy-tests.ts';

const SUITES = new URL('testdata/policy-tests', import.meta.url).pathname;

describe('runPolicyTests', () => {
  it('runs every case of every suite and says what differed', async () => {
    const results = await runPolicyTests(SUITES);
    assert.deepEqual(results.map((result) => [result.name, result.passed]), [
      ['failing.test.yaml: wrongly expected to be allowed', false],
      ['production.test.yaml: a clean, labelled image is allowed', true],
      ['production.test.yaml: latest with a fixable HIGH is denied twice over', true],
    ]);
    assert.deepEqual(results[0]?.problems, [
      'expected allowed, got denied',
      'expected decided by nobody, got production',
      'expected violations not found: maximumSeverity',
      'unexpected violations: requiredLabels',
    ]);
  });

  it('fails clearly on a directory without suites and on broken suites', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'portcullis-policy-tests-'));
    try {
      await assert.rejects(runPolicyTests(dir), (error: unknown) => error instanceof PortcullisError && /no policy test files/.test(error.message));
      await writeFile(join(dir, 'policy.yaml'), 'requireScan: true\n');
      await writeFile(join(dir, 'broken.test.yaml'), 'policies: [policy.yaml]\ncases:\n  - name: no input\n    expect: { allowed: true }\n');
      await assert.rejects(runPolicyTests(dir), (error: unknown) => error instanceof PortcullisError && /broken\.test\.yaml:3:5: cases\.0 must have required property 'input'/.test(error.message));
      await writeFile(join(dir, 'broken.test.yaml'), 'policies: [policy.yaml]\ncases:\n  - name: bad input\n    input: { action: deploy, now: x }\n    expect: { allowed: true }\n');
      await assert.rejects(runPolicyTests(dir), (error: unknown) => error instanceof PortcullisError && /broken\.test\.yaml:4:12: invalid policy input: .*action must be equal to one of the allowed values/.test(error.message));
      await assert.rejects(runPolicyTests(join(dir, 'missing')), (error: unknown) => error instanceof PortcullisError && error.code === 'NOT_FOUND');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
