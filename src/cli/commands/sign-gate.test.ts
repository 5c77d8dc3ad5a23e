/**
 * `portcullis sign --require-scan / --policy` as users run it: the real CLI, a real registry
 * (Debian's docker-registry), real advisory data, and small real images with a vulnerable and a
 * fixed lodash (CVE-2021-23337 HIGH and CVE-2020-28500 MEDIUM, both fixed in 4.17.21).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient } from '../../registry-client/index.ts';
import { attachmentTag, PREDICATE_TYPES } from '../../signing/index.ts';
import { runCli } from '../../../test/helpers/cli.ts';
import { pushToRegistry, startRegistry, type StartedRegistry } from '../../../test/helpers/registry.ts';
import { attachedStatements, importAdvisories, npmImage } from './testing/attest-images.ts';

const KEYS = new URL('../../../../shared/cosign-fixtures/keys/', import.meta.url).pathname;
/** policy-controller's example cosign key pair; its passphrase is empty. */
const KEY = join(KEYS, 'policy-controller-cosign.key');
const PUB = join(KEYS, 'policy-controller-cosign.pub');
const RULE = 'no CRITICAL, no HIGH with fix';

describe('sign gated by a scan', () => {
  let registry: StartedRegistry;
  let work: string;
  let db: string;
  let vulnerable: string;
  let fixed: string;
  const env = { COSIGN_PASSWORD: '', PORTCULLIS_PASSWORD: undefined, REGISTRY_AUTH_FILE: join(tmpdir(), 'portcullis-no-auth-file.json') };
  const digestOf = async (repository: string, tag: string) => (await new RegistryClient({ domain: registry.host }).getManifest(repository, tag)).digest;
  const sign = (image: string, ...extra: string[]) => runCli(['sign', image, '--key', KEY, '--db', db, ...extra], { env });

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'portcullis-sign-gate-'));
    db = join(work, 'advisories.db');
    registry = await startRegistry();
    const [vulnerableLayout, fixedLayout] = await Promise.all([
      npmImage(join(work, 'vulnerable'), { lodash: '4.17.20' }),
      npmImage(join(work, 'fixed'), { lodash: '4.17.21' }),
      importAdvisories(db),
    ]);
    vulnerable = `${registry.host}/shop/vulnerable:1`;
    fixed = `${registry.host}/shop/fixed:1`;
    await pushToRegistry(vulnerableLayout!, vulnerable);
    await pushToRegistry(fixedLayout!, fixed);
  });
  after(async () => {
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('refuses to sign an image whose scan breaks the rule, listing the findings, and stores nothing', async () => {
    const refused = await sign(vulnerable, '--require-scan', RULE);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /not signing .*shop\/vulnerable:1@sha256:[0-9a-f]{64}: it does not pass scan rule "no CRITICAL, no HIGH with fix"/);
    assert.match(refused.stderr, /\[scanRule\] .*shop\/vulnerable@sha256:[0-9a-f]{64} breaks scan rule "no HIGH with fix".*: CVE-2021-23337 \(HIGH, lodash 4\.17\.20, fixed in 4\.17\.21\)/);
    assert.doesNotMatch(refused.stderr, /CVE-2020-28500/, 'a MEDIUM finding breaks no clause of this rule');
    const digest = await digestOf('shop/vulnerable', '1');
    const client = new RegistryClient({ domain: registry.host });
    assert.equal(await client.hasManifest('shop/vulnerable', attachmentTag(digest, 'signature')), false, 'no signature was stored');
    assert.equal(await client.hasManifest('shop/vulnerable', attachmentTag(digest, 'attestation')), false, 'no attestation was stored');
  });

  it('signs an image whose scan meets the rule and attaches the vuln attestation, which verifies', async () => {
    const signed = await sign(fixed, '--require-scan', RULE);
    assert.equal(signed.code, 0, signed.stderr);
    assert.match(signed.stdout, /scan rule "no CRITICAL, no HIGH with fix" passed \(fresh scan\); vuln attestation attached/, 'a registry without stored scans is scanned here');

    const verified = await runCli(['verify', fixed, '--key', PUB], { env });
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    const attestation = await runCli(['verify-attestation', fixed, '--key', PUB, '--type', 'vuln'], { env });
    assert.equal(attestation.code, 0, attestation.stdout + attestation.stderr);

    const digest = await digestOf('shop/fixed', '1');
    const [statement, ...others] = await attachedStatements(registry.host, 'shop/fixed', digest);
    assert.deepEqual(others, []);
    assert.equal(statement?.predicateType, PREDICATE_TYPES.vuln);
    assert.deepEqual(statement?.subjects.map((subject) => subject.digest.sha256), [digest.slice('sha256:'.length)]);
    const predicate = statement?.predicate as { scanner: { result: { target: { imageDigest: string }; findings: unknown[]; inventory: { packages: number } } }; metadata: { scanStartedOn: string } };
    assert.equal(predicate.scanner.result.target.imageDigest, digest, 'the attested scan is the scan of the signed digest');
    assert.deepEqual(predicate.scanner.result.findings, []);
    assert.ok(predicate.scanner.result.inventory.packages >= 1);
    assert.ok(!Number.isNaN(Date.parse(predicate.metadata.scanStartedOn)));
  });

  it('a looser rule from a policy file, or an ignore file, lets the vulnerable image be signed', async () => {
    const policy = join(work, 'policy.yaml');
    await writeFile(policy, 'requireScan: true\nscanRule: "no CRITICAL, max 1 HIGH with fix"\n');
    const byPolicy = await sign(vulnerable, '--policy', policy);
    assert.equal(byPolicy.code, 0, byPolicy.stderr);
    const digest = await digestOf('shop/vulnerable', '1');
    const [statement] = await attachedStatements(registry.host, 'shop/vulnerable', digest);
    const findings = (statement?.predicate as { scanner: { result: { findings: Array<{ finding: { id: string } }> } } }).scanner.result.findings;
    assert.deepEqual(findings.map((entry) => entry.finding.id).sort(), ['CVE-2020-28500', 'CVE-2021-23337'], 'the attestation carries the findings the decision rested on');

    const ignoreFile = join(work, 'ignore.yaml');
    await writeFile(ignoreFile, 'ignore:\n  - id: CVE-2021-23337\n    reason: template() never sees user input here\n');
    const ignored = await sign(vulnerable, '--require-scan', RULE, '--ignorefile', ignoreFile);
    assert.equal(ignored.code, 0, ignored.stderr);
  });

  it('rejects a malformed rule or policy before touching the registry, with the position of the mistake', async () => {
    const badRule = await sign(`${registry.host}/shop/absent:1`, '--require-scan', 'no CRITICAL, no HGH');
    assert.equal(badRule.code, 2);
    assert.match(badRule.stderr, /--require-scan: column 17: expected a level \(CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN\), got "HGH"/);
    const policy = join(work, 'bad-policy.yaml');
    await writeFile(policy, 'requireScan: true\nscanRule: "no CRITICAL,"\n');
    const badPolicy = await sign(fixed, '--policy', policy);
    assert.equal(badPolicy.code, 2);
    assert.match(badPolicy.stderr, /bad-policy\.yaml:2:\d+.*column 13: expected a clause/);
    const both = await sign(fixed, '--policy', policy, '--require-scan', RULE);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--require-scan or --policy, not both/);
    const stray = await runCli(['sign', fixed, '--key', KEY, '--db', db], { env });
    assert.equal(stray.code, 2);
    assert.match(stray.stderr, /--db is used only with --require-scan or --policy/);
  });
});
