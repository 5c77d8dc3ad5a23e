import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FRAMEWORKS, buildComplianceReport, complianceExitCode, sourcesNeeded, type ComplianceEvidence, type ControlResult, type FrameworkId } from './index.ts';
import { lintReport, secretResult, vulnerabilityReport } from './testing.ts';

function build(framework: FrameworkId, evidence: Partial<ComplianceEvidence>) {
  return buildComplianceReport({ framework: FRAMEWORKS[framework], evidence: { lint: [], secrets: [], vulnerabilities: [], ...evidence }, toolVersion: 'test' });
}

function control(report: ReturnType<typeof build>, id: string): ControlResult {
  const found = report.controls.find((each) => each.id === id);
  assert.ok(found, `control ${id} is in the report`);
  return found;
}

describe('buildComplianceReport', () => {
  it('fails a control when a check mapped to it fires, with the finding as evidence', () => {
    const report = build('cis-docker', { lint: [lintReport('dockerfile', ['PC-DF-004', 'PC-DF-019'], [{ checkId: 'PC-DF-004', line: 12, message: 'USER root' }])] });
    const user = control(report, '4.1');
    assert.equal(user.status, 'fail');
    assert.deepEqual(user.evidence.map((item) => [item.source, item.id, item.file, item.line, item.message]), [['dockerfile-lint', 'PC-DF-004', 'app/Dockerfile', 12, 'USER root']]);
    assert.equal(control(report, '4.6').status, 'pass');
    assert.deepEqual(control(report, '4.6').sources, [{ source: 'dockerfile-lint', state: 'ran', checks: ['PC-DF-019'] }]);
    assert.equal(complianceExitCode(report), 1);
  });

  it('passes a control whose checks ran clean, and exits 0 when nothing fails', () => {
    const report = build('cis-docker', { lint: [lintReport('dockerfile', ['PC-DF-004'])] });
    assert.equal(control(report, '4.1').status, 'pass');
    assert.equal(report.counts.fail, 0);
    assert.equal(complianceExitCode(report), 0);
  });

  it('does not fail a control on a suppressed finding', () => {
    const report = build('cis-docker', { lint: [lintReport('dockerfile', ['PC-DF-004'], [{ checkId: 'PC-DF-004', suppressed: { reason: 'user namespace' } }])] });
    assert.equal(control(report, '4.1').status, 'pass');
  });

  it('reports manual controls as manual with what to review, never as pass', () => {
    const report = build('cis-docker', { lint: [lintReport('dockerfile', ['PC-DF-004'])] });
    const trust = control(report, '4.5');
    assert.equal(trust.status, 'manual');
    assert.match(trust.reason ?? '', /manual review: .*CONTENT_TRUST/);
    assert.equal(report.counts.manual, FRAMEWORKS['cis-docker'].controls.filter((each) => each.decision.kind === 'manual').length);
  });

  it('leaves the vulnerability control not evaluated when the database is missing, even if lint is clean', () => {
    const report = build('nist-800-190', {
      lint: [lintReport('dockerfile', ['PC-DF-011', 'PC-DF-014'])],
      secrets: [secretResult(0)],
      unavailable: { vulnerabilities: 'no advisory database at /nowhere.db' },
    });
    const vulns = control(report, '4.1.1');
    assert.equal(vulns.status, 'not-evaluated');
    assert.match(vulns.reason ?? '', /vulnerabilities: no advisory database at \/nowhere\.db/);
  });

  it('never passes the vulnerability control without a vulnerability scan, however clean the Dockerfile', () => {
    const report = build('nist-800-190', { lint: [lintReport('dockerfile', ['PC-DF-011', 'PC-DF-014', 'PC-DF-016'])] });
    const vulns = control(report, '4.1.1');
    assert.equal(vulns.status, 'not-evaluated');
    assert.match(vulns.reason ?? '', /vulnerabilities: no image among the targets/);
  });

  it('still fails a control on a finding when another of its sources is unavailable', () => {
    const report = build('nist-800-190', {
      lint: [lintReport('dockerfile', ['PC-DF-011'], [{ checkId: 'PC-DF-011' }])],
      unavailable: { vulnerabilities: 'no advisory database' },
    });
    assert.equal(control(report, '4.1.1').status, 'fail');
  });

  it('fails the vulnerability control on reported vulnerabilities and passes it on a clean scan', () => {
    const failing = build('nist-800-190', { vulnerabilities: [vulnerabilityReport(['CVE-2024-0001', 'CVE-2024-0002'])] });
    const vulns = control(failing, '4.1.1');
    assert.equal(vulns.status, 'fail');
    assert.deepEqual(vulns.evidence.map((item) => item.id).sort(), ['CVE-2024-0001', 'CVE-2024-0002']);
    assert.match(vulns.evidence[0]?.message ?? '', /fixed in 99\.0/);
    const clean = build('nist-800-190', { vulnerabilities: [vulnerabilityReport([])] });
    assert.equal(control(clean, '4.1.1').status, 'pass');
    assert.match(control(clean, '4.1.1').reason ?? '', /not covered: dockerfile-lint: no Dockerfile given/);
  });

  it('fails the embedded-secrets controls on secret findings from the image', () => {
    const report = build('cis-docker', { secrets: [secretResult(2)] });
    const secrets = control(report, '4.10');
    assert.equal(secrets.status, 'fail');
    assert.deepEqual(secrets.evidence.map((item) => [item.source, item.target, item.file, item.line]), [
      ['secrets', 'dir:rootfs', 'app/config-0.env', 1],
      ['secrets', 'dir:rootfs', 'app/config-1.env', 2],
    ]);
    assert.deepEqual(report.targets.images, ['dir:rootfs']);
  });

  it('does not evaluate a control none of whose sources had input', () => {
    const report = build('cis-docker', { secrets: [secretResult(0)] });
    const user = control(report, '4.1');
    assert.equal(user.status, 'not-evaluated');
    assert.match(user.reason ?? '', /no Dockerfile given/);
    assert.equal(control(report, '4.10').status, 'pass');
  });

  it('does not evaluate a lint control when none of its checks ran (a check disabled by options)', () => {
    const report = build('cis-docker', { lint: [lintReport('dockerfile', ['PC-DF-004'])] });
    assert.equal(control(report, '4.9').status, 'not-evaluated');
    assert.match(control(report, '4.9').reason ?? '', /none of the checks mapped to this control ran/);
  });

  it('uses only Kubernetes lint for Kubernetes controls', () => {
    const report = build('cis-k8s', {
      lint: [lintReport('dockerfile', ['PC-DF-004'], [{ checkId: 'PC-DF-004' }]), lintReport('kubernetes', ['PC-K8S-001', 'PC-K8S-029'], [{ checkId: 'PC-K8S-029', resource: 'ClusterRole/ops' }])],
    });
    assert.equal(control(report, '5.2.2').status, 'pass');
    const wildcards = control(report, '5.1.3');
    assert.equal(wildcards.status, 'fail');
    assert.equal(wildcards.evidence[0]?.resource, 'ClusterRole/ops');
    assert.deepEqual(report.targets.manifests, ['deploy/app.yaml']);
    assert.deepEqual([...sourcesNeeded(FRAMEWORKS['cis-k8s'])], ['k8s-lint']);
  });

  it('counts every control exactly once', () => {
    const report = build('nist-800-190', { lint: [lintReport('kubernetes', ['PC-K8S-001'], [{ checkId: 'PC-K8S-001' }])] });
    const total = Object.values(report.counts).reduce((sum, count) => sum + count, 0);
    assert.equal(total, FRAMEWORKS['nist-800-190'].controls.length);
    assert.equal(report.counts.fail, 1);
  });
});
