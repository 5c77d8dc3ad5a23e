/** evaluate(): every rule type, Binary Authorization precedence, dry runs, exceptions and grace periods. */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { keyIdOf } from '../signing/keys/index.ts';
import { evaluate } from './evaluate.ts';
import { TEST_DIGEST, TEST_NOW, finding, policyFromYaml, policyInput } from './testing.ts';

const DAY = 86_400_000;
const NOW = Date.parse(TEST_NOW);

function newKey() {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), fingerprint: keyIdOf(publicKey) };
}

const release = newKey();
const qa = newKey();
const indent = (pem: string) => pem.trim().split('\n').join('\n      ');

const ADMISSION = `
attestors:
  - name: release
    publicKeyPem: |
      ${indent(release.pem)}
  - name: qa
    publicKeyPem: |
      ${indent(qa.pem)}
defaultAdmissionRule:
  evaluationMode: ALWAYS_DENY
clusterAdmissionRules:
  staging:
    evaluationMode: ALWAYS_ALLOW
kubernetesNamespaceAdmissionRules:
  prod:
    evaluationMode: REQUIRE_ATTESTATION
    requireAttestationsBy: [release, qa]
kubernetesServiceAccountAdmissionRules:
  "prod:deployer":
    evaluationMode: ALWAYS_ALLOW
`;

describe('admission rules', () => {
  it('picks the rule as Binary Authorization does: service account, namespace, cluster, default', async () => {
    const policy = await policyFromYaml(ADMISSION);
    const noDeployment = evaluate(policy, policyInput());
    assert.equal(noDeployment.allowed, false);
    assert.equal(noDeployment.violations[0]?.rule, 'evaluationMode');
    assert.match(noDeployment.violations[0]?.message ?? '', /defaultAdmissionRule is ALWAYS_DENY/);
    assert.equal(evaluate(policy, policyInput({ deployment: { cluster: 'staging', namespace: 'dev' } })).allowed, true, 'cluster rule');
    const prod = evaluate(policy, policyInput({ deployment: { cluster: 'staging', namespace: 'prod' } }));
    assert.equal(prod.allowed, false, 'the namespace rule outranks the cluster rule');
    assert.deepEqual(prod.violations.map((reason) => reason.rule), ['requireAttestationsBy', 'requireAttestationsBy']);
    assert.equal(evaluate(policy, policyInput({ deployment: { cluster: 'staging', namespace: 'prod', serviceAccount: 'deployer' } })).allowed, true, 'service account rule');
    assert.equal(evaluate(policy, policyInput({ deployment: { namespace: 'prod', serviceAccount: 'other' } })).allowed, false);
  });

  it('requires a verified signature or attestation by every named attestor, matched by key fingerprint', async () => {
    const policy = await policyFromYaml(ADMISSION);
    const deployment = { namespace: 'prod' };
    const bothSigned = policyInput({
      deployment,
      signatures: [{ keyFingerprint: release.fingerprint, annotations: {}, source: 'cosign-tag' }],
      attestations: [{ keyFingerprint: qa.fingerprint, predicateType: 'https://slsa.dev/provenance/v1' }],
    });
    const decision = evaluate(policy, bothSigned);
    assert.equal(decision.allowed, true);
    assert.deepEqual(decision.evidence.filter((entry) => entry.kind === 'signature' || entry.kind === 'attestation').map((entry) => entry.kind), ['signature', 'attestation']);
    const onlyRelease = evaluate(policy, { ...bothSigned, attestations: [] });
    assert.equal(onlyRelease.allowed, false);
    assert.match(onlyRelease.violations[0]?.message ?? '', /no verified signature or attestation by attestor qa/);
    const otherKey = evaluate(policy, { ...bothSigned, signatures: [{ keyFingerprint: newKey().fingerprint, annotations: {}, source: 'referrer' }] });
    assert.deepEqual(otherKey.violations.map((reason) => reason.message.match(/attestor (\w+)/)?.[1]), ['release']);
  });

  it('exempts images matching admissionWhitelistPatterns: * within a segment, ** across', async () => {
    const policy = await policyFromYaml(`
admissionWhitelistPatterns:
  - namePattern: registry.example/base/*
  - namePattern: mirror.example/**
defaultAdmissionRule: { evaluationMode: ALWAYS_DENY }
`);
    const at = (registry: string, repository: string) => evaluate(policy, policyInput({ image: { registry, repository } }));
    const exempt = at('registry.example', 'base/alpine');
    assert.equal(exempt.allowed, true);
    assert.equal(exempt.decidedBy, 'policy.yaml');
    assert.equal(exempt.evidence[0]?.kind, 'allowlist');
    assert.equal(at('registry.example', 'base/sub/alpine').allowed, false, '* does not cross /');
    assert.equal(at('mirror.example', 'a/b/c').allowed, true, '** crosses /');
    assert.equal(at('registry.example', 'team/app').allowed, false);
  });

  it('reports without blocking under DRYRUN_AUDIT_LOG_ONLY', async () => {
    const policy = await policyFromYaml('defaultAdmissionRule: { evaluationMode: ALWAYS_DENY, enforcementMode: DRYRUN_AUDIT_LOG_ONLY }\n');
    const decision = evaluate(policy, policyInput());
    assert.equal(decision.allowed, true);
    assert.equal(decision.enforcement, 'dryrun');
    assert.equal(decision.violations.length, 1);
  });
});

describe('vulnerability requirements', () => {
  const fixed = { fixedVersion: '2.0.0' };

  it('bounds fixable findings by maximumSeverity and the rest by maximumFixUnavailableSeverity', async () => {
    const policy = await policyFromYaml('packageVulnerabilityRequirements: { maximumSeverity: MEDIUM, maximumFixUnavailableSeverity: HIGH }\n');
    const decide = (...findings: ReturnType<typeof finding>[]) => evaluate(policy, policyInput({ scan: { state: 'completed', findings } }));
    assert.equal(decide(finding('CVE-1', 'MEDIUM', fixed), finding('CVE-2', 'HIGH')).allowed, true);
    const denied = decide(finding('CVE-3', 'HIGH', fixed), finding('CVE-4', 'CRITICAL'), finding('CVE-5', 'HIGH'));
    assert.equal(denied.allowed, false);
    assert.deepEqual(denied.violations[0]?.findings?.map((entry) => entry.id), ['CVE-3', 'CVE-4']);
    assert.match(denied.violations[0]?.message ?? '', /CVE-3 \(HIGH, pkg-cve-3 1\.0\.0, fixed in 2\.0\.0\)/);
  });

  it('leaves unfixable findings alone by default (Kritis ALLOW_ALL) and BLOCK_ALL blocks every level', async () => {
    const lenient = await policyFromYaml('packageVulnerabilityRequirements: { maximumSeverity: LOW }\n');
    assert.equal(evaluate(lenient, policyInput({ scan: { state: 'completed', findings: [finding('CVE-1', 'CRITICAL')] } })).allowed, true);
    const strict = await policyFromYaml('packageVulnerabilityRequirements: { maximumSeverity: BLOCK_ALL, maximumFixUnavailableSeverity: BLOCK_ALL }\n');
    assert.equal(evaluate(strict, policyInput({ scan: { state: 'completed', findings: [finding('CVE-1', 'UNKNOWN')] } })).allowed, false);
  });

  it('tolerates allowlisted ids (by alias, any case) and assessed findings, recording why', async () => {
    const policy = await policyFromYaml('packageVulnerabilityRequirements: { maximumSeverity: LOW, allowlistCVEs: [cve-2024-0001] }\n');
    const findings = [
      finding('GHSA-xxxx-yyyy-zzzz', 'HIGH', { ...fixed, aliases: ['CVE-2024-0001'] }),
      finding('CVE-2', 'HIGH', { ...fixed, assessment: { status: 'not_affected', justification: 'vulnerable_code_not_present' } }),
      finding('CVE-3', 'HIGH', { ...fixed, assessment: { status: 'fixed' } }),
    ];
    const decision = evaluate(policy, policyInput({ scan: { state: 'completed', findings } }));
    assert.equal(decision.allowed, true);
    assert.deepEqual(decision.evidence.filter((entry) => entry.finding !== undefined).map((entry) => [entry.kind, entry.finding]), [['assessment', 'CVE-2'], ['assessment', 'CVE-3'], ['allowlist', 'GHSA-xxxx-yyyy-zzzz']]);
    const affected = { ...findings[1]!, assessment: { status: 'affected' as const } };
    assert.equal(evaluate(policy, policyInput({ scan: { state: 'completed', findings: [affected] } })).allowed, false, 'only not_affected and fixed set a finding aside');
  });

  it('starts counting a finding exactly when its grace period ends', async () => {
    const policy = await policyFromYaml('packageVulnerabilityRequirements: { maximumSeverity: MEDIUM }\ngracePeriodDays: { HIGH: 3 }\n');
    const firstSeen = new Date(NOW - 3 * DAY).toISOString();
    const scan = { state: 'completed' as const, findings: [finding('CVE-1', 'HIGH', { ...fixed, firstSeen })] };
    const during = evaluate(policy, policyInput({ scan, now: new Date(NOW - 1).toISOString() }));
    assert.equal(during.allowed, true);
    assert.equal(during.warnings[0]?.rule, 'gracePeriodDays');
    assert.equal(during.warnings[0]?.findings?.[0]?.blocksFrom, TEST_NOW);
    assert.equal(evaluate(policy, policyInput({ scan })).allowed, false, 'at the boundary it counts');
    const unknownFirstSeen = { state: 'completed' as const, findings: [finding('CVE-2', 'HIGH', fixed)] };
    assert.equal(evaluate(policy, policyInput({ scan: unknownFirstSeen })).allowed, false, 'no first sighting, no grace');
    const critical = { state: 'completed' as const, findings: [finding('CVE-3', 'CRITICAL', { ...fixed, firstSeen: TEST_NOW })] };
    assert.equal(evaluate(policy, policyInput({ scan: critical })).allowed, false, 'grace is per severity');
  });

  it('applies unexpired exceptions for the image or repository, and warns about expired ones', async () => {
    const policy = await policyFromYaml(`
packageVulnerabilityRequirements: { maximumSeverity: MEDIUM }
exceptions:
  - { vulnerability: CVE-1, repository: "team/*", reason: no fix upstream, owner: team-a, expires: "2026-06-01T00:00:00.001Z" }
  - { vulnerability: CVE-2, image: "registry.example/team/app@${TEST_DIGEST}", reason: reviewed, owner: sec, expires: "2027-01-01T00:00:00Z" }
  - { vulnerability: CVE-3, repository: "team/app", reason: old, owner: sec, expires: "2026-05-31T23:59:59Z" }
  - { vulnerability: CVE-4, repository: "other/**", reason: elsewhere, owner: sec, expires: "2027-01-01T00:00:00Z" }
`);
    const findings = ['CVE-1', 'CVE-2', 'CVE-3', 'CVE-4'].map((id) => finding(id, 'HIGH', fixed));
    const decision = evaluate(policy, policyInput({ scan: { state: 'completed', findings } }));
    assert.equal(decision.allowed, false);
    assert.deepEqual(decision.violations[0]?.findings?.map((entry) => entry.id), ['CVE-3', 'CVE-4']);
    assert.deepEqual(decision.evidence.filter((entry) => entry.kind === 'exception').map((entry) => entry.finding), ['CVE-1', 'CVE-2']);
    assert.equal(decision.warnings.length, 1);
    assert.match(decision.warnings[0]?.message ?? '', /exception for CVE-3 \(owner sec\) expired at 2026-05-31T23:59:59\.000Z/);
    const later = evaluate(policy, policyInput({ scan: { state: 'completed', findings: findings.slice(0, 1) }, now: '2026-06-01T00:00:00.001Z' }));
    assert.equal(later.allowed, false, 'an exception stops applying at its expiry instant');
  });

  it('treats an unscanned image as a violation only under requireScan', async () => {
    const strict = await policyFromYaml('requireScan: true\npackageVulnerabilityRequirements: { maximumSeverity: LOW }\n');
    const lenient = await policyFromYaml('packageVulnerabilityRequirements: { maximumSeverity: LOW }\n');
    for (const state of ['none', 'pending', 'failed'] as const) {
      const input = policyInput({ scan: { state, findings: [] } });
      const denied = evaluate(strict, input);
      assert.equal(denied.allowed, false, state);
      assert.equal(denied.violations[0]?.rule, 'requireScan');
      const allowed = evaluate(lenient, input);
      assert.equal(allowed.allowed, true, state);
      assert.match(allowed.warnings[0]?.message ?? '', /vulnerability rules were not checked/);
    }
  });

  it('checks the scan-gate rule language over the findings that count', async () => {
    const policy = await policyFromYaml('scanRule: "no CRITICAL, max 1 HIGH with fix"\n');
    const decide = (...findings: ReturnType<typeof finding>[]) => evaluate(policy, policyInput({ scan: { state: 'completed', findings } }));
    assert.equal(decide(finding('CVE-1', 'HIGH', fixed), finding('CVE-2', 'HIGH')).allowed, true);
    const denied = decide(finding('CVE-1', 'HIGH', fixed), finding('CVE-2', 'HIGH', fixed), finding('CVE-3', 'CRITICAL'));
    assert.deepEqual(denied.violations.map((reason) => [reason.rule, reason.findings?.map((entry) => entry.id)]), [
      ['scanRule', ['CVE-3']],
      ['scanRule', ['CVE-1', 'CVE-2']],
    ]);
  });
});

describe('registry, label and age rules', () => {
  it('denies images from untrusted registries', async () => {
    const policy = await policyFromYaml('trustedRegistries: ["registry.example", "*.corp.example:5000"]\n');
    assert.equal(evaluate(policy, policyInput()).allowed, true);
    assert.equal(evaluate(policy, policyInput({ image: { registry: 'eu.corp.example:5000' } })).allowed, true);
    const denied = evaluate(policy, policyInput({ image: { registry: 'docker.io' } }));
    assert.match(denied.violations[0]?.message ?? '', /registry docker\.io, which is not trusted/);
  });

  it('requires and forbids label values (YAML booleans read as their text)', async () => {
    const policy = await policyFromYaml('requiredLabels: { production-ready: true }\nforbiddenLabels: { deprecated: true }\n');
    assert.equal(evaluate(policy, policyInput({ labels: { 'production-ready': 'true', deprecated: 'false' } })).allowed, true);
    const denied = evaluate(policy, policyInput({ labels: { deprecated: 'true' } }));
    assert.deepEqual(denied.violations.map((reason) => reason.rule), ['requiredLabels', 'forbiddenLabels']);
    assert.match(denied.violations[0]?.message ?? '', /must be labelled production-ready=true, it has no such label/);
  });

  it('denies images older than maxImageAgeDays, and images of unknown age', async () => {
    const policy = await policyFromYaml('maxImageAgeDays: 30\n');
    const at = (createdAt?: string) => evaluate(policy, policyInput({ image: createdAt === undefined ? {} : { createdAt } })).allowed;
    assert.equal(at(new Date(NOW - 30 * DAY).toISOString()), true);
    assert.equal(at(new Date(NOW - 30 * DAY - 1).toISOString()), false);
    assert.equal(at(), false);
  });
});

describe('CEL rules', () => {
  it('passes when the expression is true, names the rule when false, and never allows on an error', async () => {
    const policy = await policyFromYaml(`
rules:
  - { name: no-latest, expression: 'image.tag != "latest"', message: do not deploy latest }
  - { name: team-label, expression: '"team" in labels', severity: warn }
  - { name: prod-only, expression: 'deployment.namespace == "prod"' }
`);
    const decision = evaluate(policy, policyInput({ image: { tag: 'latest' } }));
    assert.equal(decision.allowed, false);
    assert.deepEqual(decision.violations.map((reason) => reason.rule), ['cel:no-latest', 'cel:prod-only']);
    assert.equal(decision.violations[0]?.message, 'do not deploy latest');
    assert.match(decision.violations[1]?.message ?? '', /^rule prod-only could not be evaluated for registry\.example\/team\/app@sha256:(ab){32}: /);
    assert.equal(decision.warnings[0]?.rule, 'cel:team-label');
    const passing = evaluate(policy, policyInput({ labels: { team: 'a' }, deployment: { namespace: 'prod' } }));
    assert.equal(passing.allowed, true);
    assert.equal(passing.warnings.length, 0);
  });

  it('treats a non-bool result as a violation', async () => {
    const policy = await policyFromYaml("rules:\n  - { name: dyn, expression: 'labels.team' }\n");
    const decision = evaluate(policy, policyInput({ labels: { team: 'a' } }));
    assert.equal(decision.allowed, false);
    assert.match(decision.violations[0]?.message ?? '', /could not be evaluated.*not a bool/);
  });
});

describe('evaluate as a pure function', () => {
  it('gives the same decision twice and leaves its input as it was', async () => {
    const policy = await policyFromYaml('packageVulnerabilityRequirements: { maximumSeverity: LOW }\nrules: [{ name: r, expression: "size(signatures) == 0" }]\n');
    const input = policyInput({ scan: { state: 'completed', findings: [finding('CVE-1', 'HIGH', { fixedVersion: '2' })] } });
    const copy = structuredClone(input);
    assert.deepEqual(evaluate(policy, input), evaluate(policy, input));
    assert.deepEqual(input, copy);
    assert.equal(evaluate(policy, input).policyRevision, policy.revision);
  });

  it('rejects an input without a readable time', async () => {
    const policy = await policyFromYaml('requireScan: true\n');
    assert.throws(() => evaluate(policy, policyInput({ now: 'yesterday' })), { name: 'PortcullisError', code: 'INPUT' });
  });
});
