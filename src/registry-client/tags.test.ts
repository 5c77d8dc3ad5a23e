import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PortcullisError } from '../core/index.ts';
import { nextPageLink, parseTagPage } from './tags.ts';

describe('nextPageLink', () => {
  it('finds the next link among others, in any parameter order', () => {
    assert.equal(nextPageLink('</v2/a/tags/list?n=2&last=b>; rel="next"'), '/v2/a/tags/list?n=2&last=b');
    assert.equal(nextPageLink('<https://r.example/prev>; rel="prev", <https://r.example/next>; type="x"; rel=next'), 'https://r.example/next');
    assert.equal(nextPageLink('</p>; rel="prev next"'), '/p');
  });

  it('finds nothing where there is no next link', () => {
    assert.equal(nextPageLink(null), undefined);
    assert.equal(nextPageLink('</p>; rel="prev"'), undefined);
    assert.equal(nextPageLink('</p>; rel="nextpage"'), undefined);
    assert.equal(nextPageLink('garbage'), undefined);
  });
});

describe('parseTagPage', () => {
  it('reads tags and treats null as none', () => {
    assert.deepEqual(parseTagPage(Buffer.from('{"name":"a","tags":["1","latest"]}'), 'w'), ['1', 'latest']);
    assert.deepEqual(parseTagPage(Buffer.from('{"name":"a","tags":null}'), 'w'), []);
  });

  it('refuses malformed pages with INPUT', () => {
    for (const [body, pattern] of [
      ['{"tags":', /not JSON/],
      ['[]', /not a JSON object/],
      ['{"tags":"1"}', /not an array/],
      ['{"tags":["ok","bad tag",null]}', /tags\[1\], tags\[2\]/],
      [Buffer.from([0x7b, 0xff, 0x7d]), /not JSON/],
    ] as const) {
      assert.throws(
        () => parseTagPage(Buffer.from(body), 'listing tags'),
        (error: unknown) => error instanceof PortcullisError && error.code === 'INPUT' && pattern.test(error.message),
        String(body),
      );
    }
  });
});
