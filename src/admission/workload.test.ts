import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAdmissionReview } from './review.ts';
import { TEST_REGISTRY_HOST, WORKLOAD_FIXTURES, reviewOf, workloadFixture } from './testing.ts';
import { MAX_IMAGES, podSpecPath, readWorkload } from './workload.ts';

function workloadOf(object: Record<string, unknown>) {
  const request = parseAdmissionReview(reviewOf(object));
  const path = podSpecPath(request);
  assert.ok(path !== undefined, `${String(object.kind)} should have a pod spec`);
  return readWorkload(request, path);
}

describe('readWorkload', () => {
  for (const name of WORKLOAD_FIXTURES) {
    it(`finds every container image of a ${name}`, () => {
      const workload = workloadOf(workloadFixture(name));
      assert.deepEqual(workload.problems, []);
      assert.equal(workload.namespace, 'prod');
      assert.equal(workload.serviceAccount, 'web-sa');
      const expected = ['initContainers:migrate', 'containers:web', 'containers:sidecar', ...(name === 'pod' ? ['ephemeralContainers:debugger'] : [])];
      assert.deepEqual(workload.images.map((use) => `${use.list}:${use.container}`), expected);
      // Every pointer leads to the image it names, in the object itself.
      const object = workloadFixture(name);
      for (const use of workload.images) {
        const found = use.pointer.split('/').slice(1).reduce<any>((node, key) => node?.[key], object);
        assert.equal(found, use.image);
        assert.ok(use.image.startsWith(`${TEST_REGISTRY_HOST}/team/`));
      }
    });
  }

  it('puts the CronJob pod spec under its job template', () => {
    const workload = workloadOf(workloadFixture('cronjob'));
    assert.equal(workload.images[1]?.pointer, '/spec/jobTemplate/spec/template/spec/containers/0/image');
  });

  it('reads annotations of the object and of its pod template', () => {
    const deployment = workloadFixture('deployment') as any;
    deployment.metadata.annotations = { a: 'object' };
    deployment.spec.template.metadata.annotations = { a: 'template', b: 'template' };
    assert.deepEqual(workloadOf(deployment).annotations, { a: 'object', b: 'template' });
  });

  it('reports shapes it cannot read instead of skipping them', () => {
    const pod = workloadFixture('pod') as any;
    pod.spec.containers = { web: { image: 'x' } };
    pod.spec.initContainers = [{ name: 'no-image' }, 'not a container', { name: 'number', image: 5 }];
    const workload = workloadOf(pod);
    assert.deepEqual(workload.problems, ['spec.initContainers[0] has no image', 'spec.initContainers[1] has no image', 'spec.initContainers[2] has no image', 'spec.containers is not a list']);
  });

  it('reports a missing pod spec', () => {
    const deployment = workloadFixture('deployment') as any;
    delete deployment.spec.template;
    assert.deepEqual(workloadOf(deployment).problems, ['Deployment has no pod spec at spec.template.spec']);
  });

  it('refuses more containers than it will check', () => {
    const pod = workloadFixture('pod') as any;
    pod.spec.containers = Array.from({ length: MAX_IMAGES + 10 }, (_, index) => ({ name: `c${index}`, image: `app:${index}` }));
    const workload = workloadOf(pod);
    assert.equal(workload.images.length, MAX_IMAGES);
    assert.match(workload.problems.join(), /more than 256 containers/);
  });

  it('knows no pod spec for other kinds', () => {
    assert.equal(podSpecPath({ kind: { group: '', version: 'v1', kind: 'ConfigMap' } }), undefined);
    assert.equal(podSpecPath({ kind: { group: 'example.com', version: 'v1', kind: 'Deployment' } }), undefined);
  });
});
