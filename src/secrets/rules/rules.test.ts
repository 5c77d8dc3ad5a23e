/**
 * Every built-in rule against its planted sample, its near-misses, and 1 MB adversarial inputs
 * that must be scanned in linear time.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY_ALLOW_LIST } from '../allow.ts';
import { compileRules, scanText, type TextMatch } from '../engine.ts';
import { redact } from '../redact.ts';
import { nearMissesFor, sampleFor } from '../testing.ts';
import type { SecretRule } from '../types.ts';
import { BUILTIN_RULES, selectRules, validateRules } from './index.ts';

const ALL = compileRules(BUILTIN_RULES);
const MEGABYTE = 1024 * 1024;
/** Generous for a shared CI core; a super-linear regex takes minutes on these inputs, not seconds. */
const ADVERSARIAL_LIMIT_MS = 3000;

function scan(text: string, path: string | undefined, rules = ALL, timeBudgetMs = 60_000): { matches: TextMatch[]; warnings: string[] } {
  const warnings: string[] = [];
  const matches = scanText(text, path, rules, { allow: EMPTY_ALLOW_LIST, timeBudgetMs, warn: (message) => warnings.push(message), onSuppressed: () => {} });
  return { matches, warnings };
}

function repeatTo(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / Math.max(1, unit.length))).slice(0, length);
}

/** Inputs built from the sample that make a backtracking regex explode if it can. */
function adversarialInputs(rule: SecretRule): Array<[string, string]> {
  const { text, secret } = sampleFor(rule.id);
  const at = text.indexOf(secret);
  const prefix = text.slice(Math.max(0, at - 40), at);
  const keyword = rule.keywords[0] ?? '';
  return [
    ['the secret minus its last character, repeated', repeatTo(`${prefix}${secret.slice(0, -1)} `, MEGABYTE)],
    ['the secret repeated with no separator', repeatTo(secret, MEGABYTE)],
    ['the text before the secret, repeated', repeatTo(prefix, MEGABYTE)],
    ['the keyword repeated', repeatTo(keyword, MEGABYTE)],
    ['one secret character, repeated', `${prefix}${repeatTo(secret.charAt(secret.length >> 1), MEGABYTE)}`],
    ['whole samples without line breaks', repeatTo(text.replace(/\n/g, ' '), MEGABYTE)],
  ];
}

describe('built-in rules', () => {
  it('are valid', () => {
    validateRules(BUILTIN_RULES);
    assert.ok(BUILTIN_RULES.length >= 28);
  });

  it('leave personal data out unless asked for', () => {
    assert.equal(selectRules().some((rule) => rule.category === 'pii'), false);
    assert.ok(selectRules({ pii: true }).some((rule) => rule.id === 'pii-iban'));
  });

  for (const rule of BUILTIN_RULES) {
    describe(rule.id, () => {
      it('finds its planted sample, at the right place and redacted', () => {
        for (const variant of rule.id === 'private-key' ? [0, 1, 2, 3, 4, 5, 6] : [0, 1]) {
          const sample = sampleFor(rule.id, variant);
          const { matches } = scan(sample.text, sample.path);
          const found = matches.filter((match) => match.rule.id === rule.id);
          assert.equal(found.length, 1, `variant ${variant}: ${JSON.stringify(matches.map((m) => [m.rule.id, m.redacted]))} in ${JSON.stringify(sample.text)}`);
          const offset = sample.text.indexOf(sample.secret);
          const before = sample.text.slice(0, offset);
          assert.equal(found[0]!.offset, offset);
          assert.equal(found[0]!.line, before.split('\n').length);
          assert.equal(found[0]!.column, offset - before.lastIndexOf('\n'));
          assert.equal(found[0]!.redacted, redact(sample.secret));
        }
      });

      it('ignores near-misses and placeholders', () => {
        const only = compileRules([rule]);
        const { path } = sampleFor(rule.id);
        for (const miss of nearMissesFor(rule.id)) {
          const { matches } = scan(`${miss}\n`, path, only);
          assert.deepEqual(matches.map((match) => match.redacted), [], `${rule.id} matched ${JSON.stringify(miss)}`);
        }
      });

      if (rule.paths !== undefined) {
        it('applies only to its kind of file', () => {
          const sample = sampleFor(rule.id);
          const { matches } = scan(sample.text, 'srv/unrelated/readme.md', compileRules([rule]));
          assert.deepEqual(matches, []);
        });
      }

      it('runs in linear time on 1 MB adversarial inputs', () => {
        const only = compileRules([rule]);
        for (const [name, input] of adversarialInputs(rule)) {
          const start = performance.now();
          const { warnings } = scan(input, sampleFor(rule.id).path, only);
          const elapsed = performance.now() - start;
          assert.ok(elapsed < ADVERSARIAL_LIMIT_MS, `${rule.id}: ${name} took ${elapsed.toFixed(0)} ms`);
          // Inputs full of matches may hit the per-file findings cap, never the time budget.
          assert.deepEqual(warnings.filter((warning) => /stopped after/.test(warning)), []);
        }
      });
    });
  }
});

describe('validateRules', () => {
  const good = BUILTIN_RULES[0]!;
  it('rejects bad rules with every problem named', () => {
    const bad: SecretRule[] = [
      { ...good, id: 'Bad Id', keywords: [] },
      { ...good, id: 'upper', keywords: ['AKIA'], regex: /x/g },
      { ...good, id: 'empty', regex: /a*/ },
      { ...good, id: 'upper' },
    ];
    assert.throws(
      () => validateRules(bad),
      (error: Error & { code?: string }) =>
        error.code === 'INTERNAL' &&
        /kebab-case/.test(error.message) &&
        /at least one keyword/.test(error.message) &&
        /lower case/.test(error.message) &&
        /flags g/.test(error.message) &&
        /empty string/.test(error.message) &&
        /duplicate id/.test(error.message),
    );
  });
});
