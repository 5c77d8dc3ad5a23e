/**
 * Test helper: the hostile inputs every text-file extractor must survive, derived from one valid
 * fixture. Format-specific attacks (alias bombs, prototype keys, deep nesting) stay in each
 * extractor's own tests. For tests only.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Extractor } from '../../extractor.ts';
import { runExtractor } from '../../testing.ts';

/**
 * Registers the shared hostile-input tests for `extractor` reading `valid` at `path`; `scenario`
 * tells test names apart when one extractor is tested with several fixtures.
 */
export function describeHostileInputs(extractor: Extractor, path: string, valid: string, scenario = path): void {
  const label = `${extractor.name} ${scenario}`;

  test(`${label}: a file over the size limit is skipped with a warning`, async () => {
    const { result, warnings } = await runExtractor(extractor, path, valid, Buffer.byteLength(valid) - 1);
    assert.deepEqual(result.packages, []);
    assert.match(warnings.join('\n'), /limit/);
  });

  test(`${label}: a truncated file yields a warning or fewer packages, never a crash`, async () => {
    const full = await runExtractor(extractor, path, valid);
    assert.ok(full.result.packages.length > 1, 'the fixture must declare several packages');
    const truncated = await runExtractor(extractor, path, valid.slice(0, Math.floor(valid.length / 2)));
    assert.ok(truncated.warnings.length > 0 || truncated.result.packages.length < full.result.packages.length);
  });

  test(`${label}: bytes that are not UTF-8 are reported and the rest is kept`, async () => {
    const full = await runExtractor(extractor, path, valid);
    const first = full.result.packages[0];
    assert.ok(first !== undefined);
    const at = valid.indexOf(first.name);
    assert.ok(at >= 0, 'the first package name appears in the fixture');
    const bytes = Buffer.concat([
      Buffer.from(valid.slice(0, at)),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(valid.slice(at + 1)),
    ]);
    const damaged = await runExtractor(extractor, path, bytes);
    assert.match(damaged.warnings.join('\n'), /UTF-8/);
    assert.ok(damaged.result.packages.length >= full.result.packages.length - 1);
  });

  test(`${label}: pathological lines are read in linear time`, async () => {
    const lines = [
      `a${' '.repeat(100_000)}b`,
      `  a${' '.repeat(100_000)}b`,
      `"${'a\\'.repeat(50_000)}`,
      '@'.repeat(100_000),
      '/'.repeat(100_000),
      `    a (${'('.repeat(100_000)}`,
      'node_modules/'.repeat(10_000),
      `x==${'1'.repeat(50_000)}${' '.repeat(50_000)}!`,
    ];
    const started = performance.now();
    const { result } = await runExtractor(extractor, path, `${valid}\n${lines.join('\n')}\n`);
    assert.ok(performance.now() - started < 5000, `took ${Math.round(performance.now() - started)} ms`);
    assert.ok(Array.isArray(result.packages));
  });

  test(`${label}: deeply nested brackets end in a warning or nothing, never a stack overflow`, async () => {
    const depth = 100_000;
    for (const content of [`${'['.repeat(depth)}${']'.repeat(depth)}`, `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`, `a = ${'{b = '.repeat(depth)}1${'}'.repeat(depth)}`]) {
      const { result } = await runExtractor(extractor, path, content);
      assert.deepEqual(result.packages, []);
    }
  });

  test(`${label}: empty and binary content never crash`, async () => {
    for (const content of ['', '\0\0\0', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256))]) {
      const { result } = await runExtractor(extractor, path, content);
      assert.ok(Array.isArray(result.packages));
    }
  });
}
