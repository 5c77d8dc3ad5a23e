import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runExtractor } from '../../testing.ts';
import { gemspecExtractor } from './index.ts';

const fixture = (name: string): string => readFileSync(new URL(`./testdata/gemspec/${name}`, import.meta.url), 'utf8');
const required = (path: string) => gemspecExtractor.fileRequired({ path, size: 100, mode: 0o644 });

test('fileRequired: gemspecs directly in a specifications directory, and Ruby\'s default gems', () => {
  assert.ok(required('usr/local/bundle/specifications/rake-13.0.6.gemspec'));
  assert.ok(required('usr/local/lib/ruby/gems/3.2.0/specifications/default/json-2.6.3.gemspec'));
  assert.ok(!required('usr/local/lib/ruby/gems/3.2.0/specifications/other/json-2.6.3.gemspec'));
  assert.ok(required('specifications/rake-13.0.6.gemspec'));
  assert.ok(!required('usr/local/bundle/gems/rake-13.0.6/rake.gemspec'));
  assert.ok(!required('usr/local/bundle/specifications/rake-13.0.6.gemspec.orig'));
});

test('an installed RubyGems specification: .freeze suffixes, licenses array', async () => {
  const path = 'usr/local/bundle/specifications/rake-13.0.6.gemspec';
  const { result, warnings } = await runExtractor(gemspecExtractor, path, fixture('rake-13.0.6.gemspec'));
  assert.deepEqual(warnings, []);
  assert.deepEqual(result.packages, [{ type: 'gem', name: 'rake', version: '13.0.6', licenses: ['MIT'], locations: [path] }]);
});

test('hand-written forms: %q{}, Gem::Version.new, %w[]; other receivers and strings in values ignored', async () => {
  const path = 'specifications/handwritten-2.1.0.gemspec';
  const { result, warnings } = await runExtractor(gemspecExtractor, path, fixture('handwritten-2.1.0.gemspec'));
  assert.deepEqual(warnings, []);
  assert.deepEqual(result.packages, [
    { type: 'gem', name: 'handwritten', version: '2.1.0', licenses: ['Apache-2.0', 'MIT', 'BSD-2-Clause'], locations: [path] },
  ]);
});

test('the code is never run: interpolation and method calls are not evaluated', async () => {
  const content = 'Gem::Specification.new do |s|\n  s.name = `rm -rf /`\n  s.version = File.read("VERSION")\nend\n';
  const { result, warnings } = await runExtractor(gemspecExtractor, 'specifications/x.gemspec', content);
  assert.deepEqual(result.packages, []);
  assert.match(warnings.join(), /no readable name/);
});

test('a missing version is a warning', async () => {
  const { result, warnings } = await runExtractor(gemspecExtractor, 'specifications/x.gemspec', 'Gem::Specification.new do |s|\n  s.name = "x"\nend\n');
  assert.deepEqual(result.packages, []);
  assert.match(warnings.join(), /no readable version/);
});

test('hostile input: oversized, bad UTF-8, binary, pathological lines', async () => {
  const rake = fixture('rake-13.0.6.gemspec');
  const oversized = await runExtractor(gemspecExtractor, 'specifications/rake.gemspec', rake, 100);
  assert.deepEqual(oversized.result.packages, []);
  assert.match(oversized.warnings.join(), /limit/);

  const badBytes = Buffer.from(rake.replace('"rake".freeze', '"r\u0000ake".freeze').replace('\u0000', '\uFFFF'));
  badBytes[badBytes.indexOf(Buffer.from('\uFFFF'))] = 0xff;
  const damaged = await runExtractor(gemspecExtractor, 'specifications/rake.gemspec', badBytes);
  assert.match(damaged.warnings.join(), /UTF-8/);
  assert.equal(damaged.result.packages[0]?.version, '13.0.6');

  const binary = await runExtractor(gemspecExtractor, 'specifications/x.gemspec', Buffer.alloc(2048, 0x8f));
  assert.deepEqual(binary.result.packages, []);

  const started = performance.now();
  const long = `Gem::Specification.new do |s|\n  s.name = ${'"'.repeat(200_000)}\n  s.version = ${'%q{'.repeat(100_000)}\n  s.licenses = [${'"a\\'.repeat(100_000)}]\nend\n`;
  const slow = await runExtractor(gemspecExtractor, 'specifications/x.gemspec', long);
  assert.ok(performance.now() - started < 5000);
  assert.deepEqual(slow.result.packages, []);
});
