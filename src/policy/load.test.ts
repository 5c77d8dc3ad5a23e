/** Loading policies: attestors, layering, and hostile files that must fail clearly at file:line:column. */
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { PortcullisError } from '../core/index.ts';
import { keyIdOf } from '../signing/keys/index.ts';
import { createTestToken, type TestToken } from '../signing/keys/testing/softhsm.ts';
import { evaluate } from './evaluate.ts';
import { attestorKeys, loadPolicy, loadPolicySet } from './load.ts';
import { finding, policyFromYaml, policyInput } from './testing.ts';

const testdata = (path: string) => new URL(`testdata/${path}`, import.meta.url).pathname;
const RELEASE = keyIdOf(createPublicKey(readFileSync(testdata('attestors/release.pub'))));

function loadError(pattern: RegExp, code: PortcullisError['code'] = 'INPUT') {
  return (error: unknown) => {
    assert.ok(error instanceof PortcullisError, `expected a PortcullisError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    return true;
  };
}

describe('attestors', () => {
  it('resolves key files beside the policy and names the server knows', async () => {
    const asked: string[] = [];
    const resolveAttestor = async (name: string) => {
      asked.push(name);
      return name === 'build-system' ? ['sha256:build'] : name === 'vulnerability-scanner' ? ['sha256:scanner'] : undefined;
    };
    const policy = await loadPolicy(testdata('attestors/policy.yaml'), { resolveAttestor });
    assert.deepEqual(asked, ['build-system', 'vulnerability-scanner']);
    assert.deepEqual([...policy.layers[0]!.attestors.values()].map(({ name, keyFingerprints }) => ({ name, keyFingerprints })), [
      { name: 'release', keyFingerprints: [RELEASE] },
      { name: 'build-system', keyFingerprints: ['sha256:build'] },
      { name: 'vulnerability-scanner', keyFingerprints: ['sha256:scanner'] },
    ]);
    assert.deepEqual(attestorKeys(policy).map((key) => keyIdOf(key)), [RELEASE], 'only keys known as keys can verify');
    const signed = policyInput({
      signatures: [{ keyFingerprint: RELEASE, annotations: {}, source: 'referrer' }],
      attestations: [{ keyFingerprint: 'sha256:build', predicateType: 'p' }, { keyFingerprint: 'sha256:scanner', predicateType: 'v' }],
    });
    assert.equal(evaluate(policy, signed).allowed, true);
  });

  it('fails to load when an attestor cannot be resolved', async () => {
    await assert.rejects(loadPolicy(testdata('attestors/policy.yaml')), loadError(/policy\.yaml:5:5: attestor build-system has no key .* no server to look it up in/));
    await assert.rejects(loadPolicy(testdata('attestors/policy.yaml'), { resolveAttestor: async (name) => (name === 'build-system' ? ['sha256:b'] : undefined) }), loadError(/policy\.yaml:8:50: unknown attestor "vulnerability-scanner"/));
    await assert.rejects(policyFromYaml('attestors:\n  - name: a\n    publicKeyFile: missing.pub\n', { baseDir: testdata('attestors') }), loadError(/policy\.yaml:2:5: attestor a: cannot read the public key from missing\.pub/));
    await assert.rejects(policyFromYaml('attestors:\n  - name: a\n    publicKeyPem: not a key\n'), loadError(/attestor a: cannot read the public key from publicKeyPem/));
    await assert.rejects(policyFromYaml('attestors:\n  - name: hsm\n    pkcs11Uri: "pkcs11:token=none;object=k"\n'), loadError(/policy\.yaml:2:5: attestor hsm: cannot read the public key from the PKCS#11 token/));
  });

  describe('on a PKCS#11 token', () => {
    let token: TestToken;
    before(() => {
      token = createTestToken();
    });
    after(() => token.remove());

    it('reads the public key from the token at load time', async () => {
      const policy = await policyFromYaml(`attestors:\n  - name: hsm\n    pkcs11Uri: "${token.uri('signing-key')}"\ndefaultAdmissionRule: { evaluationMode: REQUIRE_ATTESTATION, requireAttestationsBy: [hsm] }\n`);
      const fingerprint = policy.layers[0]!.attestors.get('hsm')?.keyFingerprints[0] ?? '';
      assert.match(fingerprint, /^sha256:[0-9a-f]{64}$/);
      assert.equal(evaluate(policy, policyInput({ signatures: [{ keyFingerprint: fingerprint, annotations: {}, source: 'cosign-tag' }] })).allowed, true);
      await assert.rejects(policyFromYaml(`attestors:\n  - name: hsm\n    pkcs11Uri: "${token.uri('no-such-key')}"\n`), loadError(/attestor hsm: cannot read the public key from the PKCS#11 token/));
    });
  });
});

describe('policy sets', () => {
  const layers = [
    { layer: 'organisation', file: testdata('layers/organisation.yaml') },
    { layer: 'project:payments', file: testdata('layers/project-team.yaml') },
    { layer: 'namespace:prod', file: testdata('layers/namespace-prod.json') },
  ];

  it('evaluates every layer: the strictest wins and names its layer', async () => {
    const set = await loadPolicySet(layers);
    const clean = policyInput({ labels: { team: 'payments' } });
    const dryRunOnly = evaluate(set, clean);
    assert.equal(dryRunOnly.allowed, true, 'only the dry-run layer objects');
    assert.equal(dryRunOnly.enforcement, 'dryrun');
    assert.equal(dryRunOnly.decidedBy, 'namespace:prod');

    const vulnerable = policyInput({ labels: {}, scan: { state: 'completed', findings: [finding('CVE-1', 'HIGH', { fixedVersion: '2' })] } });
    const denied = evaluate(set, vulnerable);
    assert.equal(denied.allowed, false);
    assert.equal(denied.enforcement, 'enforced');
    assert.equal(denied.decidedBy, 'organisation');
    assert.deepEqual(denied.violations.map((reason) => `${reason.layer}/${reason.rule}`), ['organisation/maximumSeverity', 'project:payments/requiredLabels']);
    assert.deepEqual(denied.warnings.map((reason) => `${reason.layer}/${reason.rule}`), ['namespace:prod/evaluationMode']);
    assert.match(denied.warnings[0]?.message ?? '', /^\(dry run\) /);
  });

  it('hashes the whole set into the revision', async () => {
    const set = await loadPolicySet(layers);
    assert.equal((await loadPolicySet(layers)).revision, set.revision);
    assert.notEqual((await loadPolicySet(layers.slice(0, 2))).revision, set.revision);
    assert.notEqual((await loadPolicySet(layers.map((entry, index) => (index === 0 ? { ...entry, layer: 'org' } : entry)))).revision, set.revision);
    assert.notEqual((await loadPolicy(layers[0]!.file)).revision, (await loadPolicy(layers[1]!.file)).revision);
  });

  it('refuses empty sets and duplicate layer names', async () => {
    await assert.rejects(loadPolicySet([]), loadError(/at least one layer/, 'USAGE'));
    await assert.rejects(loadPolicySet([layers[0]!, layers[0]!]), loadError(/"organisation" is given twice/, 'USAGE'));
  });
});

describe('the examples', () => {
  it('every policy under examples/policies loads, and they layer', async () => {
    const examples = (file: string) => new URL(`../../examples/policies/${file}`, import.meta.url).pathname;
    const files = (await readdir(examples(''))).filter((file) => /\.(ya?ml|json)$/.test(file)).sort();
    assert.deepEqual(files, ['kritis-vulnerability.json', 'namespace-prod.yaml', 'organisation.yaml', 'project-payments.yaml']);
    const resolveAttestor = async (name: string) => (name === 'build-system' ? ['sha256:build-system'] : undefined);
    const set = await loadPolicySet(files.map((file) => ({ layer: file, file: examples(file) })), { resolveAttestor });
    assert.equal(set.layers.length, 4);
    const decision = evaluate(set, policyInput({ deployment: { namespace: 'prod', serviceAccount: 'api' } }));
    assert.equal(decision.allowed, false);
    assert.ok(decision.violations.some((reason) => reason.layer === 'organisation.yaml' && reason.rule === 'requireAttestationsBy'));
  });
});

describe('hostile and broken policy files', () => {
  it('points schema errors at file:line:column', async () => {
    await assert.rejects(policyFromYaml('requireScan: yes please\n'), loadError(/policy\.yaml:1:14: requireScan must be boolean/));
    await assert.rejects(policyFromYaml('# comment\nrequireScan: true\nmaximumSeverity: HIGH\n'), loadError(/policy\.yaml:3:1: \(document\) must NOT have additional properties \("maximumSeverity"\)/));
    await assert.rejects(policyFromYaml('defaultAdmissionRule:\n  evaluationMode: SOMETIMES\n'), loadError(/policy\.yaml:2:19: defaultAdmissionRule\.evaluationMode must be equal to one of the allowed values \(ALWAYS_ALLOW, ALWAYS_DENY, REQUIRE_ATTESTATION\)/));
    await assert.rejects(policyFromYaml('defaultAdmissionRule:\n  evaluationMode: REQUIRE_ATTESTATION\n'), loadError(/policy\.yaml:2:3: defaultAdmissionRule must have required property 'requireAttestationsBy'/));
    await assert.rejects(policyFromYaml('gracePeriodDays: { HIGH: -1 }\n'), loadError(/gracePeriodDays\.HIGH must be >= 0/));
    await assert.rejects(policyFromYaml('exceptions:\n  - { vulnerability: CVE-1, reason: r, owner: o, expires: soon }\n'), loadError(/policy\.yaml:2:5: .*exceptions\.0/));
    await assert.rejects(policyFromYaml('[1, 2]\n'), loadError(/\(document\) must be object/));
  });

  it('rejects bad YAML, bad UTF-8, empty and duplicate-key documents', async () => {
    await assert.rejects(policyFromYaml('requireScan: [true\n'), loadError(/policy\.yaml:\d+:\d+: invalid YAML/));
    await assert.rejects(policyFromYaml('requireScan: true\nrequireScan: false\n'), loadError(/policy\.yaml:2:1: invalid YAML: Map keys must be unique/));
    await assert.rejects(policyFromYaml(''), loadError(/the policy file is empty/));
    const badUtf8 = new Uint8Array([...new TextEncoder().encode('name: '), 0xc3, 0x28, 0x0a]);
    const { parsePolicy } = await import('./load.ts');
    await assert.rejects(parsePolicy(badUtf8, 'bad.yaml'), loadError(/bad\.yaml: policy file is not valid UTF-8/));
  });

  it('stops billion-laughs aliases, deep nesting and oversized files', async () => {
    const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let level = 1; level < 9; level++) laughs.push(`${String.fromCharCode(97 + level)}: &${String.fromCharCode(97 + level)} [${Array(9).fill(`*${String.fromCharCode(96 + level)}`).join(',')}]`);
    await assert.rejects(policyFromYaml(`${laughs.join('\n')}\n`), loadError(/policy\.yaml: invalid policy: .*alias/i));
    const started = performance.now();
    await assert.rejects(policyFromYaml(`description: ${'['.repeat(400_000)}${']'.repeat(400_000)}\n`), loadError(/policy\.yaml: collections nested more than 64 deep/));
    assert.ok(performance.now() - started < 2000, 'refused before parsing');
    await assert.rejects(policyFromYaml(`description:\n${Array.from({ length: 1000 }, (_, depth) => `${' '.repeat(depth)}- `).join('\n')}x\n`), loadError(/policy\.yaml:\d+:\d+: (invalid YAML|description must be string)/));
    const huge = `description: "${'x'.repeat(1024 * 1024)}"\n`;
    await assert.rejects(policyFromYaml(huge), loadError(/over the limit of 1048576/, 'LIMIT'));
  });

  it('refuses globs and rules that could not be evaluated safely', async () => {
    await assert.rejects(policyFromYaml('trustedRegistries: ["reg***"]\n'), loadError(/policy\.yaml:1:21: .*3 stars in a row/));
    await assert.rejects(policyFromYaml(`trustedRegistries: ["${'a'.repeat(600)}"]\n`), loadError(/must NOT have more than 512 characters/));
    await assert.rejects(policyFromYaml('scanRule: "no CRITICAL,"\n'), loadError(/policy\.yaml:1:11: scanRule: column 13: expected a clause/));
  });

  it('fails to load a CEL rule that does not compile, at its position', async () => {
    await assert.rejects(policyFromYaml('rules:\n  - name: broken\n    expression: |\n      image.tag ==\n        == "x"\n'), loadError(/policy\.yaml:5:\d+: rule broken: syntax error/));
    await assert.rejects(policyFromYaml('rules:\n  - { name: typed, expression: "1 + \\"a\\"" }\n'), loadError(/policy\.yaml:2:32 \(expression 1:\d+\): rule typed: type error/));
    await assert.rejects(policyFromYaml('rules:\n  - { name: unknown, expression: "secrets.size() > 0" }\n'), loadError(/rule unknown: .*secrets/));
    await assert.rejects(policyFromYaml('rules:\n  - { name: notbool, expression: "1 + 2" }\n'), loadError(/rule notbool: the expression yields int, not a bool/));
  });
});
