import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpdxIdAllocator, sanitiseSpdxIdPart } from './spdx-id.ts';

const ID_SYNTAX = /^SPDXRef-[A-Za-z0-9.-]+$/;

describe('sanitiseSpdxIdPart', () => {
  it('keeps letters, digits, dots and dashes and folds every other run into one dash', () => {
    assert.equal(sanitiseSpdxIdPart('@babel/core'), 'babel-core');
    assert.equal(sanitiseSpdxIdPart('1.2.3+dfsg~1'), '1.2.3-dfsg-1');
    assert.equal(sanitiseSpdxIdPart('name with   spaces'), 'name-with-spaces');
  });

  it('keeps the base letter of accented characters and drops other scripts', () => {
    assert.equal(sanitiseSpdxIdPart('ünïcödé'), 'unicode');
    assert.equal(sanitiseSpdxIdPart('名前🚀'), 'unnamed');
  });

  it('never returns an empty part and caps very long names', () => {
    assert.equal(sanitiseSpdxIdPart(''), 'unnamed');
    assert.equal(sanitiseSpdxIdPart('///'), 'unnamed');
    assert.ok(sanitiseSpdxIdPart('a'.repeat(100_000)).length <= 200);
  });
});

describe('SpdxIdAllocator', () => {
  it('hands out valid ids, suffixing clashes in call order', () => {
    const ids = new SpdxIdAllocator();
    const given = [ids.allocate('Package', 'a b'), ids.allocate('Package', 'a/b'), ids.allocate('Package', 'a-b'), ids.allocate('Package', 'a-b-2')];
    assert.deepEqual(given, ['SPDXRef-Package-a-b', 'SPDXRef-Package-a-b-2', 'SPDXRef-Package-a-b-3', 'SPDXRef-Package-a-b-2-2']);
    for (const id of given) assert.match(id, ID_SYNTAX);
  });

  it('keeps ids unique over many clashing names', () => {
    const ids = new SpdxIdAllocator();
    const given = Array.from({ length: 500 }, (_, i) => ids.allocate('Package', i % 2 === 0 ? '名' : '前'));
    assert.equal(new Set(given).size, 500);
  });
});
