import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPortcullisError } from '../core/index.ts';
import type { Extractor, ExtractorFile } from './extractor.ts';
import { runExtractor } from './testing.ts';

/** An extractor that reports what it was offered, to observe the helper from the inside. */
function probe(use: (file: ExtractorFile) => Promise<string>): Extractor {
  return {
    name: 'test/probe',
    version: 1,
    fileRequired: () => true,
    async extract(file, context) {
      context.warn(`size ${file.size}`);
      return { packages: [{ type: 'npm', name: await use(file), version: '1.0.0', locations: [file.path] }] };
    },
  };
}

test('runExtractor offers the content at the path and collects warnings', async () => {
  const { result, warnings } = await runExtractor(probe(async (file) => (await file.read()).toString('utf8')), 'a/b.json', 'héllo');
  assert.deepEqual(result.packages, [{ type: 'npm', name: 'héllo', version: '1.0.0', locations: ['a/b.json'] }]);
  assert.deepEqual(warnings, ['size 6']);
});

test('read() rejects with LIMIT over maxFileBytes, like the walker', async () => {
  await assert.rejects(
    runExtractor(probe(async (file) => (await file.read()).toString()), 'x', '12345', 4),
    (error: unknown) => isPortcullisError(error) && error.code === 'LIMIT',
  );
});

test('stream() yields the whole content in chunks', async () => {
  const big = Buffer.alloc(200_000, 0x61);
  const streamed = probe(async (file) => {
    let total = 0;
    for await (const chunk of file.stream()) total += chunk.length;
    return String(total);
  });
  const { result } = await runExtractor(streamed, 'x', big);
  assert.equal(result.packages[0]?.name, '200000');
});

test('reading a file twice is an internal error', async () => {
  await assert.rejects(
    runExtractor(probe(async (file) => `${await file.read()}${await file.read()}`), 'x', 'a'),
    (error: unknown) => isPortcullisError(error) && error.code === 'INTERNAL',
  );
});
