/**
 * `npm run bench:policy`: decisions per second of the policy engine for a realistic set — three
 * layers (organisation, project, namespace), five attestors, ten CEL rules, exceptions — against an
 * input with 200 findings and 3 signatures, plus how long loading the set takes (CEL compiled once,
 * at load).
 *
 * No peer is measured: the engines one would compare with (OPA / Rego, Kyverno) are not installable
 * from npm or Debian here (npm's @open-policy-agent/opa-wasm needs a policy compiled by the `opa`
 * binary, which neither registry ships), so the figure is printed alone and the output says so.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyIdOf } from '../src/signing/keys/index.ts';
import { evaluate, loadPolicySet, type PolicyFinding, type PolicyInput } from '../src/policy/index.ts';

const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
const MIN_SECONDS = 3;

function attestorKeys(count: number) {
  return Array.from({ length: count }, (_, index) => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return { name: `attestor-${index}`, pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), fingerprint: keyIdOf(publicKey) };
  });
}

function organisationLayer(attestors: ReturnType<typeof attestorKeys>): string {
  const declared = attestors.map((attestor) => `  - name: ${attestor.name}\n    publicKeyPem: |\n      ${attestor.pem.trim().split('\n').join('\n      ')}`).join('\n');
  return `attestors:\n${declared}
admissionWhitelistPatterns:
  - namePattern: registry.example/base/*
  - namePattern: mirror.example/**
defaultAdmissionRule:
  evaluationMode: REQUIRE_ATTESTATION
  requireAttestationsBy: [attestor-0, attestor-1, attestor-2]
kubernetesNamespaceAdmissionRules:
  kube-system: { evaluationMode: ALWAYS_ALLOW }
requireScan: true
trustedRegistries: [registry.example, "*.corp.example"]
packageVulnerabilityRequirements:
  maximumSeverity: HIGH
  maximumFixUnavailableSeverity: CRITICAL
  allowlistCVEs: [CVE-2026-0007, CVE-2026-0011]
gracePeriodDays: { CRITICAL: 2, HIGH: 7 }
exceptions:
${Array.from({ length: 20 }, (_, index) => `  - { vulnerability: CVE-2026-${String(index * 9).padStart(4, '0')}, repository: "team/**", reason: tracked upstream, owner: platform, expires: "2027-01-01T00:00:00Z" }`).join('\n')}
rules:
  - { name: no-latest, expression: '!has(image.tag) || image.tag != "latest"' }
  - { name: has-team, expression: '"team" in labels' }
  - { name: signed-twice, expression: 'size(signatures) >= 2' }
  - { name: scanned-recently, expression: 'has(scan.completedAt) && timestamp(scan.completedAt) > timestamp(now) - duration("168h")' }
  - { name: few-criticals, expression: 'scan.findings.filter(f, f.severity == "CRITICAL").size() < 50' }
`;
}

function projectLayer(): string {
  return `requiredLabels: { team: payments, production-ready: true }
forbiddenLabels: { deprecated: true }
maxImageAgeDays: 90
scanRule: "max 40 CRITICAL, max 100 HIGH with fix"
rules:
  - { name: digest-pinned, expression: 'image.digest.startsWith("sha256:")' }
  - { name: no-debug-purpose, expression: '!("purpose" in labels) || labels.purpose != "debug"' }
  - { name: provenance, expression: 'attestations.exists(a, a.predicateType == "https://slsa.dev/provenance/v1")', severity: warn }
`;
}

function namespaceLayer(): string {
  return `defaultAdmissionRule:
  evaluationMode: REQUIRE_ATTESTATION
  requireAttestationsBy: [attestor-3]
  enforcementMode: DRYRUN_AUDIT_LOG_ONLY
attestors:
  - { name: attestor-3 }
  - { name: attestor-4 }
rules:
  - { name: prod-service-account, expression: 'has(deployment.serviceAccount) && deployment.serviceAccount != "default"' }
  - { name: no-openssl-1, expression: '!scan.findings.exists(f, f.package.name == "openssl" && f.package.version.startsWith("1."))' }
`;
}

function benchInput(attestors: ReturnType<typeof attestorKeys>): PolicyInput {
  const now = Date.parse('2026-06-01T00:00:00Z');
  const findings: PolicyFinding[] = Array.from({ length: 200 }, (_, index) => ({
    id: `CVE-2026-${String(index).padStart(4, '0')}`,
    aliases: [`GHSA-${index}-bench`],
    severity: SEVERITIES[index % SEVERITIES.length] ?? 'LOW',
    package: { name: `package-${index % 37}`, version: `1.${index}.0`, ecosystem: 'Debian:12' },
    ...(index % 3 !== 0 && { fixedVersion: `1.${index}.1` }),
    firstSeen: new Date(now - (index % 10) * 86_400_000).toISOString(),
    ...(index % 25 === 0 && { assessment: { status: 'not_affected' as const, justification: 'vulnerable_code_not_in_execute_path' } }),
  }));
  return {
    action: 'admit',
    image: { reference: 'registry.example/team/app:1.4.2', registry: 'registry.example', repository: 'team/app', digest: `sha256:${'ab'.repeat(32)}`, tag: '1.4.2', createdAt: '2026-05-20T00:00:00Z' },
    labels: { team: 'payments', 'production-ready': 'true', purpose: 'api' },
    signatures: attestors.slice(0, 3).map((attestor) => ({ keyFingerprint: attestor.fingerprint, annotations: {}, source: 'referrer' as const })),
    attestations: [{ keyFingerprint: attestors[0]?.fingerprint ?? '', predicateType: 'https://slsa.dev/provenance/v1' }],
    scan: { state: 'completed', completedAt: '2026-05-31T00:00:00Z', findings },
    deployment: { cluster: 'prod-eu', namespace: 'payments', serviceAccount: 'api' },
    now: new Date(now).toISOString(),
  };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'portcullis-bench-policy-'));
  try {
    const attestors = attestorKeys(5);
    await writeFile(join(dir, 'organisation.yaml'), organisationLayer(attestors));
    await writeFile(join(dir, 'project.yaml'), projectLayer());
    await writeFile(join(dir, 'namespace.yaml'), namespaceLayer());
    const serverAttestors = new Map(attestors.slice(3).map((attestor) => [attestor.name, [attestor.fingerprint]]));
    const loadStarted = performance.now();
    const policy = await loadPolicySet(
      [
        { layer: 'organisation', file: join(dir, 'organisation.yaml') },
        { layer: 'project:payments', file: join(dir, 'project.yaml') },
        { layer: 'namespace:payments', file: join(dir, 'namespace.yaml') },
      ],
      { resolveAttestor: async (name) => serverAttestors.get(name) },
    );
    const loadMs = performance.now() - loadStarted;
    const input = benchInput(attestors);
    const sample = evaluate(policy, input);

    for (let warm = 0; warm < 200; warm++) evaluate(policy, input);
    let decisions = 0;
    const started = performance.now();
    while (performance.now() - started < MIN_SECONDS * 1000) {
      for (let batch = 0; batch < 100; batch++) evaluate(policy, input);
      decisions += 100;
    }
    const seconds = (performance.now() - started) / 1000;

    const celRules = policy.layers.reduce((count, layer) => count + layer.rules.length, 0);
    const attestorCount = new Set(policy.layers.flatMap((layer) => [...layer.attestors.keys()])).size;
    process.stdout.write(`Policy engine benchmark (Node ${process.version}, one core)
  policy set: ${policy.layers.length} layers, ${attestorCount} attestors, ${celRules} CEL rules, ${policy.layers[0]?.exceptions.length ?? 0} exceptions
  input:      ${input.scan.findings.length} findings, ${input.signatures.length} signatures, ${input.attestations.length} attestation
  decision:   ${sample.allowed ? 'allowed' : 'denied'} (${sample.enforcement}), ${sample.violations.length} violations, ${sample.warnings.length} warnings, ${sample.evidence.length} evidence entries

  load (parse, validate, resolve keys, compile CEL): ${loadMs.toFixed(1)} ms
  Portcullis evaluate(): ${(decisions / seconds).toFixed(0)} decisions/s (${((seconds * 1e6) / decisions).toFixed(0)} µs each, ${decisions} decisions in ${seconds.toFixed(2)} s)

  Peer: none measured. OPA (Rego) and Kyverno are not installable from npm or Debian here
  (@open-policy-agent/opa-wasm needs a policy compiled by the opa binary, which neither ships),
  so only Portcullis' figure is printed.
`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
