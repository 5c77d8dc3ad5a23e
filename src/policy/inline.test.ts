/** Policies built in code: the scan rule of `sign --require-scan`, and documents checked by the schema. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PortcullisError } from '../core/index.ts';
import { evaluate } from './evaluate.ts';
import { compilePolicyDocument, policyFromScanRule } from './inline.ts';
import { finding, policyInput } from './testing.ts';

describe('policyFromScanRule', () => {
  it('requires a completed scan that meets the rule', () => {
    const policy = policyFromScanRule('no CRITICAL, max 1 HIGH with fix');
    assert.equal(policy.layers[0]?.layer, 'require-scan');
    assert.deepEqual(evaluate(policy, policyInput({ action: 'sign', scan: { state: 'pending', findings: [] } })).violations.map((reason) => reason.rule), ['requireScan']);
    const fixed = { fixedVersion: '2' };
    assert.equal(evaluate(policy, policyInput({ action: 'sign', scan: { state: 'completed', findings: [finding('CVE-1', 'HIGH', fixed), finding('CVE-2', 'HIGH')] } })).allowed, true);
    const denied = evaluate(policy, policyInput({ action: 'sign', scan: { state: 'completed', findings: [finding('CVE-3', 'CRITICAL')] } }));
    assert.match(denied.violations[0]?.message ?? '', /breaks scan rule "no CRITICAL" \(of "no CRITICAL, max 1 HIGH with fix"\): CVE-3/);
  });

  it('refuses a rule that does not parse', () => {
    assert.throws(() => policyFromScanRule('no SEVERE'), (error: unknown) => error instanceof PortcullisError && error.code === 'INPUT' && /require-scan scanRule: scanRule: column 4: expected a level/.test(error.message));
  });
});

describe('compilePolicyDocument', () => {
  it('checks the document against the published schema', () => {
    assert.throws(() => compilePolicyDocument({ maxImageAgeDays: -1 }, 'inline'), (error: unknown) => error instanceof PortcullisError && /invalid policy inline: maxImageAgeDays must be >= 1/.test(error.message));
    assert.throws(() => compilePolicyDocument({ requireScan: true, extra: 1 } as never, 'inline'), /must NOT have additional properties \("extra"\)/);
  });

  it('gives the same revision to the same document and another to a different one', () => {
    const a = compilePolicyDocument({ requireScan: true }, 'inline');
    assert.equal(compilePolicyDocument({ requireScan: true }, 'inline').revision, a.revision);
    assert.notEqual(compilePolicyDocument({ requireScan: false }, 'inline').revision, a.revision);
  });
});
