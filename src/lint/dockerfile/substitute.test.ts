import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { substitute } from './substitute.ts';

describe('substitute', () => {
  const values = new Map<string, string | undefined>([['TAG', '3.20'], ['EMPTY', ''], ['UNSET', undefined]]);

  it('replaces $NAME and ${NAME}', () => {
    assert.deepEqual(substitute('alpine:$TAG', values), { text: 'alpine:3.20', unresolved: [] });
    assert.deepEqual(substitute('alpine:${TAG}-x', values), { text: 'alpine:3.20-x', unresolved: [] });
  });

  it('applies defaults and alternatives as BuildKit does', () => {
    assert.equal(substitute('${EMPTY:-d}', values).text, 'd');
    assert.equal(substitute('${EMPTY-d}', values).text, '');
    assert.equal(substitute('${UNSET-d}', values).text, 'd');
    assert.equal(substitute('${TAG:+alt}', values).text, 'alt');
    assert.equal(substitute('${EMPTY:+alt}', values).text, '');
    assert.equal(substitute('${EMPTY+alt}', values).text, 'alt');
  });

  it('reports variables with no value', () => {
    assert.deepEqual(substitute('$UNSET:${MISSING}', values), { text: ':', unresolved: ['UNSET', 'MISSING'] });
  });
});
