/**
 * Continuous validation against the real admission decider (in-process registry, label store,
 * scanner, policy file): admitted images are decided again when a scan of their digest or the
 * policy changes, violations are announced once per new set of reasons, ended images drop out.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../core/index.ts';
import type { DeploymentViolationData } from '../registry-scan/index.ts';
import { waitFor } from '../registry-scan/testing.ts';
import { TEST_REGISTRY_HOST, postHttps, reviewOf, startTestWebhook, type TestWebhook } from '../admission/testing.ts';
import { admissionEngine } from './engine.ts';
import { RunningImageStore } from './store.ts';
import { ContinuousValidator } from './validator.ts';

let webhook: TestWebhook;
let work: string;
let store: RunningImageStore;
let validator: ContinuousValidator;
const violations: DeploymentViolationData[] = [];

before(async () => {
  webhook = await startTestWebhook();
  work = await mkdtemp(join(tmpdir(), 'portcullis-continuous-'));
  store = RunningImageStore.open(work);
  validator = new ContinuousValidator({ store, scanner: webhook.scanner, notify: (violation) => void violations.push(violation), policyPollMs: 50, logger: silentLogger });
  validator.attach(admissionEngine(webhook.admission, () => webhook.policy.current()));
});
after(async () => {
  validator.close();
  await validator.whenIdle();
  store.close();
  await webhook.close();
  await rm(work, { recursive: true, force: true });
});

/** Admits a Deployment through the real webhook and hands its record to the validator, as serve does. */
async function admit(image: string, namespace = 'prod', name = 'web'): Promise<string> {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: { template: { metadata: {}, spec: { containers: [{ name: 'app', image }] } } },
  };
  const before = webhook.records.length;
  const answer = await postHttps(`${webhook.url}/validate`, reviewOf(deployment), webhook.ca);
  assert.equal(answer.status, 200, answer.body);
  assert.equal((answer.json().response as { allowed: boolean }).allowed, true, answer.body);
  const record = webhook.records[before];
  assert.ok(record !== undefined, 'admission recorded no deployment');
  validator.recordDeployment(record);
  await validator.whenIdle();
  const running = validator.running().find((image) => image.name === name && image.namespace === namespace && image.image === record.image);
  assert.ok(running !== undefined);
  return running.id;
}

describe('continuous validation', () => {
  it('decides an admitted image at once: compliant', async () => {
    const digest = await webhook.push('team/ok', '1.0');
    const id = await admit(`${TEST_REGISTRY_HOST}/team/ok:1.0`);
    const image = store.get(id);
    assert.equal(image?.digest, digest);
    assert.equal(image?.decision?.allowed, true);
    assert.match(image?.decision?.policyRevision ?? '', /^sha256:/);
  });

  it('reports a violation when a scan of the running digest changes the facts, once per set of reasons', async () => {
    const digest = await webhook.push('team/relabel', '1.0');
    const id = await admit(`${TEST_REGISTRY_HOST}/team/relabel:1.0`, 'prod', 'relabel');
    webhook.labels.setLabels(digest, { 'production-ready': 'false' });
    const before = violations.length;
    webhook.scanner.events.emit('scanCompleted', { digest } as never);
    await validator.whenIdle();
    const image = store.get(id);
    assert.equal(image?.decision?.allowed, false);
    assert.match(image?.decision?.denials.join('\n') ?? '', /production-ready/);
    assert.equal(violations.length, before + 1);
    const violation = violations.at(-1);
    assert.equal(violation?.trigger, 'scan');
    assert.equal(violation?.digest, digest);
    assert.equal(violation?.name, 'relabel');
    assert.ok(validator.running().some((running) => running.id === id && running.decision?.allowed === false));
    webhook.scanner.events.emit('scanCompleted', { digest } as never);
    await validator.whenIdle();
    assert.equal(violations.length, before + 1, 'the same reasons are announced once');
    webhook.labels.setLabels(digest, { 'production-ready': 'true' });
    webhook.scanner.events.emit('rescanCompleted', { changed: [{ digest }], rescanned: 1, matchedAt: 0 } as never);
    await validator.whenIdle();
    assert.equal(store.get(id)?.decision?.allowed, true);
  });

  it('decides every running image again when the policy revision changes', async () => {
    await webhook.push('team/policy', '1.0');
    const id = await admit(`${TEST_REGISTRY_HOST}/team/policy:1.0`, 'prod', 'policy');
    const original = await readFile(webhook.policyFile, 'utf8');
    try {
      await writeFile(webhook.policyFile, original.replace('evaluationMode: ALWAYS_ALLOW', 'evaluationMode: ALWAYS_DENY'));
      await webhook.policy.reload();
      await waitFor('the policy re-evaluation', () => (store.get(id)?.decision?.allowed === false ? true : undefined), 10_000);
      assert.match(store.get(id)?.decision?.denials.join('\n') ?? '', /ALWAYS_DENY/);
      assert.ok(violations.some((violation) => violation.trigger === 'policy' && violation.name === 'policy'));
    } finally {
      await writeFile(webhook.policyFile, original);
      await webhook.policy.reload();
    }
    await waitFor('the policy re-evaluation back', () => (store.get(id)?.decision?.allowed === true ? true : undefined), 10_000);
  });

  it('leaves ended images out of the running list but keeps them on record', async () => {
    await webhook.push('team/ended', '1.0');
    const id = await admit(`${TEST_REGISTRY_HOST}/team/ended:1.0`, 'prod', 'ended');
    validator.markEnded(id);
    assert.equal(validator.running().some((image) => image.id === id), false);
    assert.match(store.list({ ended: true }).find((image) => image.id === id)?.endedAt ?? '', /^\d{4}-/);
    await admit(`${TEST_REGISTRY_HOST}/team/ended:1.0`, 'prod', 'ended');
    assert.equal(validator.running().some((image) => image.id === id), true, 'a new admission makes it run again');
  });
});
