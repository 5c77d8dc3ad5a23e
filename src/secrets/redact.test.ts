import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { redact } from './redact.ts';

describe('redact', () => {
  it('keeps at most four characters at each end around a fixed middle', () => {
    assert.equal(redact('AKIAZZZZZZZZZZZZMPLE'), 'AKIA…MPLE');
    assert.equal(redact(`ghp_${'a'.repeat(36)}`).length, 9);
    assert.equal(redact('x'.repeat(4000)), 'xxxx…xxxx', 'the length of the secret is not revealed');
  });

  it('hides at least half of short secrets', () => {
    assert.equal(redact('hunter22'), 'hu…22');
    assert.equal(redact('abcdefg'), 'a…g');
    assert.equal(redact('abc'), '…');
    assert.equal(redact(''), '…');
  });

  it('never splits a character and flattens line breaks', () => {
    assert.equal(redact('😀😀😀😀😀😀😀😀'), '😀😀…😀😀');
    assert.equal(redact('a\nbcdefghijklmnop\r\n'), 'a bc…op  ');
  });
});
