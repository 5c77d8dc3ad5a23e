/**
 * Where decisions come from and how long they last, over real HTTPS: signatures verified in-process,
 * the decision cache (hits, invalidation by a pushed signature, a scan result and a policy change),
 * fail-closed timeouts against a registry that never answers, and break-glass with its audit record,
 * signed alert and deployment record.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { type Server, type Socket, createServer } from 'node:net';
import { parseReference } from '../core/index.ts';
import { OCI_MANIFEST } from '../oci/index.ts';
import { RegistryClient } from '../registry-client/index.ts';
import { signBody } from '../registry-scan/index.ts';
import { waitFor } from '../registry-scan/testing.ts';
import { signImage } from '../signing/index.ts';
import { signerFromPrivateKey } from '../signing/keys/index.ts';
import { registryRemoteFacts } from './remote-facts.ts';
import { ALERT_SECRET, TEST_REGISTRY_HOST, postHttps, reviewOf, startTestWebhook, type TestWebhook } from './testing.ts';

const REMOTE_TIMEOUT_MS = 400;
let webhook: TestWebhook;
let blackhole: Server;
let blackholeHost: string;
const sockets: Socket[] = [];

before(async () => {
  // A registry that accepts connections and never says a word.
  blackhole = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
  blackholeHost = `127.0.0.1:${(blackhole.address() as { port: number }).port}`;
  webhook = await startTestWebhook({ remoteFacts: registryRemoteFacts({ insecureHosts: [blackholeHost] }), remoteTimeoutMs: REMOTE_TIMEOUT_MS });
});
after(async () => {
  await webhook.close();
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => blackhole.close(resolve));
});

function podWith(image: string, annotations: Record<string, string> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'app', namespace: 'prod', annotations }, spec: { containers: [{ name: 'app', image }] } };
}

const validate = async (object: Record<string, unknown>, options: Parameters<typeof reviewOf>[1] = {}) => {
  const answer = await postHttps(`${webhook.url}/validate`, reviewOf(object, options), webhook.ca);
  assert.equal(answer.status, 200, answer.body);
  return answer.json().response as { uid: string; allowed: boolean; status?: { message: string }; warnings?: string[] };
};

async function sign(repository: string, digest: string): Promise<void> {
  const record = await webhook.registry.manifests.get(repository, digest);
  const client = new RegistryClient({ domain: new URL(webhook.url).host, insecure: true });
  const target = { client, reference: parseReference(`${TEST_REGISTRY_HOST}/${repository}@${digest}`), name: `${TEST_REGISTRY_HOST}/${repository}`, repository, digest, descriptor: { mediaType: OCI_MANIFEST, digest, size: record.size } };
  await signImage(target, signerFromPrivateKey(webhook.releaseKey, 'release'));
}

describe('facts of local images', () => {
  it('admits in the "signed" namespace only images signed by the release attestor', async () => {
    const digest = await webhook.push('team/signed', '1.0');
    const image = `${TEST_REGISTRY_HOST}/team/signed:1.0`;
    const unsigned = await validate(podWith(image), { namespace: 'signed' });
    assert.equal(unsigned.allowed, false);
    assert.match(unsigned.status?.message ?? '', /no verified signature or attestation by attestor release.*Fix: sign it/);
    await sign('team/signed', digest);
    // The signature's push invalidated the cached denial at once.
    assert.equal((await validate(podWith(image), { namespace: 'signed' })).allowed, true);
  });
});

describe('decision cache', () => {
  it('answers repeated decisions from the cache', async () => {
    await webhook.push('team/cached', '1.0');
    const { cache } = webhook.admission.decider;
    const image = `${TEST_REGISTRY_HOST}/team/cached:1.0`;
    const hits = cache.hits;
    assert.equal((await validate(podWith(image))).allowed, true);
    assert.equal(cache.hits, hits);
    assert.equal((await validate(podWith(image))).allowed, true);
    assert.equal(cache.hits, hits + 1);
  });

  it('keeps a denial until a new scan result for the digest arrives', async () => {
    const digest = await webhook.push('team/late-label', '1.0', { productionReady: false });
    const image = `${TEST_REGISTRY_HOST}/team/late-label:1.0`;
    assert.equal((await validate(podWith(image))).allowed, false);
    webhook.labels.setLabels(digest, { 'production-ready': 'true' });
    assert.equal((await validate(podWith(image))).allowed, false, 'the cached denial should still answer');
    webhook.scanner.events.emit('scanCompleted', { digest } as never);
    assert.equal((await validate(podWith(image))).allowed, true);
  });

  it('drops every cached decision when the policy changes', async () => {
    await webhook.push('team/policy-change', '1.0');
    const image = `${TEST_REGISTRY_HOST}/team/policy-change:1.0`;
    assert.equal((await validate(podWith(image))).allowed, true);
    const original = await readFile(webhook.policyFile, 'utf8');
    try {
      await writeFile(webhook.policyFile, original.replace('evaluationMode: ALWAYS_ALLOW', 'evaluationMode: ALWAYS_DENY'));
      await webhook.policy.reload();
      const response = await validate(podWith(image));
      assert.equal(response.allowed, false);
      assert.match(response.status?.message ?? '', /defaultAdmissionRule is ALWAYS_DENY/);
    } finally {
      await writeFile(webhook.policyFile, original);
      await webhook.policy.reload();
    }
    assert.equal((await validate(podWith(image))).allowed, true);
  });
});

describe('remote images', () => {
  it('refuses an image whose registry never answers, within the budget', async () => {
    const started = Date.now();
    const response = await validate(podWith(`${blackholeHost}/team/app:1.0`));
    const elapsed = Date.now() - started;
    assert.equal(response.allowed, false);
    assert.match(response.status?.message ?? '', new RegExp(`team/app:1\\.0 could not be checked, so it is refused: .*(${REMOTE_TIMEOUT_MS} ms|timed out|abort)`, 'i'));
    assert.ok(elapsed >= REMOTE_TIMEOUT_MS - 50 && elapsed < REMOTE_TIMEOUT_MS + 2000, `answered after ${elapsed} ms`);
  });

  it('refuses to pin a tag it cannot resolve in time', async () => {
    const answer = await postHttps(`${webhook.url}/mutate`, reviewOf(podWith(`${blackholeHost}/team/app:1.0`)), webhook.ca);
    assert.equal(answer.json().response.allowed, false);
  });
});

describe('break-glass', () => {
  it('admits despite the policy, audits, alerts and records the deploy', async () => {
    const digest = await webhook.push('team/hotfix', '1.0', { productionReady: false });
    const image = `${TEST_REGISTRY_HOST}/team/hotfix:1.0`;
    const records = webhook.records.length;
    const response = await validate(podWith(image, { 'portcullis.dev/break-glass': 'INC-4711 outage fix' }), { username: 'oncall@example.com' });
    assert.equal(response.allowed, true);
    assert.match(response.warnings?.[0] ?? '', /admitted by break-glass \(INC-4711 outage fix\)/);
    assert.match(response.warnings?.[1] ?? '', /break-glass overrides: image .*team\/hotfix:1\.0 violates requiredLabels/);

    const audit = webhook.auth.readAudit(0, 1000).filter((record) => record.action === 'admission.break_glass');
    assert.equal(audit.length, 1);
    assert.equal(audit[0]?.actor, 'oncall@example.com');
    assert.equal(audit[0]?.target, 'Pod prod/app');
    assert.equal(audit[0]?.detail.reason, 'INC-4711 outage fix');

    const [record] = webhook.records.slice(records);
    assert.equal(record?.breakGlass, true);
    assert.equal(record?.digest, digest);
    assert.equal(record?.breakGlassReason, 'INC-4711 outage fix');

    const delivery = await waitFor('the break-glass alert', () => webhook.alerts.received.find((entry) => entry.headers['x-portcullis-event'] === 'admission.break_glass'), 10_000);
    assert.equal(delivery.headers['x-portcullis-signature'], signBody(ALERT_SECRET, delivery.body));
    const event = JSON.parse(delivery.body);
    assert.equal(event.type, 'admission.break_glass');
    assert.deepEqual(event.data.images, [image]);
    assert.equal(event.data.reason, 'INC-4711 outage fix');
  });

  it("accepts Binary Authorization's annotation, and leaves no trace on dry runs", async () => {
    await webhook.push('team/binauthz', '1.0', { productionReady: false });
    const annotations = { 'alpha.image-policy.k8s.io/break-glass': 'true' };
    const before = webhook.auth.readAudit(0, 1000).length;
    const dry = await validate(podWith(`${TEST_REGISTRY_HOST}/team/binauthz:1.0`, annotations), { dryRun: true });
    assert.equal(dry.allowed, true);
    assert.equal(webhook.auth.readAudit(0, 1000).length, before);
    const real = await validate(podWith(`${TEST_REGISTRY_HOST}/team/binauthz:1.0`, annotations));
    assert.equal(real.allowed, true);
    assert.match(real.warnings?.[0] ?? '', /break-glass \(no reason given\)/);
    assert.equal(webhook.auth.readAudit(0, 1000).length, before + 1);
  });

  it('is not break-glass when the annotation says false or is empty', async () => {
    await webhook.push('team/no-glass', '1.0', { productionReady: false });
    for (const value of ['false', '', '   ']) {
      assert.equal((await validate(podWith(`${TEST_REGISTRY_HOST}/team/no-glass:1.0`, { 'portcullis.dev/break-glass': value }))).allowed, false, JSON.stringify(value));
    }
  });
});
