import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { unquotePrefix } from './go-quote.ts';
import { parseModInfo } from './modinfo.ts';
import { goPackages } from './packages.ts';

const REPLACED = readFileSync(join(import.meta.dirname, 'testdata', 'modinfo', 'replaced.txt'), 'utf8');

describe('parseModInfo', () => {
  it('reads modules, replacements and quoted build settings', () => {
    const warnings: string[] = [];
    const info = parseModInfo(REPLACED, (message) => warnings.push(message));
    assert.deepEqual(warnings, []);
    assert.equal(info.path, 'example.com/tool');
    assert.deepEqual(info.main, { path: 'example.com/tool', version: 'v1.2.3', sum: 'h1:abc=' });
    assert.deepEqual(info.deps[0], {
      path: 'golang.org/x/text',
      version: 'v0.3.7',
      sum: 'h1:olds=',
      replace: { path: 'github.com/fork/text', version: 'v0.3.8-fork', sum: 'h1:fork=' },
    });
    assert.deepEqual(info.deps[2], { path: 'example.com/local', version: 'v1.0.0', replace: { path: '/src/local', version: '' } });
    assert.deepEqual(info.build, [
      ['-buildmode', 'exe'],
      ['-ldflags', '-s -w -X "main.v=1"'],
      ['weird key', 'tab\there'],
      ['vcs.revision', '0123456789abcdef'],
    ]);
  });

  it('reports a module replaced by another module under the replacement, a local one under the original', () => {
    const info = parseModInfo(REPLACED, () => {});
    const packages = goPackages('go1.17.5', info, 'app');
    const summary = packages.map((pkg) => [pkg.name, pkg.version, pkg.metadata?.replaces ?? pkg.metadata?.replacement ?? '']);
    assert.deepEqual(summary, [
      ['example.com/tool', 'v1.2.3', ''],
      ['github.com/fork/text', 'v0.3.8-fork', 'golang.org/x/text@v0.3.7'],
      ['github.com/pkg/errors', 'v0.9.1', ''],
      ['example.com/local', 'v1.0.0', '/src/local'],
      ['stdlib', 'v1.17.5', ''],
    ]);
    assert.equal(packages[0]?.metadata?.['build.vcs.revision'], '0123456789abcdef');
    assert.equal(packages[1]?.metadata?.sum, 'h1:fork=');
  });

  it('warns about malformed lines and keeps the rest', () => {
    const warnings: string[] = [];
    const text = 'mod\tonly-path\n=>\tlonely\tv1\ndep\ta\tv1\ndep\tb\tv2\tsum\textra\nbuild\tnoequals\nbuild\t"unterminated=1\nbogus\tline\n\xff\n';
    const info = parseModInfo(text, (message) => warnings.push(message));
    assert.deepEqual(info.deps, [{ path: 'a', version: 'v1' }]);
    assert.equal(info.main, undefined);
    assert.equal(warnings.length, 7);
    assert.match(warnings[1]!, /line 2: replacement without a module/);
  });

  it('caps the warnings of a hostile module info', () => {
    const warnings: string[] = [];
    parseModInfo('junk\n'.repeat(10_000), (message) => warnings.push(message));
    assert.equal(warnings.length, 11);
    assert.match(warnings[10]!, /9990 more malformed lines/);
  });
});

describe('goPackages without a main module', () => {
  it('puts the build facts on the stdlib (GOPATH builds)', () => {
    const info = parseModInfo('path\tgithub.com/containers/skopeo/cmd/skopeo\nbuild\t-trimpath=true\n', () => {});
    const packages = goPackages('go1.19.8', info, 'usr/bin/skopeo');
    assert.deepEqual(packages, [
      {
        type: 'golang',
        name: 'stdlib',
        version: 'v1.19.8',
        locations: ['usr/bin/skopeo'],
        metadata: { goVersion: 'go1.19.8', 'build.-trimpath': 'true', mainPackage: 'github.com/containers/skopeo/cmd/skopeo' },
      },
    ]);
  });
});

describe('unquotePrefix', () => {
  it('decodes the escapes strconv.Quote writes', () => {
    assert.deepEqual(unquotePrefix('"a\\tb\\x41\\u00e9\\U0001F600\\101\\\\\\""=rest'), { value: 'a\tbAé😀A\\"', length: 34 });
    assert.deepEqual(unquotePrefix('"\\xc3\\xa9"'), { value: 'é', length: 10 });
  });
  it('refuses what is not a whole quoted string', () => {
    for (const text of ['plain', '"open', '"bad \\q escape"', '"short \\x4"', '"big \\U00110000"', '"line\nbreak"']) {
      assert.equal(unquotePrefix(text), undefined, text);
    }
  });
});
