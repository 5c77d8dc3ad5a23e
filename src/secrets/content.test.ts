import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { WalkEntry } from '../image/types.ts';
import { hasBinaryExtension, readText } from './content.ts';

function entry(chunks: Buffer[], size = chunks.reduce((sum, chunk) => sum + chunk.length, 0)): WalkEntry {
  return {
    path: 'x',
    type: 'file',
    size,
    mode: 0o644,
    content: async function* () {
      yield* chunks;
    },
  };
}

describe('content', () => {
  it('knows binary extensions without reading', () => {
    assert.equal(hasBinaryExtension('usr/lib/libc.so'), true);
    assert.equal(hasBinaryExtension('app/Logo.PNG'), true);
    assert.equal(hasBinaryExtension('app/.env'), false);
    assert.equal(hasBinaryExtension('app.so/readme'), false);
    assert.equal(hasBinaryExtension('app/config.json'), false);
  });

  it('reads text as latin1, byte for byte', async () => {
    const bytes = Buffer.from([0x61, 0xff, 0xc3, 0x28, 0x0a]);
    const text = await readText(entry([bytes.subarray(0, 2), bytes.subarray(2)]), 100);
    assert.deepEqual(text, { kind: 'text', text: bytes.toString('latin1') });
  });

  it('treats a NUL byte in the first 8 KiB as binary, even in a later chunk', async () => {
    assert.deepEqual(await readText(entry([Buffer.from('abc'), Buffer.from([0x64, 0x00])]), 100_000), { kind: 'binary' });
    const late = Buffer.concat([Buffer.alloc(9000, 0x61), Buffer.from([0])]);
    assert.equal((await readText(entry([late]), 100_000)).kind, 'text', 'a NUL after 8 KiB does not count');
  });

  it('skips files over the limit, even when the declared size lies', async () => {
    assert.deepEqual(await readText(entry([Buffer.alloc(10, 0x61)]), 5), { kind: 'too-large' });
    assert.deepEqual(await readText(entry([Buffer.alloc(10, 0x61), Buffer.alloc(10, 0x61)], 1), 15), { kind: 'too-large' });
  });
});
