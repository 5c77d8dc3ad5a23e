import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { combinedSpdxExpression, isSpdxExpression, normaliseLicenses } from './licenses.ts';

describe('isSpdxExpression', () => {
  it('accepts ids, compound expressions, exceptions and LicenseRefs', () => {
    for (const valid of ['MIT', 'GPL-2.0-or-later', 'MIT OR Apache-2.0', '(MIT AND BSD-3-Clause) OR GPL-3.0-only', 'GPL-2.0-only WITH Classpath-exception-2.0', 'LicenseRef-custom']) {
      assert.equal(isSpdxExpression(valid), true, valid);
    }
  });

  it('rejects free text, Debian short names, broken syntax and empty strings', () => {
    for (const invalid of ['', 'GPL', 'BSD-style', 'Apache 2.0', 'MIT OR', '(MIT', 'MIT\u0000', 'x'.repeat(10_000)]) {
      assert.equal(isSpdxExpression(invalid), false, invalid.slice(0, 20));
    }
  });
});

describe('normaliseLicenses', () => {
  it('trims, drops empty entries, removes duplicates and sorts', () => {
    assert.deepEqual(normaliseLicenses([' MIT', 'Apache-2.0', '', 'MIT ', '  ']), ['Apache-2.0', 'MIT']);
    assert.deepEqual(normaliseLicenses(undefined), []);
  });
});

describe('combinedSpdxExpression', () => {
  it('returns a lone valid expression as it is', () => {
    assert.equal(combinedSpdxExpression(['MIT OR Apache-2.0']), 'MIT OR Apache-2.0');
  });

  it('joins several with AND, parenthesising compound ones, in sorted order', () => {
    assert.equal(combinedSpdxExpression(['Zlib', 'MIT OR Apache-2.0', 'BSD-2-Clause']), 'BSD-2-Clause AND (MIT OR Apache-2.0) AND Zlib');
    assert.equal(isSpdxExpression(combinedSpdxExpression(['Zlib', 'MIT OR Apache-2.0']) ?? ''), true);
  });

  it('gives up (undefined) when any declaration is not SPDX, and when there is none', () => {
    assert.equal(combinedSpdxExpression(['MIT', 'GPL']), undefined);
    assert.equal(combinedSpdxExpression([]), undefined);
    assert.equal(combinedSpdxExpression(undefined), undefined);
  });
});
