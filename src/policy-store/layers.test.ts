/**
 * Policy layers: the store, compiling stored and file layers, reloading the --policy file, names
 * resolved to stored attestors, and the layered admission decision.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../core/index.ts';
import { evaluate, parsePolicy } from '../policy/index.ts';
import { policyInput } from '../policy/testing.ts';
import { keyIdOf } from '../signing/keys/index.ts';
import { PolicyLayers, StoredPolicies, layeredAdmissionPolicy, parseAttestorName, parseLayerName, parsePublicKeyPem } from './index.ts';

const testdata = (name: string) => new URL(`testdata/layers/${name}`, import.meta.url).pathname;
const bytes = (text: string) => new TextEncoder().encode(text);
const ALLOW = bytes('defaultAdmissionRule:\n  evaluationMode: ALWAYS_ALLOW\n');
const DENY = bytes('defaultAdmissionRule:\n  evaluationMode: ALWAYS_DENY\n');

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('policy layers', () => {
  let work: string;
  let store: StoredPolicies;
  const logged: string[] = [];
  const logger = createLogger('info', (line) => void logged.push(line));
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'portcullis-policy-layers-'));
    store = new StoredPolicies(join(work, 'policies.db'));
  });
  after(async () => {
    store?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('parses layer and attestor names and refuses tricks', () => {
    assert.equal(parseLayerName('organisation'), 'organisation');
    assert.equal(parseLayerName('project:team'), 'project:team');
    assert.equal(parseLayerName('namespace:kube-prod'), 'namespace:kube-prod');
    for (const bad of ['', 'org', 'project:', 'project:../x', 'namespace:A', 'project:a/b', `project:${'a'.repeat(200)}`, 'namespace:prod\u0000', 'project:é']) {
      assert.throws(() => parseLayerName(bad), { name: 'PortcullisError', code: 'INPUT' }, bad);
    }
    assert.throws(() => parseAttestorName('../release'), { code: 'INPUT' });
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    assert.match(parsePublicKeyPem(publicKey.export({ type: 'spki', format: 'pem' })), /PUBLIC KEY/);
    assert.throws(() => parsePublicKeyPem(privateKey.export({ type: 'pkcs8', format: 'pem' })), /private key/);
    assert.throws(() => parsePublicKeyPem('-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n'), { code: 'INPUT' });
    assert.throws(() => parsePublicKeyPem(42), { code: 'INPUT' });
  });

  it('keeps layers durably and counts every change', () => {
    const start = store.revision();
    const put = store.putLayer('project:team', ALLOW, 'application/yaml', 'carol');
    assert.equal(put, start + 1);
    assert.equal(store.deleteLayer('project:nosuch'), undefined, 'deleting nothing changes nothing');
    assert.equal(store.revision(), put);
    const again = new StoredPolicies(join(work, 'policies.db'));
    try {
      assert.deepEqual(Buffer.from(again.layer('project:team')?.document ?? []).toString(), Buffer.from(ALLOW).toString());
      assert.equal(again.layer('project:team')?.updatedBy, 'carol');
    } finally {
      again.close();
    }
    assert.equal(store.deleteLayer('project:team'), put + 1);
    assert.equal(store.layer('project:team'), undefined);
  });

  it('makes pull ignore admission rules, as sign does', async () => {
    const policy = await parsePolicy(DENY, 'deny.yaml');
    assert.equal(evaluate(policy, policyInput({ action: 'admit' })).allowed, false);
    assert.equal(evaluate(policy, policyInput({ action: 'pull' })).allowed, true);
    assert.equal(evaluate(policy, policyInput({ action: 'sign' })).allowed, true);
  });

  it('decides admission by the organisation and the request namespace layers, naming the layer', async () => {
    const layers = await PolicyLayers.open({ store, file: testdata('organisation.yaml'), logger });
    const admission = layeredAdmissionPolicy(layers);
    const inNamespace = (namespace: string) => policyInput({ deployment: { namespace } });
    assert.equal(admission().evaluate(inNamespace('prod')).allowed, true);
    const before = admission().revision;
    store.putLayer('namespace:prod', DENY, 'application/yaml', 'alice');
    await layers.refresh();
    assert.notEqual(admission().revision, before, 'a stored change is a new revision');
    const denied = admission().evaluate(inNamespace('prod'));
    assert.equal(denied.allowed, false);
    assert.equal(denied.decidedBy, 'namespace:prod');
    assert.equal(admission().evaluate(inNamespace('dev')).allowed, true, 'another namespace is not affected');
    const unscanned = admission().evaluate(policyInput({ deployment: { namespace: 'dev' }, scan: { state: 'pending', findings: [] } }));
    assert.equal(unscanned.allowed, false);
    assert.equal(unscanned.decidedBy, 'organisation');
    store.deleteLayer('namespace:prod');
    await layers.refresh();
    assert.equal(admission().evaluate(inNamespace('prod')).allowed, true);
    layers.close();
  });

  it('adds the --admission-policy file as one more layer', async () => {
    const layers = await PolicyLayers.open({ store, logger });
    const file = await parsePolicy(DENY, 'admission.yaml');
    const admission = layeredAdmissionPolicy(layers, () => ({ revision: file.revision, evaluate: (input) => evaluate(file, input), attestorKeys: [], compiled: file }));
    const decision = admission().evaluate(policyInput({ deployment: { namespace: 'dev' } }));
    assert.equal(decision.allowed, false);
    assert.equal(decision.decidedBy, 'admission.yaml');
    layers.close();
  });

  it('resolves attestors by name from the store, and a key change is a new revision', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = String(publicKey.export({ type: 'spki', format: 'pem' }));
    const layers = await PolicyLayers.open({ store, logger });
    await assert.rejects(layers.validate(bytes('defaultAdmissionRule:\n  evaluationMode: REQUIRE_ATTESTATION\n  requireAttestationsBy: [release]\nattestors:\n  - name: release\n'), 'organisation'), /server has no attestor of that name/);
    store.putAttestor('release', pem, 'alice');
    store.putLayer('namespace:signed', bytes('defaultAdmissionRule:\n  evaluationMode: REQUIRE_ATTESTATION\n  requireAttestationsBy: [release]\n'), 'application/yaml', 'alice');
    await layers.refresh();
    const admission = layeredAdmissionPolicy(layers);
    const signed = policyInput({ deployment: { namespace: 'signed' }, signatures: [{ keyFingerprint: keyIdOf(publicKey), annotations: {}, source: 'referrer' }] });
    assert.equal(admission().evaluate(signed).allowed, true);
    assert.ok(admission().attestorKeys.some((key) => key.keyId === keyIdOf(publicKey)), 'local signatures are verified against stored attestor keys');
    const revision = admission().revision;
    const other = String(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }));
    store.putAttestor('release', other, 'alice');
    await layers.refresh();
    assert.notEqual(admission().revision, revision);
    assert.equal(admission().evaluate(signed).allowed, false, 'the old key no longer counts');
    store.deleteLayer('namespace:signed');
    store.deleteAttestor('release');
    await layers.refresh();
    layers.close();
  });

  it('reloads the --policy file when it changes and keeps the old one when the new one is broken', async () => {
    const file = join(work, 'organisation.yaml');
    await copyFile(testdata('deny-admission.yaml'), file);
    const layers = await PolicyLayers.open({ store, file, logger });
    layers.watch(50);
    try {
      const admission = layeredAdmissionPolicy(layers);
      const input = policyInput({ deployment: { namespace: 'dev' } });
      assert.equal(admission().evaluate(input).allowed, false);
      const first = layers.revision();
      await writeFile(file, ALLOW);
      await until(() => layers.revision() !== first, 'the reload');
      assert.equal(admission().evaluate(input).allowed, true);
      const second = layers.revision();
      await writeFile(file, 'defaultAdmissionRule:\n  evaluationMode: SOMETIMES\n');
      await until(() => logged.some((line) => line.includes('the previous organisation policy stays in force')), 'the failed reload');
      assert.equal(layers.revision(), second);
      assert.equal(admission().evaluate(input).allowed, true);
      assert.match(logged.find((line) => line.includes('stays in force')) ?? '', /evaluationMode/);
    } finally {
      layers.close();
    }
  });

  it('refuses to start on an organisation file that does not load', async () => {
    const file = join(work, 'broken.yaml');
    await writeFile(file, 'defaultAdmissionRule: [\n');
    await assert.rejects(PolicyLayers.open({ store, file, logger }), { name: 'PortcullisError' });
    await assert.rejects(PolicyLayers.open({ store, file: join(work, 'missing.yaml'), logger }), { code: 'NOT_FOUND' });
  });
});
