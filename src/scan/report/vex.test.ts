import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { PortcullisError } from '../../core/index.ts';
import { MAX_VEX_BYTES, parseOpenVex } from './vex.ts';

const FIXTURE = readFileSync(new URL('testdata/vex/image.openvex.json', import.meta.url));

function document(statements: unknown, extra: Record<string, unknown> = {}): Buffer {
  return Buffer.from(JSON.stringify({
    '@context': 'https://openvex.dev/ns/v0.2.0',
    '@id': 'https://example.test/vex/1',
    author: 'someone',
    timestamp: '2026-01-01T00:00:00Z',
    statements,
    ...extra,
  }));
}

function assertInvalid(bytes: Buffer, code: string, pattern: RegExp): void {
  assert.throws(
    () => parseOpenVex(bytes, 'x.vex.json'),
    (error: unknown) => error instanceof PortcullisError && error.code === code && pattern.test(error.message),
    `expected ${code} matching ${pattern}`,
  );
}

describe('parseOpenVex', () => {
  it('reads statements with their ids, products, status and justification', () => {
    const vex = parseOpenVex(FIXTURE, 'image.openvex.json');
    assert.equal(vex.id, 'https://example.test/vex/web-app-2026-01');
    assert.equal(vex.statements.length, 4);
    const [first, second, , fourth] = vex.statements;
    assert.deepEqual(first?.vulnerabilityIds, ['CVE-2024-0002', 'https://nvd.nist.gov/vuln/detail/CVE-2024-0002', 'GHSA-aaaa-bbbb-cccc']);
    assert.equal(first?.status, 'not_affected');
    assert.equal(first?.justification, 'vulnerable_code_not_in_execute_path');
    assert.equal(first?.impactStatement, 'Babel runs only at build time.');
    assert.deepEqual(first?.products[0]?.subcomponents, [['pkg:npm/%40babel/core@7.24.0']]);
    // A statement without its own timestamp takes the document's.
    assert.equal(second?.timestamp, '2026-01-05T10:00:00Z');
    assert.equal(fourth?.timestamp, '2026-01-04T10:00:00Z');
  });

  it('reports every invalid field of a document in one error', () => {
    assertInvalid(document([
      { vulnerability: { name: 'CVE-1' }, products: [{ '@id': 'pkg:npm/a' }], status: 'maybe' },
      { vulnerability: { name: 'CVE-2' }, products: [{ '@id': 'pkg:npm/a' }], status: 'not_affected' },
      { vulnerability: 'CVE-3', products: [{}], status: 'fixed' },
      { vulnerability: { name: 'CVE-4' }, products: [{ '@id': 'pkg:npm/a' }], status: 'not_affected', justification: 'trust me' },
    ]), 'INPUT', /statements\[0\]\.status: must be one of.*statements\[1\]: a not_affected statement needs a justification.*statements\[2\]\.vulnerability: must be an object.*statements\[2\]\.products\[0\]: names no product.*statements\[3\]\.justification: must be one of/s);
  });

  it('rejects documents that are not OpenVEX v0.2, and hostile bytes', () => {
    assertInvalid(document([], { '@context': 'https://openvex.dev/ns/v0.0.1' }), 'UNSUPPORTED', /not an OpenVEX v0.2/);
    assertInvalid(Buffer.from('{"@context": "https://openvex.dev/ns/v0.2.0", '), 'INPUT', /not valid JSON/);
    assertInvalid(Buffer.from('[]'), 'INPUT', /must be a JSON object/);
    assertInvalid(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), 'INPUT', /UTF-8/);
    assertInvalid(Buffer.alloc(MAX_VEX_BYTES + 1, 0x20), 'LIMIT', /over the limit/);
    assertInvalid(document('nope'), 'INPUT', /statements: must be an array/);
    assertInvalid(document([], { timestamp: 'yesterday' }), 'INPUT', /timestamp: is not a date/);
    assertInvalid(document([], { author: undefined }), 'INPUT', /author: must be a string/);
  });

  it('keeps __proto__ keys as data and caps the error message of a huge bad document', () => {
    const statements = Array.from({ length: 5000 }, () => ({ vulnerability: { name: 'x' }, products: 'bad', status: 'fixed' }));
    assert.throws(
      () => parseOpenVex(document(statements), 'x.vex.json'),
      (error: unknown) => error instanceof PortcullisError && /and 4980 more/.test(error.message) && error.message.length < 5000,
    );
    const polluted = Buffer.from('{"@context":"https://openvex.dev/ns/v0.2.0","@id":"x","author":"a","timestamp":"2026-01-01T00:00:00Z","__proto__":{"statements":[]},"statements":[]}');
    assert.deepEqual(parseOpenVex(polluted, 'x').statements, []);
    assert.equal(({} as Record<string, unknown>)['statements'], undefined);
  });
});
