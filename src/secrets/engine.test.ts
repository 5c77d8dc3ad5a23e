import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY_ALLOW_LIST } from './allow.ts';
import { MAX_MATCHES_PER_TEXT, compileRules, scanText, type CompiledRules } from './engine.ts';
import { BUILTIN_RULES, selectRules } from './rules/index.ts';
import { sampleFor } from './testing.ts';
import type { SecretRule } from './types.ts';

const CUSTOM: SecretRule = {
  id: 'custom-token',
  category: 'secret',
  title: 'Custom token',
  severity: 'HIGH',
  keywords: ['zzkw'],
  regex: /tok-(?<secret>[a-z]{8})/,
  help: 'A test rule.',
};

function scan(text: string, rules: CompiledRules, path: string | undefined = 'a.txt', timeBudgetMs = 60_000) {
  const warnings: string[] = [];
  let suppressed = 0;
  const matches = scanText(text, path, rules, {
    allow: EMPTY_ALLOW_LIST,
    timeBudgetMs,
    warn: (message) => warnings.push(message),
    onSuppressed: () => {
      suppressed += 1;
    },
  });
  return { matches, warnings, suppressed };
}

describe('scanText', () => {
  it('runs a rule only when one of its keywords occurs, in any case', () => {
    const rules = compileRules([CUSTOM]);
    assert.deepEqual(scan('tok-abcdefgh', rules).matches, []);
    assert.equal(scan('ZZKW tok-abcdefgh', rules).matches.length, 1);
    assert.equal(scan('tok-abcdefgh zzkw', rules).matches[0]?.column, 5);
  });

  it('sees a keyword that starts inside a longer keyword', () => {
    const inner: SecretRule = { ...CUSTOM, id: 'inner', keywords: ['kwz'], regex: /tak-(?<secret>[a-z]{8})/ };
    const rules = compileRules([CUSTOM, inner]);
    assert.deepEqual(
      scan('zzkwz tak-abcdefgh', rules).matches.map((match) => match.rule.id),
      ['inner'],
    );
  });

  it('reports one finding where a specific and a generic rule match the same secret', () => {
    const sample = sampleFor('gcp-service-account-key');
    const { matches } = scan(sample.text, compileRules(selectRules()), sample.path);
    assert.deepEqual(matches.map((match) => match.rule.id), ['gcp-service-account-key']);
    const withoutGcp = compileRules(selectRules().filter((rule) => rule.id !== 'gcp-service-account-key'));
    assert.deepEqual(scan(sample.text, withoutGcp, sample.path).matches.map((match) => match.rule.id), ['private-key']);
  });

  it('needs the other half of a pair when the rule says so', () => {
    const sample = sampleFor('gcp-service-account-key');
    const rules = compileRules(BUILTIN_RULES.filter((rule) => rule.id === 'gcp-service-account-key'));
    assert.deepEqual(scan(sample.text.replace('gserviceaccount.com', 'example.net'), rules).matches, []);
  });

  it('counts suppressed matches', () => {
    const { matches, suppressed } = scan('key AKIAIOSFODNN7EXAMPLE', compileRules(BUILTIN_RULES));
    assert.deepEqual(matches, []);
    assert.equal(suppressed, 1);
  });

  it('gives lines and columns as byte positions, whatever the encoding around the secret', () => {
    const sample = sampleFor('github-token');
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0a, 0xe2, 0x82]), Buffer.from(` ${sample.secret}\n`)]);
    const { matches } = scan(bytes.toString('latin1'), compileRules(BUILTIN_RULES));
    assert.equal(matches.length, 1);
    assert.equal(matches[0]!.line, 2);
    assert.equal(matches[0]!.column, 4);
  });

  it('stops a file at the time budget with a warning, keeping what it found', () => {
    const many: SecretRule = { ...CUSTOM, id: 'many', regex: /tok-(?<secret>[a-z]{8})/ };
    const text = `zzkw ${'tok-abcdefgh '.repeat(400_000)}`;
    const { matches, warnings } = scan(text, compileRules([many]), 'a.txt', 5);
    assert.match(warnings[0] ?? '', /stopped after 5 ms/);
    assert.ok(matches.length > 0, 'what was found before the budget ran out is kept');
  });

  it('reports at most a bounded number of findings per file, with a warning', () => {
    const { matches, warnings } = scan(`zzkw ${'tok-abcdefgh '.repeat(5000)}`, compileRules([CUSTOM]));
    assert.equal(matches.length, MAX_MATCHES_PER_TEXT);
    assert.deepEqual(warnings, [`5000 findings in one file; only the first ${MAX_MATCHES_PER_TEXT} are reported`]);
  });
});
