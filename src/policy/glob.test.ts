/** Binary Authorization name patterns, and their cost on patterns built to make regexes backtrack. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PortcullisError } from '../core/index.ts';
import { compileGlob, matchGlob } from './glob.ts';

const matches = (pattern: string, subject: string) => matchGlob(compileGlob(pattern, 'test'), subject);

describe('globs', () => {
  it('matches * within one path segment and ** across segments', () => {
    assert.equal(matches('gcr.io/project/*', 'gcr.io/project/app'), true);
    assert.equal(matches('gcr.io/project/*', 'gcr.io/project/team/app'), false);
    assert.equal(matches('gcr.io/project/**', 'gcr.io/project/team/app'), true);
    assert.equal(matches('gcr.io/*/app', 'gcr.io/x/app'), true);
    assert.equal(matches('gcr.io/*/app', 'gcr.io/x/y/app'), false);
    assert.equal(matches('*.corp.example', 'eu.corp.example'), true);
    assert.equal(matches('registry.example', 'registry.example:5000'), false);
    assert.equal(matches('a*', 'a'), true);
    assert.equal(matches('a.b', 'axb'), false, '. is literal');
  });

  it('refuses empty, overlong and triple-star patterns', () => {
    const inputError = (pattern: RegExp) => (thrown: unknown) => thrown instanceof PortcullisError && thrown.code === 'INPUT' && pattern.test(thrown.message);
    assert.throws(() => compileGlob('', 'test'), inputError(/^test: a pattern must not be empty/));
    assert.throws(() => compileGlob('a'.repeat(513), 'test'), inputError(/^test: a pattern is at most 512 characters/));
    assert.throws(() => compileGlob('a***b', 'test'), /3 stars in a row/);
  });

  it('stays fast on patterns that make backtracking matchers explode', () => {
    const pattern = compileGlob(`${'**a'.repeat(40)}**b`, 'test');
    const subject = 'a'.repeat(2000);
    const started = performance.now();
    assert.equal(matchGlob(pattern, subject), false);
    assert.equal(matchGlob(pattern, `${subject}b`), true);
    assert.ok(performance.now() - started < 500, `took ${performance.now() - started} ms`);
    assert.equal(matchGlob(compileGlob('**', 'test'), 'x'.repeat(5000)), false, 'names longer than any reference never match');
  });
});
