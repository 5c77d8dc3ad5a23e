import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { PortcullisError } from '../core/index.ts';
import { MetadataService } from './service.ts';
import { openMetadataStore } from './store.ts';

const HOST = 'registry.test:5000';
const DIGEST = `sha256:${'cd'.repeat(32)}`;
const KEY = `sha256:${'12'.repeat(32)}`;
const SIGNATURE = `sha256:${'34'.repeat(32)}`;

function open() {
  const store = openMetadataStore(':memory:');
  return { store, service: new MetadataService({ store, host: HOST }) };
}

function assertInput(work: () => unknown, pattern: RegExp): void {
  assert.throws(work, (error: unknown) => error instanceof PortcullisError && error.code === 'INPUT' && pattern.test(error.message));
}

describe('recordAttestation', () => {
  it('records one ATTESTATION per image, key and signature, under the key\'s attestor note', () => {
    const { store, service } = open();
    const payload = new TextEncoder().encode('{"critical":{}}');
    const first = service.recordAttestation({ repository: 'team/app', digest: DIGEST, keyFingerprint: KEY, signatureDigest: SIGNATURE, payload });
    assert.equal(first.resourceUri, `https://${HOST}/team/app@${DIGEST}`);
    assert.equal(first.noteName, 'projects/portcullis/notes/attestor-1212121212121212');
    const attestation = first.attestation as { serializedPayload: string; signatures: Array<{ publicKeyId: string }> };
    assert.equal(Buffer.from(attestation.serializedPayload, 'base64').toString(), '{"critical":{}}');
    assert.equal(attestation.signatures[0]?.publicKeyId, KEY);
    const again = service.recordAttestation({ repository: 'team/app', digest: DIGEST, keyFingerprint: KEY, signatureDigest: SIGNATURE, payload });
    assert.equal(again.name, first.name, 'the same signature is recorded once');
    assert.equal(store.occurrences.ofResource(first.resourceUri, ['ATTESTATION']).length, 1);
    assert.equal(store.notes.get('portcullis', 'attestor-1212121212121212').kind, 'ATTESTATION');
  });

  it('follows the signer\'s "signed" events; a bad event is logged, never thrown back', () => {
    const store = openMetadataStore(':memory:');
    const logged: string[] = [];
    const service = new MetadataService({ store, host: HOST, logger: { error: (line) => logged.push(line), warn: () => {}, info: () => {}, debug: () => {} } });
    const signer = { events: new EventEmitter<{ signed: [{ repository: string; digest: string; keyFingerprint: string; signatureDigest: string; attestationDigest?: string }] }>() };
    const stop = service.followSigner(signer);
    signer.events.emit('signed', { repository: 'team/app', digest: DIGEST, keyFingerprint: KEY, signatureDigest: SIGNATURE, attestationDigest: SIGNATURE });
    assert.equal(store.occurrences.ofResource(`https://${HOST}/team/app@${DIGEST}`, ['ATTESTATION']).length, 1);
    signer.events.emit('signed', { repository: 'team/app', digest: 'sha256:bad', keyFingerprint: KEY, signatureDigest: SIGNATURE });
    assert.match(logged.join('\n'), /recording the signature of team\/app@sha256:bad failed: invalid image digest/);
    stop();
    assert.equal(signer.events.listenerCount('signed'), 0);
  });

  it('refuses malformed digests and repositories', () => {
    const { service } = open();
    assertInput(() => service.recordAttestation({ repository: 'team/app', digest: 'sha256:zz', keyFingerprint: KEY, signatureDigest: SIGNATURE }), /image digest/);
    assertInput(() => service.recordAttestation({ repository: 'team/app', digest: DIGEST, keyFingerprint: 'abc', signatureDigest: SIGNATURE }), /key fingerprint/);
    assertInput(() => service.recordAttestation({ repository: '../etc', digest: DIGEST, keyFingerprint: KEY, signatureDigest: SIGNATURE }), /invalid repository/);
  });
});

describe('recordDeployment', () => {
  const resourceUri = `https://${HOST}/team/app@${DIGEST}`;

  it('records a DEPLOYMENT per workload; a redeploy is a new revision', () => {
    const { store, service } = open();
    const first = service.recordDeployment({ resourceUri, cluster: 'prod', namespace: 'shop', workload: 'Deployment/web', user: 'ci@team', deployTime: new Date('2026-01-02T03:04:05Z') });
    const deployment = first.deployment as { config: string; deployTime: string; resourceUri: string[]; address: string };
    assert.deepEqual(JSON.parse(deployment.config), { cluster: 'prod', namespace: 'shop', workload: 'Deployment/web', breakGlass: false });
    assert.equal(deployment.deployTime, '2026-01-02T03:04:05.000Z');
    assert.deepEqual(deployment.resourceUri, [resourceUri]);
    const second = service.recordDeployment({ resourceUri, cluster: 'prod', namespace: 'shop', workload: 'Deployment/web', breakGlass: true, reason: 'incident 42', deployTime: new Date('2026-01-03T00:00:00Z') });
    assert.equal(second.name, first.name);
    assert.deepEqual(JSON.parse((second.deployment as { config: string }).config), { cluster: 'prod', namespace: 'shop', workload: 'Deployment/web', breakGlass: true, reason: 'incident 42' });
    const [, project = '', , id = ''] = first.name.split('/');
    assert.equal(project, 'team');
    assert.equal(store.occurrences.history(project, id).length, 2);
  });

  it('refuses resources that are not images of this registry and empty facts', () => {
    const { service } = open();
    assertInput(() => service.recordDeployment({ resourceUri: 'https://x/app:latest', cluster: 'c', namespace: 'n', workload: 'w' }), /invalid image resourceUri/);
    assertInput(() => service.recordDeployment({ resourceUri, cluster: '', namespace: 'n', workload: 'w' }), /cluster/);
    assertInput(() => service.recordDeployment({ resourceUri, cluster: 'c', namespace: 'n'.repeat(300), workload: 'w' }), /namespace/);
  });
});

describe('assessmentsFor', () => {
  it('reads VEX notes of the project for the image or its repository, newest statement winning', () => {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const store = openMetadataStore(':memory:', { now: () => (clock += 1000) });
    const service = new MetadataService({ store, host: HOST });
    const resourceUri = `https://${HOST}/team/app@${DIGEST}`;
    const vex = (id: string, product: string, state: string, publisher: string) =>
      store.notes.create('team', id, {
        kind: 'VULNERABILITY_ASSESSMENT',
        vulnerabilityAssessment: { publisher: { name: publisher }, product: { genericUri: product }, assessment: { vulnerabilityId: 'CVE-2024-1', state } },
      });
    vex('repo-wide', `https://${HOST}/team/app`, 'UNDER_INVESTIGATION', 'triage@team');
    vex('other-image', `https://${HOST}/team/other@${DIGEST}`, 'FIXED', 'nobody');
    assert.deepEqual(service.assessmentsFor(resourceUri).get('CVE-2024-1'), { status: 'under_investigation', author: 'triage@team' });
    vex('this-image', resourceUri, 'NOT_AFFECTED', 'security@team');
    assert.deepEqual(service.assessmentsFor(resourceUri).get('CVE-2024-1'), { status: 'not_affected', author: 'security@team' });
    assert.equal(service.assessmentsFor(`https://${HOST}/team/other@${DIGEST}`).get('CVE-2024-1')?.status, 'fixed');
    // A statement written into another project does not speak for team's images.
    store.notes.create('ops', 'vex', { kind: 'VULNERABILITY_ASSESSMENT', vulnerabilityAssessment: {} });
    store.occurrences.create('ops', { resourceUri, noteName: 'projects/ops/notes/vex', kind: 'VULNERABILITY_ASSESSMENT', vulnerabilityAssessment: { vulnerabilityId: 'CVE-2024-1', state: 'FIXED' } }, 'mallory');
    assert.equal(service.assessmentsFor(resourceUri).get('CVE-2024-1')?.status, 'not_affected');
    assert.equal(service.assessmentsFor('https://not-an-image').size, 0);
  });
});
