/** evaluateGate: thresholds, grace periods at their boundary, exceptions by alias, and the message. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding, Severity } from '../vuln/index.ts';
import { compilePolicyDocument } from '../policy/index.ts';
import { type GateInput, evaluateGate } from './evaluate.ts';
import type { PolicyException, ProjectGate } from './model.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-01T00:00:00Z');
const DIGEST = `sha256:${'ef'.repeat(32)}`;

function finding(id: string, severity: Severity, aliases: string[] = []): Finding {
  return { id, aliases, severity, package: { name: `pkg-${id.toLowerCase()}`, version: '1.0.0' } } as unknown as Finding;
}

function input(gate: Partial<ProjectGate>, findings: Finding[], now: number, exceptions: PolicyException[] = []): GateInput {
  return {
    gate: { project: 'team', blockUnscanned: false, graceDays: {}, ...gate },
    repository: 'team/app',
    digest: DIGEST,
    scan: { state: 'scanned', findings, firstSeen: () => T0 },
    exceptions,
    now,
  };
}

describe('evaluateGate', () => {
  it('blocks findings at or above the threshold only, most severe first', () => {
    const findings = [finding('CVE-1', 'MEDIUM'), finding('CVE-2', 'HIGH'), finding('CVE-3', 'CRITICAL')];
    const decision = evaluateGate(input({ minSeverity: 'HIGH' }, findings, T0));
    assert.equal(decision.allowed, false);
    assert.ok(!decision.allowed);
    assert.deepEqual(decision.blocking.map((entry) => entry.id), ['CVE-3', 'CVE-2']);
    assert.match(decision.reason, /^pull of team\/app@sha256:(ef){32} refused: project team refuses images with findings at or above HIGH: CVE-3 \(CRITICAL, pkg-cve-3 1\.0\.0, first seen 2026-03-01T00:00:00\.000Z/);
    assert.equal(evaluateGate(input({ minSeverity: 'CRITICAL' }, [finding('CVE-2', 'HIGH')], T0)).allowed, true);
    assert.equal(evaluateGate(input({}, findings, T0)).allowed, true, 'no threshold, no severity rule');
  });

  it('starts blocking exactly when the grace period of the severity ends', () => {
    const gate = { minSeverity: 'HIGH' as const, graceDays: { HIGH: 3 } };
    const during = evaluateGate(input(gate, [finding('CVE-2', 'HIGH')], T0 + 3 * DAY - 1));
    assert.deepEqual(during, { allowed: true, graced: [{ id: 'CVE-2', severity: 'HIGH', blocksFrom: '2026-03-04T00:00:00.000Z' }], excepted: [] });
    const afterwards = evaluateGate(input(gate, [finding('CVE-2', 'HIGH'), finding('CVE-3', 'CRITICAL')], T0 + 3 * DAY));
    assert.ok(!afterwards.allowed);
    assert.deepEqual(afterwards.blocking.map((entry) => [entry.id, entry.blockingSince]), [['CVE-3', '2026-03-01T00:00:00.000Z'], ['CVE-2', '2026-03-04T00:00:00.000Z']]);
  });

  it('lets excepted findings through, matching ids and aliases without regard to case', () => {
    const exception: PolicyException = { id: 1, vulnerability: 'GHSA-aaaa-bbbb-cccc', scope: { kind: 'repository', repository: 'team/app' }, reason: 'r', owner: 'o', expiresAt: T0 + DAY, createdAt: T0 };
    const decision = evaluateGate(input({ minSeverity: 'HIGH' }, [finding('CVE-9', 'HIGH', ['ghsa-AAAA-bbbb-cccc'])], T0, [exception]));
    assert.deepEqual(decision, { allowed: true, graced: [], excepted: ['CVE-9'] });
  });

  it('names five findings in the message and counts the rest', () => {
    const findings = Array.from({ length: 8 }, (_, index) => finding(`CVE-${index}`, 'HIGH'));
    const decision = evaluateGate(input({ minSeverity: 'LOW' }, findings, T0));
    assert.ok(!decision.allowed);
    assert.equal(decision.blocking.length, 8);
    assert.match(decision.reason, /CVE-4 \(HIGH[^;]*\) and 3 more; to pull it anyway/);
    assert.doesNotMatch(decision.reason, /CVE-5 \(/);
  });

  it('refuses unscanned images only when the gate says so', () => {
    const unscanned = { ...input({ blockUnscanned: true }, [], T0), scan: { state: 'unscanned' as const, detail: 'queued for scanning' } };
    const decision = evaluateGate(unscanned);
    assert.ok(!decision.allowed);
    assert.match(decision.reason, /refuses unscanned images and this one is queued for scanning/);
    assert.equal(evaluateGate({ ...unscanned, gate: { ...unscanned.gate, blockUnscanned: false, minSeverity: 'LOW' } }).allowed, true);
  });

  it('gives organisation and project layers the artifact labels and the registry host', () => {
    const organisation = compilePolicyDocument({ requiredLabels: { 'production-ready': 'true' }, trustedRegistries: ['registry.example:5000'] }, 'organisation').layers;
    const base = { ...input({}, [], T0), layers: organisation };
    assert.equal(evaluateGate({ ...base, labels: { 'production-ready': 'true' }, registry: 'registry.example:5000' }).allowed, true);
    const unlabelled = evaluateGate({ ...base, labels: {}, registry: 'registry.example:5000' });
    assert.ok(!unlabelled.allowed);
    assert.match(unlabelled.reason, /production-ready/);
    assert.equal(evaluateGate({ ...base, labels: { 'production-ready': 'true' }, registry: 'elsewhere.example' }).allowed, false, 'an untrusted host is refused');
  });
});
