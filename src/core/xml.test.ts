import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xml } from './xml.ts';

test('the five specials become entities', () => {
  assert.equal(xml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&apos;y&apos;&gt;&amp;&lt;/a&gt;');
});

test('tabs and newlines stay as character references, so attributes keep them', () => {
  assert.equal(xml('a\tb\nc\rd'), 'a&#9;b&#10;c&#13;d');
});

test('characters XML 1.0 forbids become U+FFFD; astral characters stay', () => {
  assert.equal(xml('bell\u0007 esc\u001b lone\ud800 end\uffff'), 'bell\ufffd esc\ufffd lone\ufffd end\ufffd');
  assert.equal(xml('😀'), '😀');
});
