import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { ChunkWindow } from './chunk-window.ts';

describe('ChunkWindow', () => {
  const data = randomBytes(300_000);

  function fill(window: ChunkWindow, sizes: readonly number[]): void {
    let at = 0;
    for (let index = 0; at < data.length; index++) {
      const size = sizes[index % sizes.length]!;
      window.push(data.subarray(at, at + size), at);
      at += size;
    }
  }

  it('reads any held range exactly, across small and large chunks', () => {
    for (const sizes of [[1], [7, 20_000, 3], [100_000], [16_384, 1, 65_536]]) {
      const window = new ChunkWindow(1 << 20);
      fill(window, sizes);
      for (const [offset, length] of [[0, 10], [12_345, 70_000], [299_990, 10], [65_530, 20]] as const) {
        assert.deepEqual(window.read(offset, length), { kind: 'bytes', bytes: data.subarray(offset, offset + length) }, `${sizes} ${offset}`);
      }
      assert.deepEqual(window.read(299_995, 10), { kind: 'ahead' });
    }
  });

  it('drops what is older than its capacity', () => {
    const window = new ChunkWindow(50_000);
    fill(window, [1_000, 30_000]);
    assert.deepEqual(window.read(0, 10), { kind: 'behind' });
    const recent = window.read(data.length - 50_000, 50_000);
    assert.deepEqual(recent, { kind: 'bytes', bytes: data.subarray(data.length - 50_000) });
  });
});
