import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PortcullisError } from '../core/index.ts';
import { EMPTY_ALLOW_LIST, loadAllowList, parseAllowList, suppression } from './allow.ts';
import { BUILTIN_RULES } from './rules/index.ts';

const GITHUB = BUILTIN_RULES.find((rule) => rule.id === 'github-token')!;
const TOKEN = `ghp_${'Zq8'.repeat(12)}`;

function inputError(pattern: RegExp) {
  return (error: unknown) => error instanceof PortcullisError && error.code === 'INPUT' && pattern.test(error.message);
}

describe('built-in suppressions', () => {
  it('drop documentation keys and placeholders', () => {
    const aws = BUILTIN_RULES.find((rule) => rule.id === 'aws-access-key-id')!;
    assert.equal(suppression(aws, 'a.txt', 'AKIAIOSFODNN7EXAMPLE', EMPTY_ALLOW_LIST), 'documentation example');
    for (const value of ['xxxxxxxxxxxx', '${GITHUB_TOKEN}', '<your-token>', '{{ .Token }}', '%(password)s', 'changeme', 'your_api_key_here', '************']) {
      assert.equal(suppression(GITHUB, 'a.txt', value, EMPTY_ALLOW_LIST), 'placeholder', value);
    }
    assert.equal(suppression(GITHUB, 'a.txt', TOKEN, EMPTY_ALLOW_LIST), undefined);
  });

  it('drop test fixtures of vendored packages, not the application\'s own files', () => {
    assert.equal(suppression(GITHUB, 'app/node_modules/jsonwebtoken/test/keys.js', TOKEN, EMPTY_ALLOW_LIST), 'vendored test fixture');
    assert.equal(suppression(GITHUB, 'usr/lib/python3/dist-packages/requests/tests/x.py', TOKEN, EMPTY_ALLOW_LIST), 'vendored test fixture');
    assert.equal(suppression(GITHUB, 'app/test/keys.js', TOKEN, EMPTY_ALLOW_LIST), undefined);
    assert.equal(suppression(GITHUB, 'app/node_modules/pkg/index.js', TOKEN, EMPTY_ALLOW_LIST), undefined);
  });
});

describe('allow-list file', () => {
  it('suppresses by rule, path glob and value', () => {
    const allow = parseAllowList('rules: [jwt]\npaths: ["srv/fixtures/**"]\nvalues: ["^ghp_Zq8"]\n', 'allow.yaml');
    const jwt = BUILTIN_RULES.find((rule) => rule.id === 'jwt')!;
    assert.equal(suppression(jwt, 'a.txt', 'eyJabc.eyJdef.ghi', allow), 'allow-list rule');
    assert.equal(suppression(GITHUB, 'a.txt', TOKEN, allow), 'allow-list value');
    const other = `ghp_${'Yw7'.repeat(12)}`;
    assert.equal(suppression(GITHUB, 'srv/fixtures/deep/x.json', other, allow), 'allow-list path');
    assert.equal(suppression(GITHUB, 'srv/app/x.json', other, allow), undefined);
  });

  it('accepts an empty file', () => {
    assert.deepEqual(parseAllowList('', 'allow.yaml'), EMPTY_ALLOW_LIST);
  });

  it('rejects malformed files naming every bad field', () => {
    assert.throws(() => parseAllowList('rules: [jwt', 'a.yaml'), inputError(/not valid YAML/));
    assert.throws(() => parseAllowList('- jwt', 'a.yaml'), inputError(/must be a mapping/));
    assert.throws(
      () => parseAllowList('rules: jwt\npaths: [1, ""]\nvalues: ["("]\nextra: 1\n', 'a.yaml'),
      inputError(/unknown key "extra".*rules must be a list.*paths\[0\].*paths\[1\].*values\[0\] is not a valid regular expression/),
    );
    assert.throws(() => parseAllowList(`values: ["${'a'.repeat(1001)}"]`, 'a.yaml'), inputError(/at most 1000/));
    assert.throws(() => parseAllowList('x'.repeat(1024 * 1024 + 1), 'a.yaml'), inputError(/larger than/));
  });

  it('refuses alias bombs', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 12 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)].join('\n');
    assert.throws(() => parseAllowList(bomb, 'a.yaml'), inputError(/not valid YAML|alias/i));
  });

  it('reads from a file, and a missing file is NOT_FOUND', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'portcullis-allow-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'allow.yaml'), 'rules: [pii-email]\n');
    assert.ok((await loadAllowList(join(dir, 'allow.yaml'))).rules.has('pii-email'));
    await assert.rejects(loadAllowList(join(dir, 'missing.yaml')), (error: unknown) => error instanceof PortcullisError && error.code === 'NOT_FOUND');
  });
});
