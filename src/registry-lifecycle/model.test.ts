import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PortcullisError } from '../core/index.ts';
import { parseDuration } from './duration.ts';
import { ImmutabilityIndex } from './match.ts';
import { MAX_RULES, compileTagPattern, parseImmutabilityRules, parseRetentionRules } from './model.ts';

function inputError(pattern: RegExp) {
  return (error: unknown) => error instanceof PortcullisError && error.code === 'INPUT' && pattern.test(error.message);
}

describe('lifecycle rules', () => {
  it('parses valid rules of every kind', () => {
    assert.deepEqual(parseImmutabilityRules({ rules: [{ repositories: '**', tags: 'v*' }] }), [{ repositories: '**', tags: 'v*' }]);
    const rules = [
      { keep: 'latest', repositories: '**', count: 10 },
      { keep: 'pushedWithin', repositories: 'web/*', days: 30 },
      { keep: 'label', repositories: 'app', label: 'production-ready' },
      { keep: 'label', repositories: 'app', label: 'team', value: 'payments' },
      { keep: 'tags', repositories: '**', tags: 'release-*' },
    ];
    assert.deepEqual(parseRetentionRules({ rules }), rules);
  });

  it('refuses hostile retention rules, naming every bad field', () => {
    const bad = {
      rules: [
        { keep: 'latest', repositories: '**', count: -1 },
        { keep: 'pushedWithin', repositories: '**', days: 1e12 },
        { keep: 'latest', repositories: '**', count: 1.5 },
        { keep: 'tags', repositories: 'a//B', tags: 'v*' },
        { keep: 'latest', repositories: '**', count: 3, cout: 4 },
        { keep: 'forever', repositories: '**' },
      ],
    };
    assert.throws(() => parseRetentionRules(bad), (error: unknown) => {
      assert.ok(error instanceof PortcullisError && error.code === 'INPUT');
      for (const part of ['rules[0].count', 'rules[1].days', 'rules[2].count', 'rules[3].repositories', 'rules[4].cout: unknown field', 'rules[5].keep']) assert.ok(error.message.includes(part), `${part} in ${error.message}`);
      return true;
    });
  });

  it('refuses malformed bodies and patterns', () => {
    assert.throws(() => parseRetentionRules(null), inputError(/JSON object/));
    assert.throws(() => parseRetentionRules({ rules: 'all' }), inputError(/must be an array/));
    assert.throws(() => parseRetentionRules({ rules: [], extra: 1 }), inputError(/unknown field "extra"/));
    assert.throws(() => parseRetentionRules({ rules: [42] }), inputError(/rules\[0\] must be an object/));
    assert.throws(() => parseRetentionRules({ rules: Array.from({ length: MAX_RULES + 1 }, () => ({ keep: 'latest', repositories: '**', count: 1 })) }), inputError(/at most 100 rules/));
    assert.throws(() => parseRetentionRules({ rules: [{ keep: 'label', repositories: '**', label: 'Bad Key' }] }), inputError(/invalid label key/));
    assert.throws(() => parseRetentionRules({ rules: [{ keep: 'label', repositories: '**', label: 'ok', value: 'a\nb' }] }), inputError(/one line/));
    assert.throws(() => parseImmutabilityRules({ rules: [{ repositories: '**', tags: 'v[0-9]' }] }), inputError(/invalid tag pattern/));
    assert.throws(() => parseImmutabilityRules({ rules: [{ repositories: '**', tags: 'v\u00e9*' }] }), inputError(/invalid tag pattern/));
    assert.throws(() => parseImmutabilityRules({ rules: [{ repositories: '/abs', tags: 'v*' }] }), inputError(/invalid repository pattern/));
    assert.throws(() => parseImmutabilityRules({ rules: [{ repositories: '**', tags: 'x'.repeat(200) }] }), inputError(/invalid tag pattern/));
    assert.throws(() => parseImmutabilityRules({ rules: [{ repositories: '**', tags: '***' }] }), inputError(/invalid tag pattern/));
    assert.throws(() => parseImmutabilityRules({ rules: [{ repositories: '**', tags: 'v*', scope: 'all' }] }), inputError(/unknown field/));
    assert.throws(() => parseImmutabilityRules({ rules: [{ repositories: 5, tags: 'v*' }] }), inputError(/repositories/));
  });

  it('tag patterns treat only * as a wildcard', () => {
    const pattern = compileTagPattern('v1.*');
    assert.equal(pattern.test('v1.2.3'), true);
    assert.equal(pattern.test('v102'), false, '. is literal');
    assert.equal(compileTagPattern('release-*').test('release-'), true);
    assert.equal(compileTagPattern('latest').test('latest2'), false);
  });

  it('immutability rules apply per project, with repository patterns relative to it', () => {
    const index = new ImmutabilityIndex(new Map([['team', [{ repositories: 'web/*', tags: 'v*' }]], ['ops', [{ repositories: '**', tags: '*' }]]]));
    assert.equal(index.ruleFor('team/web/api', 'v1.0'), 'repositories "web/*" tags "v*"');
    assert.equal(index.ruleFor('team/web/api', 'latest'), undefined);
    assert.equal(index.ruleFor('team/app', 'v1.0'), undefined);
    assert.equal(index.ruleFor('other/web/api', 'v1.0'), undefined);
    assert.equal(index.ruleFor('ops', 'anything'), 'repositories "**" tags "*"');
  });

  it('parses durations within bounds and refuses absurd ones', () => {
    assert.equal(parseDuration('90s', 'x', { min: 0, max: 86_400_000 }), 90_000);
    assert.equal(parseDuration('24h', 'x', { min: 0, max: 86_400_000 }), 86_400_000);
    assert.throws(() => parseDuration('25h', '--gc-interval', { min: 0, max: 86_400_000 }), inputError(/--gc-interval must be from 0s to 1d/));
    assert.throws(() => parseDuration('999999999d', 'x', { min: 0, max: 86_400_000 }), inputError(/must be from/));
    assert.throws(() => parseDuration('-1h', 'x', { min: 0, max: 86_400_000 }), inputError(/takes a duration/));
    assert.throws(() => parseDuration('1.5h', 'x', { min: 0, max: 86_400_000 }), inputError(/takes a duration/));
    assert.throws(() => parseDuration('1y', 'x', { min: 0, max: 86_400_000 }), inputError(/takes a duration/));
    assert.throws(() => parseDuration(undefined, 'x', { min: 0, max: 1 }), inputError(/takes a duration/));
  });
});
