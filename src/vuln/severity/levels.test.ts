import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareSeverity, severityFromScore, severityFromV2Score, severityFromWord } from './index.ts';

describe('severityFromScore', () => {
  it('uses the CVSS v3.x/v4.0 bands at their edges', () => {
    const cases: Array<[number, string]> = [
      [0, 'NONE'], [0.1, 'LOW'], [3.9, 'LOW'], [4, 'MEDIUM'], [6.9, 'MEDIUM'],
      [7, 'HIGH'], [8.9, 'HIGH'], [9, 'CRITICAL'], [10, 'CRITICAL'],
      [-1, 'UNKNOWN'], [10.1, 'UNKNOWN'], [Number.NaN, 'UNKNOWN'],
    ];
    for (const [score, level] of cases) assert.equal(severityFromScore(score), level, String(score));
  });

  it('uses NVD bands for v2, which has no NONE or CRITICAL', () => {
    assert.equal(severityFromV2Score(0), 'LOW');
    assert.equal(severityFromV2Score(4), 'MEDIUM');
    assert.equal(severityFromV2Score(10), 'HIGH');
  });
});

describe('severityFromWord', () => {
  it('maps Debian urgencies, GitHub words, Ubuntu priorities and Red Hat impacts', () => {
    const cases: Array<[string, string]> = [
      ['unimportant', 'LOW'], ['low**', 'LOW'], ['medium', 'MEDIUM'], ['high*', 'HIGH'],
      ['MODERATE', 'MEDIUM'], ['CRITICAL', 'CRITICAL'], ['negligible', 'LOW'], ['important', 'HIGH'],
    ];
    for (const [word, level] of cases) assert.equal(severityFromWord(word), level, word);
  });

  it('gives nothing for placeholders and unknown words', () => {
    for (const word of ['not yet assigned', 'end-of-life', 'untriaged', '', 'bogus', '\u0000']) {
      assert.equal(severityFromWord(word), undefined, word);
    }
  });
});

describe('compareSeverity', () => {
  it('orders UNKNOWN lowest and CRITICAL highest', () => {
    assert.ok(compareSeverity('CRITICAL', 'HIGH') > 0);
    assert.ok(compareSeverity('UNKNOWN', 'NONE') < 0);
    assert.equal(compareSeverity('LOW', 'LOW'), 0);
  });
});
