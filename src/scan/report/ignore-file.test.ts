import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { PortcullisError } from '../../core/index.ts';
import { MAX_IGNORE_FILE_BYTES, isExpired, parseIgnoreFile } from './ignore-file.ts';

function fixture(name: string): Buffer {
  return readFileSync(new URL(`testdata/ignore/${name}`, import.meta.url));
}

function parseText(text: string) {
  return parseIgnoreFile(Buffer.from(text), '.portcullisignore.yaml');
}

function assertInvalid(input: string | Buffer, code: string, pattern: RegExp): void {
  assert.throws(
    () => parseIgnoreFile(typeof input === 'string' ? Buffer.from(input) : input, '.portcullisignore.yaml'),
    (error: unknown) => error instanceof PortcullisError && error.code === code && pattern.test(error.message),
    `expected ${code} matching ${pattern}`,
  );
}

describe('parseIgnoreFile', () => {
  it('reads every entry with the line it starts on', () => {
    const entries = parseIgnoreFile(fixture('basic.yaml'), 'basic.yaml');
    assert.deepEqual(entries.map((entry) => [entry.id, entry.source]), [
      ['DSA-5000-1', 'basic.yaml:4'],
      ['cve-2024-0003', 'basic.yaml:9'],
      ['CVE-2024-0004', 'basic.yaml:12'],
    ]);
    assert.deepEqual(entries[0], {
      id: 'DSA-5000-1',
      package: 'pkg:deb/debian/libssl3',
      reason: 'TLS is terminated at the load balancer; this code path is never used.',
      owner: 'platform-team',
      expires: '2099-01-01',
      source: 'basic.yaml:4',
    });
  });

  it('accepts an empty list', () => {
    assert.deepEqual(parseText('ignore: []\n'), []);
  });

  it('reports schema errors with the line they are on', () => {
    assertInvalid(fixture('invalid.yaml'), 'INPUT', /:5: \/ignore\/1 must have required property 'reason'.*:7: \/ignore\/2 must NOT have additional properties \("colour"\)/s);
    assertInvalid('ignore:\n  - id: CVE-1\n    reason: "   "\n', 'INPUT', /:3: \/ignore\/0\/reason must match pattern/);
    assertInvalid('ignore:\n  - id: 42\n    reason: x\n', 'INPUT', /:2: \/ignore\/0\/id must be string/);
    assertInvalid('ignore:\n  - id: CVE-1\n    reason: x\n    expires: next week\n', 'INPUT', /:4: .*expires must match pattern/);
    assertInvalid('ignore:\n  - id: CVE-1\n    reason: x\n    expires: 2026-02-30\n', 'INPUT', /:2: expires "2026-02-30" is not a real date/);
    assertInvalid('ignore:\n  - id: CVE-1\n    reason: x\n    package: "pkg:npm/"\n', 'INPUT', /:2: package .* is not a valid purl/);
    assertInvalid('version: 2\nignore: []\n', 'INPUT', /\/version must be equal to constant/);
    assertInvalid('- just a list\n', 'INPUT', /\(document\) must be object/);
    assertInvalid('', 'INPUT', /\(document\) must be object/);
  });

  it('rejects broken YAML, duplicate keys, bad UTF-8 and oversized files', () => {
    assertInvalid('ignore:\n  - id: [unclosed\n', 'INPUT', /invalid YAML/);
    assertInvalid('ignore: []\nignore: []\n', 'INPUT', /:2: invalid YAML: Map keys must be unique/);
    assertInvalid(Buffer.from([0x69, 0x67, 0x3a, 0x20, 0xc3, 0x28]), 'INPUT', /not valid UTF-8/);
    assertInvalid(Buffer.alloc(MAX_IGNORE_FILE_BYTES + 1, 0x20), 'LIMIT', /over the limit/);
  });

  it('refuses alias bombs instead of expanding them', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    assertInvalid(`${levels.join('\n')}\nignore: []\n`, 'INPUT', /alias/i);
  });

  it('refuses deeply nested flow collections before the YAML parser recurses into them', () => {
    const deep = `ignore: ${'['.repeat(MAX_IGNORE_FILE_BYTES - 16)}`;
    const started = Date.now();
    assertInvalid(deep, 'INPUT', /nested more than 64 deep/);
    assert.ok(Date.now() - started < 2000, `refused in ${Date.now() - started} ms, before parsing`);
  });

  it('judges expiry at the start of the expiry day, UTC', () => {
    const [entry] = parseText('ignore:\n  - id: CVE-1\n    reason: x\n    expires: 2026-03-01\n');
    assert.ok(entry);
    assert.equal(isExpired(entry, new Date('2026-02-28T23:59:59Z')), false);
    assert.equal(isExpired(entry, new Date('2026-03-01T00:00:00Z')), true);
    const [forever] = parseText('ignore:\n  - id: CVE-1\n    reason: x\n');
    assert.ok(forever);
    assert.equal(isExpired(forever, new Date('2999-01-01T00:00:00Z')), false);
  });
});
