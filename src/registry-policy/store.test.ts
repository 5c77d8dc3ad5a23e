/**
 * PolicyStore and the validators in front of it, with hostile input: bad severities and dates,
 * huge or multi-line reasons, malformed Unicode, bad digests and repository names. Each is refused
 * with an INPUT error and nothing is stored.
 */
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { beforeEach, describe, it } from 'node:test';
import { PortcullisError } from '../core/index.ts';
import { PolicyStore, parseExpiry, parseGraceOption, parseSeverity, parseVulnerabilityId } from './index.ts';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const DIGEST = `sha256:${'ab'.repeat(32)}`;

function assertInput(run: () => unknown, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => error instanceof PortcullisError && error.code === 'INPUT' && pattern.test(error.message), `expected INPUT error matching ${pattern}`);
}

describe('policy validators', () => {
  it('parses severities case-insensitively and refuses anything else', () => {
    assert.equal(parseSeverity('high'), 'HIGH');
    for (const bad of ['NONE', 'SEVERE', '', 'HIGH ', 7, null, 'h\u0000igh']) assertInput(() => parseSeverity(bad), /severity must be one of/);
  });

  it('parses grace periods as LEVEL=DAYS within a year', () => {
    assert.deepEqual(parseGraceOption('critical=1'), ['CRITICAL', 1]);
    assertInput(() => parseGraceOption('HIGH'), /LEVEL=DAYS/);
    assertInput(() => parseGraceOption('HIGH=-1'), /whole number/);
    assertInput(() => parseGraceOption('HIGH=1.5'), /whole number/);
    assertInput(() => parseGraceOption('HIGH=366'), /whole number/);
    assertInput(() => parseGraceOption(`HIGH=${'9'.repeat(400)}`), /whole number/);
    assertInput(() => parseGraceOption('BAD=3'), /severity must be one of/);
  });

  it('parses expiries as future ISO instants or durations', () => {
    assert.equal(parseExpiry('30d', NOW), NOW + 30 * 86_400_000);
    assert.equal(parseExpiry('2026-07-01T12:00:00+02:00', NOW), Date.parse('2026-07-01T10:00:00Z'));
    for (const bad of ['2026-02-30T00:00:00Z', '2026-07-01', '2026-07-01T00:00:00', 'tomorrow', '99999d', '', '1e9d']) assertInput(() => parseExpiry(bad, NOW), /expiry takes/);
    assertInput(() => parseExpiry('2026-05-01T00:00:00Z', NOW), /not in the future/);
    assertInput(() => parseExpiry(undefined, NOW), /expiry is required/);
  });

  it('normalises CVE ids and refuses what is not an advisory id', () => {
    assert.equal(parseVulnerabilityId('cve-2024-37890'), 'CVE-2024-37890');
    assert.equal(parseVulnerabilityId('GHSA-3h5v-q93c-6h6q'), 'GHSA-3h5v-q93c-6h6q');
    for (const bad of ['', 'CVE', '../etc', 'CVE-2024-1; rm -rf /', `CVE-${'1'.repeat(100)}`, 'CVE-2024-1\n']) assertInput(() => parseVulnerabilityId(bad), /invalid vulnerability id/);
  });
});

describe('PolicyStore', () => {
  let store: PolicyStore;
  beforeEach(() => {
    store = new PolicyStore(new DatabaseSync(':memory:'));
  });
  const exception = (changes: Record<string, unknown> = {}) => ({ vulnerability: 'CVE-2024-37890', scope: { kind: 'repository' as const, repository: 'team/app' }, reason: 'internal use only', owner: 'team-a', expiresAt: NOW + 1000, ...changes });

  it('stores gates per project and replaces them', () => {
    store.setGate({ project: 'team', minSeverity: 'HIGH', blockUnscanned: false, graceDays: { HIGH: 7 } });
    store.setGate({ project: 'team', minSeverity: 'CRITICAL', blockUnscanned: true, graceDays: {} });
    assert.deepEqual(store.gate('team'), { project: 'team', minSeverity: 'CRITICAL', blockUnscanned: true, graceDays: {} });
    assert.equal(store.deleteGate('team'), true);
    assert.equal(store.gate('team'), undefined);
    assertInput(() => store.setGate({ project: '../x', blockUnscanned: true, graceDays: {} }), /invalid project name/);
    assertInput(() => store.setGate({ project: 'team', minSeverity: 'BAD' as 'HIGH', blockUnscanned: true, graceDays: {} }), /severity/);
    assertInput(() => store.setGate({ project: 'team', blockUnscanned: true, graceDays: { HIGH: -2 } }), /grace period/);
    assert.deepEqual(store.gates(), []);
  });

  it('finds exceptions in force by digest or repository, not after they expire', () => {
    const byRepository = store.addException(exception(), NOW);
    const byDigest = store.addException(exception({ scope: { kind: 'digest', digest: DIGEST }, expiresAt: NOW + 10_000 }), NOW);
    assert.deepEqual(store.exceptionsFor('team/app', `sha256:${'cd'.repeat(32)}`, NOW).map((entry) => entry.id), [byRepository.id]);
    assert.deepEqual(store.exceptionsFor('other/app', DIGEST, NOW).map((entry) => entry.id), [byDigest.id]);
    assert.deepEqual(store.exceptionsFor('team/app', DIGEST, NOW + 5000).map((entry) => entry.id), [byDigest.id]);
    assert.deepEqual(store.exceptions({ now: NOW + 5000 }).map((entry) => entry.id), [byDigest.id]);
    assert.equal(store.exceptions({ now: NOW + 5000, includeExpired: true }).length, 2);
    assert.equal(store.deleteException(byDigest.id), true);
    assert.equal(store.deleteException(byDigest.id), false);
  });

  it('refuses hostile exceptions and stores none of them', () => {
    assertInput(() => store.addException(exception({ reason: 'x'.repeat(1001) }), NOW), /reason is longer than 1000/);
    assertInput(() => store.addException(exception({ reason: '   ' }), NOW), /reason is required/);
    assertInput(() => store.addException(exception({ reason: 'ok\nINFO forged log line' }), NOW), /control characters/);
    assertInput(() => store.addException(exception({ owner: 'team\ud800' }), NOW), /malformed Unicode/);
    assertInput(() => store.addException(exception({ owner: 'o'.repeat(129) }), NOW), /owner is longer/);
    assertInput(() => store.addException(exception({ expiresAt: NOW }), NOW), /expire in the future/);
    assertInput(() => store.addException(exception({ expiresAt: Number.NaN }), NOW), /expire in the future/);
    assertInput(() => store.addException(exception({ scope: { kind: 'digest', digest: 'sha256:abc' } }), NOW), /invalid image digest/);
    assertInput(() => store.addException(exception({ scope: { kind: 'repository', repository: 'Team/../x' } }), NOW), /invalid repository name/);
    assertInput(() => store.addException(exception({ vulnerability: 'not an id' }), NOW), /invalid vulnerability id/);
    assert.deepEqual(store.exceptions({ now: NOW, includeExpired: true }), []);
  });

  it('sets, replaces and removes labels per digest, refusing bad keys and values atomically', () => {
    assert.deepEqual(store.setLabels(DIGEST, { deprecated: 'true', team: 'payments', purpose: 'api' }), { deprecated: 'true', purpose: 'api', team: 'payments' });
    assert.deepEqual(store.setLabels(DIGEST, { deprecated: undefined, 'production-ready': 'yes' }), { 'production-ready': 'yes', purpose: 'api', team: 'payments' });
    assertInput(() => store.setLabels(DIGEST, { team: 'ok', 'Bad Key': 'x' }), /invalid label key/);
    assertInput(() => store.setLabels(DIGEST, { team: 'v'.repeat(257) }), /at most 256 characters/);
    assertInput(() => store.setLabels(DIGEST, { team: 'a\u0007b' }), /one line/);
    assertInput(() => store.setLabels('sha256:zz', { team: 'x' }), /invalid image digest/);
    const many = Object.fromEntries(Array.from({ length: 65 }, (_, index) => [`k${index}`, 'v']));
    assertInput(() => store.setLabels(DIGEST, many), /at most 64 labels/);
    assert.deepEqual(store.labels(DIGEST), { 'production-ready': 'yes', purpose: 'api', team: 'payments' });
  });
});
