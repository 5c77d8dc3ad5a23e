/**
 * The AutoSigner in-process over a real RegistryService and RegistryScanner: images pushed through
 * the service, scanned against an advisory database built from the shared advisory data, signed
 * with a cosign key file, and verified with the same collector and verifier `portcullis verify` uses.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AuditEvent } from '../auth/index.ts';
import { type Logger } from '../core/index.ts';
import { OCI_INDEX } from '../oci/index.ts';
import { openRegistry, type RegistryService } from '../registry/index.ts';
import { RegistryScanner } from '../registry-scan/index.ts';
import { GHSA, VULNDATA, buildNpmImage, importGhsa, pushBuilt, waitFor } from '../registry-scan/testing.ts';
import { attachmentTag, collectCandidates, parseAttachmentManifest, trustedKey, verifyAttestationCandidates, verifySignatureCandidates } from '../signing/index.ts';
import { keyIdOf, writeKeyPairFiles } from '../signing/keys/index.ts';
import { AutoSigner, type SignedEvent } from './auto-signer.ts';
import { localAttachmentReader } from './local-registry.ts';
import { AutoSignStore, type RuleFailure } from './store.ts';

const PASSPHRASE = 'autosign-passphrase-5b1e0c';
const NAME = 'registry.test:5000';
const RULE = 'no CRITICAL, no HIGH with fix';

describe('AutoSigner', () => {
  let work: string;
  let db: string;
  let registry: RegistryService;
  let scanner: RegistryScanner;
  let store: AutoSignStore;
  let signer: AutoSigner;
  let keyRef: string;
  let publicKey: ReturnType<typeof generateKeyPairSync>['publicKey'];
  const signed: SignedEvent[] = [];
  const failures: RuleFailure[] = [];
  const audits: AuditEvent[] = [];
  const logLines: string[] = [];
  const logger: Logger = {
    debug: (message) => logLines.push(message),
    info: (message) => logLines.push(message),
    warn: (message) => logLines.push(message),
    error: (message) => logLines.push(message),
  } as Logger;

  async function verified(repository: string, digest: string) {
    const reader = localAttachmentReader(registry);
    const options = { digest, repository: `${NAME}/${repository}`, keys: [trustedKey('autosign', publicKey)] };
    return {
      signature: verifySignatureCandidates(await collectCandidates(reader, repository, digest, 'signature'), options),
      attestation: verifyAttestationCandidates(await collectCandidates(reader, repository, digest, 'attestation'), options),
    };
  }

  async function scanned(repository: string, tag: string, packages: Record<string, string>): Promise<string> {
    const digest = await pushBuilt(registry, repository, tag, buildNpmImage(packages));
    await waitFor(`scan of ${repository}:${tag}`, () => scanner.scanResult(digest));
    await signer.idle();
    return digest;
  }

  before(async () => {
    assert.ok(existsSync(VULNDATA), `the shared advisory data is missing at ${VULNDATA}`);
    work = await mkdtemp(join(tmpdir(), 'portcullis-autosign-'));
    db = join(work, 'advisories.db');
    await importGhsa(db, [GHSA.semver, GHSA.lodashHigh]);
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    publicKey = pair.publicKey;
    keyRef = (await writeKeyPairFiles(join(work, 'cosign'), pair.privateKey, PASSPHRASE)).privateKeyPath;
    await writeFile(join(work, 'passphrase'), `${PASSPHRASE}\n`, { mode: 0o600 });
    registry = await openRegistry({ dataDir: join(work, 'data') });
    scanner = new RegistryScanner({ registry, dataDir: join(work, 'data'), advisoryDb: db, watchIntervalMs: 0, toolVersion: 'test' });
    store = AutoSignStore.open(join(work, 'data'));
    store.putRule({ project: 'team', keyRef, rule: RULE, annotations: { team: 'payments' }, passphraseFile: join(work, 'passphrase') }, Date.now());
    signer = new AutoSigner({ registry, scanner, store, registryName: NAME, audit: (event) => audits.push(event), toolVersion: 'test', logger });
    signer.events.on('signed', (event) => signed.push(event));
    signer.events.on('ruleFailed', (failure) => failures.push(failure));
    scanner.start();
    signer.start();
  });

  after(async () => {
    await signer?.close();
    await scanner?.close();
    store?.close();
    await registry?.close();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it('signs an image whose scan meets the rule, in both layouts, with the vuln attestation', async () => {
    const digest = await scanned('team/app', 'v1', { ws: '7.4.0', semver: '7.5.1' });
    const event = signed.find((entry) => entry.digest === digest);
    assert.ok(event, `no signed event for ${digest}: ${logLines.join('\n')}`);
    assert.equal(event.keyFingerprint, keyIdOf(publicKey));
    assert.equal(event.repository, 'team/app');

    const { signature, attestation } = await verified('team/app', digest);
    assert.equal(signature.verified, true, JSON.stringify(signature.checks));
    const locations = signature.checks.filter((check) => check.valid).flatMap((check) => check.locations);
    assert.ok(locations.some((where) => where.startsWith('tag ')), `found in the tag scheme: ${locations.join(', ')}`);
    assert.ok(locations.some((where) => where.startsWith(`referrer ${event.signatureDigest}`)), `found as the referrer: ${locations.join(', ')}`);
    assert.equal(attestation.verified, true, JSON.stringify(attestation.checks));

    const audit = audits.find((entry) => entry.action === 'sign' && entry.target === `team/app@${digest}`);
    assert.ok(audit, 'an audit record of the signing');
    assert.equal(audit.actor, 'portcullis-autosign');
    assert.equal(audit.detail?.fingerprint, keyIdOf(publicKey));
  });

  it('does not sign an image whose scan breaks the rule', async () => {
    const digest = await scanned('team/risky', 'v1', { lodash: '4.17.20' });
    assert.ok(scanner.scanResult(digest)?.findings.some((finding) => finding.severity === 'HIGH' && finding.fixedVersion !== undefined), 'the image has a fixable HIGH finding');
    assert.equal(signed.some((entry) => entry.digest === digest), false);
    const { signature } = await verified('team/risky', digest);
    assert.equal(signature.verified, false);
    assert.equal(signature.checks[0]?.reason, 'no-signature');
  });

  it('does not sign images of projects without a rule', async () => {
    const digest = await scanned('other/app', 'v1', { semver: '7.5.1' });
    assert.equal(signed.some((entry) => entry.digest === digest), false);
  });

  it('signs once per key: a rescan that still passes adds no second signature', async () => {
    const digest = signed[0]?.digest;
    assert.ok(digest);
    const before = parseAttachmentManifest((await registry.manifests.get('team/app', attachmentTag(digest, 'signature'))).content).layers.length;
    const result = scanner.scanResult(digest);
    assert.ok(result);
    scanner.events.emit('scanCompleted', result);
    await signer.idle();
    const afterLayers = parseAttachmentManifest((await registry.manifests.get('team/app', attachmentTag(digest, 'signature'))).content).layers.length;
    assert.equal(afterLayers, before);
    assert.equal(signed.filter((entry) => entry.digest === digest).length, 1);
  });

  it('records a signed image whose rescan breaks the rule, and keeps its signature', async () => {
    const digest = signed[0]?.digest;
    assert.ok(digest);
    await importGhsa(db, [GHSA.semver, GHSA.lodashHigh, GHSA.ws]);
    await scanner.rescanAll();
    await waitFor('the rule failure', () => failures.find((failure) => failure.digest === digest));
    const recorded = store.failures('team');
    assert.equal(recorded.length, 1);
    assert.equal(recorded[0]?.digest, digest);
    assert.deepEqual(recorded[0]?.violations.map((violation) => violation.clause), ['no HIGH with fix']);
    assert.ok(recorded[0]?.violations[0]?.findings.includes('CVE-2024-37890'), JSON.stringify(recorded[0]?.violations));
    assert.ok(audits.some((entry) => entry.action === 'sign.rule.failed' && entry.target === `team/app@${digest}`));
    const { signature } = await verified('team/app', digest);
    assert.equal(signature.verified, true, 'the signature stays');

    // The same failing state found again is not a new failure.
    await scanner.rescanAll();
    const result = scanner.scanResult(digest);
    assert.ok(result);
    scanner.events.emit('scanCompleted', result);
    await signer.idle();
    assert.equal(store.failures('team').length, 1);
  });

  it('signs an index once every platform image meets the rule, and not an index with a failing one', async () => {
    async function pushIndex(tag: string, images: Array<[string, Record<string, string>]>): Promise<string> {
      const manifests = [];
      for (const [architecture, packages] of images) {
        const image = buildNpmImage(packages);
        const digest = await pushBuilt(registry, 'team/multi', `${tag}-${architecture}`, image);
        manifests.push({ mediaType: image.manifest.mediaType, digest, size: image.manifest.bytes.length, platform: { os: 'linux', architecture } });
      }
      const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }));
      return (await registry.manifests.put('team/multi', tag, index, OCI_INDEX)).digest;
    }
    const passing = await pushIndex('clean', [['amd64', { semver: '7.5.1' }], ['arm64', { express: '4.17.1' }]]);
    const mixed = await pushIndex('mixed', [['amd64', { semver: '7.5.2' }], ['arm64', { lodash: '4.17.20' }]]);
    await waitFor('the index signature', () => signed.find((entry) => entry.digest === passing));
    // The push queued the index; it waits in the store until its platform images are scanned.
    await signer.idle();
    await waitFor('the scans of the mixed index', () => (store.pendingIndexes('team/multi').includes(mixed) ? undefined : true));
    await signer.idle();
    const { signature } = await verified('team/multi', passing);
    assert.equal(signature.verified, true, JSON.stringify(signature.checks));
    assert.equal(signed.find((entry) => entry.digest === passing)?.attestationDigest, undefined, 'the platform images carry the attestations');
    assert.equal(signed.some((entry) => entry.digest === mixed), false, 'an index with a failing platform is not signed');
    assert.equal((await verified('team/multi', mixed)).signature.verified, false);
  });

  it('never signs the signature manifests it stores', async () => {
    const digest = signed[0]?.digest;
    assert.ok(digest);
    const sigManifest = await registry.manifests.get('team/app', attachmentTag(digest, 'signature'));
    assert.equal(store.signedBy(sigManifest.digest).length, 0);
    assert.equal(signed.some((entry) => entry.digest === sigManifest.digest), false);
  });
});
