/**
 * The webhook over real HTTPS (Node's https client trusting only the generated CA), against images
 * in the in-process registry: every workload kind and container list, CREATE/UPDATE/DELETE, the
 * pinning patch, dry-run and exempt namespaces, and hostile reviews.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { TEST_REGISTRY_HOST, WORKLOAD_FIXTURES, postHttps, reviewOf, startTestWebhook, workloadFixture, type TestWebhook } from './testing.ts';

let webhook: TestWebhook;
const digests = new Map<string, string>();

before(async () => {
  webhook = await startTestWebhook();
  for (const name of ['migrate', 'web', 'sidecar', 'debug']) digests.set(name, await webhook.push(`team/${name}`, '1.0'));
  await webhook.push('team/unlabelled', '1.0', { productionReady: false });
});
after(async () => webhook.close());

const validate = (review: unknown) => postHttps(`${webhook.url}/validate`, review, webhook.ca);
const mutate = (review: unknown) => postHttps(`${webhook.url}/mutate`, review, webhook.ca);

function withImage(name: string, image: string): Record<string, unknown> {
  const object = workloadFixture(name) as any;
  const spec = name === 'pod' ? object.spec : name === 'cronjob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec;
  spec.containers[0].image = image;
  return object;
}

describe('validate', () => {
  for (const name of WORKLOAD_FIXTURES) {
    it(`admits a ${name} whose images all meet the policy, and records each image`, async () => {
      const review = reviewOf(workloadFixture(name), { uid: `uid-${name}` });
      const before = webhook.records.length;
      const answer = await validate(review);
      assert.equal(answer.status, 200, answer.body);
      const body = answer.json();
      assert.equal(body.apiVersion, 'admission.k8s.io/v1');
      assert.equal(body.kind, 'AdmissionReview');
      assert.deepEqual(body.response, { uid: `uid-${name}`, allowed: true });
      const recorded = webhook.records.slice(before);
      const expected = ['migrate', 'web', 'sidecar', ...(name === 'pod' ? ['debug'] : [])];
      assert.deepEqual(recorded.map((record) => record.digest), expected.map((image) => digests.get(image)));
      assert.ok(recorded.every((record) => record.namespace === 'prod' && record.serviceAccount === 'web-sa' && !record.breakGlass));
    });

    it(`refuses a ${name} with one image that breaks the policy, naming image and rule`, async () => {
      const answer = await validate(reviewOf(withImage(name, `${TEST_REGISTRY_HOST}/team/unlabelled:1.0`), { uid: 'deny-uid' }));
      const response = answer.json().response;
      assert.equal(response.uid, 'deny-uid');
      assert.equal(response.allowed, false);
      assert.equal(response.status.code, 403);
      assert.match(response.status.message, /image registry\.portcullis\.test\/team\/unlabelled:1\.0 violates requiredLabels \(policy\.yaml\): .*production-ready=true/);
    });
  }

  it('evaluates UPDATE like CREATE and lets DELETE and CONNECT pass', async () => {
    const update = await validate(reviewOf(withImage('deployment', `${TEST_REGISTRY_HOST}/team/unlabelled:1.0`), { operation: 'UPDATE' }));
    assert.equal(update.json().response.allowed, false);
    for (const operation of ['DELETE', 'CONNECT'] as const) {
      const answer = await validate(reviewOf(withImage('pod', `${TEST_REGISTRY_HOST}/team/unlabelled:1.0`), { operation, uid: operation }));
      assert.deepEqual(answer.json().response, { uid: operation, allowed: true });
    }
  });

  it('reports a dry-run policy as warnings and admits', async () => {
    const answer = await validate(reviewOf(workloadFixture('pod'), { namespace: 'dry' }));
    const response = answer.json().response;
    assert.equal(response.allowed, true);
    assert.ok(response.warnings.length >= 1);
    assert.match(response.warnings[0], /^dry run, would deny: image registry\.portcullis\.test\/team\/migrate:1\.0 violates evaluationMode/);
  });

  it('refuses by namespace rule, and admits exempt namespaces untouched', async () => {
    assert.equal((await validate(reviewOf(workloadFixture('pod'), { namespace: 'locked' }))).json().response.allowed, false);
    const exempt = await validate(reviewOf(withImage('pod', 'NOT A REFERENCE'), { namespace: 'kube-system', uid: 'sys' }));
    assert.deepEqual(exempt.json().response, { uid: 'sys', allowed: true });
  });

  it('refuses images missing from the local registry, with the fix', async () => {
    const response = (await validate(reviewOf(withImage('job', `${TEST_REGISTRY_HOST}/team/web:2.0`)))).json().response;
    assert.equal(response.allowed, false);
    assert.match(response.status.message, /team\/web:2\.0 is not in the Portcullis registry .*Fix: push it there first/);
  });

  it('admits kinds without pods, with a warning', async () => {
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'prod' }, data: { a: 'b' } };
    const response = (await validate(reviewOf(configMap))).json().response;
    assert.equal(response.allowed, true);
    assert.match(response.warnings[0], /did not check ConfigMap/);
  });
});

describe('mutate', () => {
  for (const name of WORKLOAD_FIXTURES) {
    it(`pins every image of a ${name} to its digest`, async () => {
      const object = workloadFixture(name);
      const response = (await mutate(reviewOf(object, { uid: name }))).json().response;
      assert.equal(response.uid, name);
      assert.equal(response.allowed, true);
      assert.equal(response.patchType, 'JSONPatch');
      const patch = JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8')) as Array<{ op: string; path: string; value: string }>;
      const images = ['migrate', 'web', 'sidecar', ...(name === 'pod' ? ['debug'] : [])];
      assert.equal(patch.length, images.length);
      for (const operation of patch) {
        assert.equal(operation.op, 'replace');
        const before = operation.path.split('/').slice(1).reduce<any>((node, key) => node?.[key], object);
        const image = /team\/(\w+):1\.0$/.exec(before)?.[1] ?? '';
        assert.equal(operation.value, `${TEST_REGISTRY_HOST}/team/${image}@${digests.get(image)}`);
      }
    });
  }

  it('leaves pinned images alone and refuses tags it cannot resolve', async () => {
    const pinned = (await mutate(reviewOf(withImage('pod', `${TEST_REGISTRY_HOST}/team/web@${digests.get('web')}`)))).json().response;
    const patch = JSON.parse(Buffer.from(pinned.patch, 'base64').toString('utf8')) as Array<{ path: string }>;
    assert.ok(!patch.some((operation) => operation.path === '/spec/containers/0/image'));
    const missing = (await mutate(reviewOf(withImage('pod', `${TEST_REGISTRY_HOST}/team/nothing:1`)))).json().response;
    assert.equal(missing.allowed, false);
    assert.match(missing.status.message, /team\/nothing:1 of container web could not be pinned/);
  });
});

describe('hostile reviews', () => {
  const fixture = (name: string) => readFileSync(new URL(`testdata/reviews/${name}`, import.meta.url), 'utf8');

  it('answers 400 with a JSON error for bodies that are not reviews', async () => {
    for (const [body, pattern] of [
      ['this is not json', /not valid JSON/],
      [fixture('truncated.json'), /not valid JSON/],
      [fixture('wrong-api-version.json'), /apiVersion must be admission\.k8s\.io\/v1/],
      [fixture('missing-uid.json'), /request\.uid must be/],
      ['[]', /must be a JSON object/],
      [Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), /apiVersion must be/],
    ] as const) {
      const answer = await validate(body);
      assert.equal(answer.status, 400, answer.body);
      assert.equal(answer.json().error.status, 'INVALID_ARGUMENT');
      assert.match(answer.json().error.message, pattern);
    }
  });

  it('refuses bodies over the API server limit with 413', async () => {
    const review = reviewOf(workloadFixture('pod')) as any;
    review.request.object.metadata.annotations = { padding: 'x'.repeat(3 * 1024 * 1024) };
    const answer = await validate(review);
    assert.equal(answer.status, 413);
    assert.equal(answer.json().error.status, 'PAYLOAD_TOO_LARGE');
  });

  it('answers deeply nested objects without walking them', async () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const review = JSON.stringify(reviewOf(workloadFixture('pod'), { uid: 'deep' })).replace('"status":{}', `"status":{"deep":${deep}}`);
    const answer = await validate(review);
    assert.equal(answer.status, 200, answer.body.slice(0, 300));
    assert.deepEqual(answer.json().response, { uid: 'deep', allowed: true });
  });

  it('refuses odd image references by name, keeping the uid', async () => {
    for (const image of ['Registry.portcullis.test/Team/Web:1', `${TEST_REGISTRY_HOST}/../etc/passwd`, `${TEST_REGISTRY_HOST}/team/web:1.0 ; rm -rf /`, `${TEST_REGISTRY_HOST}/team/web@sha256:abc`, 'x'.repeat(5000), 'web\u0000:1']) {
      const response = (await validate(reviewOf(withImage('pod', image), { uid: 'odd' }))).json().response;
      assert.equal(response.uid, 'odd');
      assert.equal(response.allowed, false, image.slice(0, 60));
      assert.match(response.status.message, /is not a valid image reference/);
      assert.ok(response.status.message.length < 4100);
    }
  });

  it('refuses malformed pod specs inside a valid review', async () => {
    const pod = workloadFixture('pod') as any;
    pod.spec.containers = [{ name: 'web' }];
    const response = (await validate(reviewOf(pod, { uid: 'shape' }))).json().response;
    assert.equal(response.uid, 'shape');
    assert.equal(response.allowed, false);
    assert.match(response.status.message, /Pod prod\/web: spec\.containers\[0\] has no image/);
  });
});
