import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { PortcullisError } from '../core/index.ts';
import { NOTE_KINDS } from './schema.ts';
import { parseNoteInput, parseOccurrenceInput } from './validate.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`testdata/grafeas-v1/${name}`, import.meta.url), 'utf8')) as Record<string, Record<string, unknown>>;
const NOTES = fixture('notes.json');
const OCCURRENCES = fixture('occurrences.json');
const BASE = { resourceUri: 'https://r.example/team/app@sha256:aa', noteName: 'projects/team/notes/n1' };

function occurrence(kind: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...BASE, ...OCCURRENCES[kind], ...extra };
}

function assertInvalid(work: () => unknown, pattern: RegExp): void {
  assert.throws(work, (error: unknown) => error instanceof PortcullisError && error.code === 'INPUT' && pattern.test(error.message), `expected an INPUT error matching ${pattern}`);
}

describe('Grafeas v1 input validation', () => {
  it('accepts a sample occurrence and note of every kind', () => {
    for (const kind of NOTE_KINDS) {
      assert.ok(OCCURRENCES[kind] !== undefined && NOTES[kind] !== undefined, `fixtures lack ${kind}`);
      assert.equal(parseOccurrenceInput(occurrence(kind)).kind, kind);
      assert.equal(parseNoteInput(NOTES[kind]).kind, kind);
    }
  });

  it('drops output-only fields and nulls', () => {
    const parsed = parseOccurrenceInput(occurrence('DISCOVERY', { name: 'projects/x/occurrences/forged', createTime: '2020-01-01T00:00:00Z', remediation: null }));
    assert.equal(parsed.name, undefined);
    assert.equal(parsed.createTime, undefined);
    assert.equal('remediation' in parsed, false);
  });

  it('reports every bad field with its path', () => {
    const bad = occurrence('VULNERABILITY', {
      vulnerability: { severity: 'SEVERE', cvssScore: '7.5', packageIssue: [{ affectedVersion: { kind: 'SOMETIMES' } }], colour: 'red' },
    });
    assertInvalid(() => parseOccurrenceInput(bad), /vulnerability\.severity: must be one of.*vulnerability\.cvssScore: must be a number.*packageIssue\[0\]\.affectedVersion\.kind.*vulnerability\.colour: unknown field/);
  });

  it('rejects missing or mismatched kind, note name and details', () => {
    assertInvalid(() => parseOccurrenceInput({ ...BASE, vulnerability: {} }), /kind: is required/);
    assertInvalid(() => parseOccurrenceInput({ ...BASE, kind: 'PACKAGE', vulnerability: {} }), /vulnerability: unknown field for an occurrence of kind PACKAGE.*package: is required/);
    assertInvalid(() => parseOccurrenceInput(occurrence('PACKAGE', { noteName: 'notes/x' })), /noteName: invalid note name/);
    assertInvalid(() => parseOccurrenceInput(occurrence('PACKAGE', { noteName: 'projects/../notes/x' })), /invalid project id/);
    assertInvalid(() => parseOccurrenceInput(occurrence('PACKAGE', { resourceUri: '' })), /resourceUri: is required/);
    assertInvalid(() => parseOccurrenceInput(occurrence('PACKAGE', { resourceUri: 'x'.repeat(5000) })), /resourceUri: longer than/);
    assertInvalid(() => parseOccurrenceInput([occurrence('PACKAGE')]), /must be a JSON object/);
    assertInvalid(() => parseNoteInput({ kind: 'PACKAGE', package: { name: 'x' }, relatedNoteNames: ['nope'] }), /relatedNoteNames/);
  });

  it('rejects hostile values: bad text, bad numbers, bad timestamps, bad base64, deep JSON', () => {
    assertInvalid(() => parseOccurrenceInput(occurrence('PACKAGE', { remediation: 'a\u0000b' })), /NUL or malformed Unicode/);
    assertInvalid(() => parseOccurrenceInput(occurrence('PACKAGE', { remediation: 'lone \ud800 surrogate' })), /malformed Unicode/);
    assertInvalid(() => parseOccurrenceInput(occurrence('PACKAGE', { remediation: 'x'.repeat(70_000) })), /longer than/);
    assertInvalid(() => parseOccurrenceInput(occurrence('IMAGE', { image: { distance: 1.5 } })), /distance: must be a 32-bit integer/);
    assertInvalid(() => parseOccurrenceInput(occurrence('VULNERABILITY', { vulnerability: { cvssScore: Number.NaN } })), /cvssScore: must be a number/);
    assertInvalid(() => parseOccurrenceInput(occurrence('DISCOVERY', { discovery: { lastScanTime: '2026-13-45' } })), /RFC 3339/);
    assertInvalid(() => parseOccurrenceInput(occurrence('ATTESTATION', { attestation: { serializedPayload: 'not base64!' } })), /must be base64/);
    let deep: unknown = {};
    for (let i = 0; i < 100; i++) deep = { next: deep };
    assertInvalid(() => parseOccurrenceInput(occurrence('BUILD', { build: { intotoStatement: deep } })), /nested deeper than/);
    assertInvalid(() => parseOccurrenceInput(occurrence('IMAGE', { image: { fingerprint: { v2Blob: Array.from({ length: 10_001 }, () => 'x') } } })), /more than 10000 entries/);
    assertInvalid(() => parseOccurrenceInput(occurrence('VULNERABILITY', { vulnerability: { cvssv3: { attackVector: 'ROOT' } } })), /ATTACK_VECTOR_\*/);
  });

  it('stops after a bounded number of problems', () => {
    const body = occurrence('PACKAGE', Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`junk${i}`, i])));
    assert.throws(() => parseOccurrenceInput(body), (error: unknown) => error instanceof PortcullisError && error.message.split(';').length <= 20);
  });
});
