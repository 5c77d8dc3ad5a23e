import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PortcullisError } from '../core/index.ts';
import { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH, matchesFilter, parseFilter } from './filter.ts';
import { OCCURRENCE_FILTER_FIELDS } from './occurrence-store.ts';

const record: Record<string, string> = {
  resourceUri: 'https://r.example/team/app@sha256:aa',
  kind: 'VULNERABILITY',
  noteName: 'projects/portcullis/notes/CVE-2024-37890',
  noteProjectId: 'portcullis',
  createTime: '2026-01-02T03:04:05Z',
  'labels.team': 'payments',
};
const read = (field: string) => record[field];
const matches = (filter: string) => matchesFilter(parseFilter(filter, OCCURRENCE_FILTER_FIELDS), read);

function assertRejected(filter: string, pattern: RegExp): void {
  assert.throws(
    () => parseFilter(filter, OCCURRENCE_FILTER_FIELDS),
    (error: unknown) => error instanceof PortcullisError && error.code === 'INPUT' && pattern.test(error.message),
    `expected ${JSON.stringify(filter.slice(0, 60))} to be rejected with ${pattern}`,
  );
}

describe('filter', () => {
  it('matches equality, inequality, AND, OR, NOT and parentheses', () => {
    assert.equal(matches('kind="VULNERABILITY"'), true);
    assert.equal(matches('kind = "PACKAGE"'), false);
    assert.equal(matches('kind!="PACKAGE"'), true);
    assert.equal(matches('kind="VULNERABILITY" AND noteProjectId="portcullis"'), true);
    assert.equal(matches('kind="VULNERABILITY" AND noteProjectId="team"'), false);
    assert.equal(matches('kind="PACKAGE" OR noteProjectId="portcullis"'), true);
    assert.equal(matches('NOT kind="PACKAGE"'), true);
    assert.equal(matches('NOT (kind="VULNERABILITY" OR kind="PACKAGE")'), false);
    assert.equal(matches('(kind="PACKAGE" OR kind="VULNERABILITY") AND resourceUri="https://r.example/team/app@sha256:aa"'), true);
    // Juxtaposition is AND (AIP-160), and bare words are values.
    assert.equal(matches('kind=VULNERABILITY noteProjectId=team'), false);
  });

  it('compares times and reads labels and aliases', () => {
    assert.equal(matches('createTime > "2026-01-01T00:00:00Z"'), true);
    assert.equal(matches('createTime < "2026-01-01T00:00:00Z"'), false);
    assert.equal(matches('createTime >= "2026-01-02T03:04:05Z" AND createTime <= "2026-01-02T03:04:05Z"'), true);
    assert.equal(matches('labels.team="payments"'), true);
    assert.equal(matches('labels.purpose="payments"'), false);
    assert.equal(matches('resourceUrl="https://r.example/team/app@sha256:aa"'), true);
  });

  it('handles escaped quotes inside strings', () => {
    record['labels.purpose'] = 'say "hi"';
    assert.equal(matches('labels.purpose="say \\"hi\\""'), true);
  });

  it('rejects hostile and malformed filters with INPUT errors', () => {
    assertRejected('kind="VULN', /unterminated string/);
    assertRejected('kind="VULN\\', /unterminated string/);
    assertRejected('(kind="A"', /missing '\)'/);
    assertRejected('kind="A")', /unexpected/);
    assertRejected('colour="red"', /unknown field/);
    assertRejected('kind < "A"', /takes = or !=/);
    assertRejected('createTime > "yesterday"', /RFC 3339/);
    assertRejected('kind=', /expected a value/);
    assertRejected('kind', /expected a comparison/);
    assertRejected('AND', /expected a comparison|expected a field/);
    assertRejected('kind="A" OR', /ends early/);
    assertRejected('kind=$x', /unexpected character/);
    assertRejected(`${'('.repeat(MAX_FILTER_DEPTH + 5)}kind="A"${')'.repeat(MAX_FILTER_DEPTH + 5)}`, /nested deeper/);
    assertRejected(`${'NOT '.repeat(1000)}kind="A"`, /nested deeper/);
    assertRejected(`kind="${'x'.repeat(MAX_FILTER_LENGTH)}"`, /longer than/);
    assertRejected(Array.from({ length: 100 }, () => 'kind="A"').join(' OR '), /more than 64 comparisons/);
  });

  it('parses a long pathological filter quickly', () => {
    const started = performance.now();
    assertRejected(`kind="${'\\'.repeat(4000)}`, /unterminated|longer/);
    assertRejected('a'.repeat(4000), /expected a comparison|unknown field/);
    assert.ok(performance.now() - started < 500, 'hostile filters must be refused quickly');
  });

  it('an empty filter matches everything', () => {
    assert.equal(parseFilter('  ', OCCURRENCE_FILTER_FIELDS), undefined);
    assert.equal(matchesFilter(undefined, read), true);
  });
});
