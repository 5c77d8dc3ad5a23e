/** Reading pods from the Kubernetes API (untrusted shapes) and reconciling them with the inventory. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runningImageId, type RunningImage } from './model.ts';
import { podImages, reconcile } from './pods.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const OTHER = `sha256:${'b'.repeat(64)}`;

function pod(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    metadata: { name: 'web-7d9f8-xk2p', namespace: 'shop', labels: { 'pod-template-hash': '7d9f8' }, ownerReferences: [{ kind: 'ReplicaSet', name: 'web-7d9f8', controller: true }] },
    spec: { serviceAccountName: 'web', containers: [{ name: 'app', image: 'reg.example/team/app:1.0' }, { name: 'proxy', image: `reg.example/team/proxy@${OTHER}` }] },
    status: { phase: 'Running', containerStatuses: [{ name: 'app', imageID: `reg.example/team/app@${DIGEST}` }] },
    ...overrides,
  };
}

function running(image: string, digest: string | undefined, namespace = 'shop'): RunningImage {
  const parts = { namespace, kind: 'Deployment', name: 'web', image };
  return { id: runningImageId(parts), ...parts, ...(digest !== undefined && { digest }), serviceAccount: 'web', breakGlass: false, admittedAt: '2026-01-01T00:00:00.000Z', source: 'admission' };
}

describe('podImages', () => {
  it('names the Deployment behind a ReplicaSet and takes digests from the spec or the container status', () => {
    assert.deepEqual(podImages(pod()), [
      { namespace: 'shop', kind: 'Deployment', name: 'web', serviceAccount: 'web', image: 'reg.example/team/app:1.0', digest: DIGEST },
      { namespace: 'shop', kind: 'Deployment', name: 'web', serviceAccount: 'web', image: `reg.example/team/proxy@${OTHER}`, digest: OTHER },
    ]);
  });

  it('keeps a bare pod as its own workload and finished pods run nothing', () => {
    const bare = podImages(pod({ metadata: { name: 'debug', namespace: 'shop' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } }));
    assert.deepEqual(bare, [{ namespace: 'shop', kind: 'Pod', name: 'debug', serviceAccount: 'default', image: 'busybox' }]);
    assert.deepEqual(podImages(pod({ status: { phase: 'Succeeded' } })), []);
  });

  it('skips hostile or malformed shapes instead of throwing', () => {
    for (const hostile of [null, 42, 'pod', [], {}, { metadata: [] }, { metadata: { name: 1, namespace: 'x' } }, pod({ spec: { containers: 'nope' } }), pod({ spec: { containers: [null, { image: 7 }, { image: 'x'.repeat(5000) }] } })]) {
      assert.deepEqual(podImages(hostile), [], JSON.stringify(hostile)?.slice(0, 80));
    }
    const badStatus = podImages(pod({ status: { phase: 'Running', containerStatuses: [{ name: 'app', imageID: 'docker-pullable://x@sha256:short' }] } }));
    assert.equal(badStatus[0]?.digest, undefined, 'an imageID without a full digest is not a digest');
  });
});

describe('reconcile', () => {
  it('ends images no pod of their namespace runs, and reports unknown running images once', () => {
    const kept = running('reg.example/team/app:1.0', DIGEST);
    const gone = running('reg.example/team/old:1.0', `sha256:${'d'.repeat(64)}`);
    const elsewhere = running('reg.example/team/app:1.0', DIGEST, 'staging');
    const live = [...podImages(pod()), ...podImages(pod())];
    const result = reconcile([kept, gone, elsewhere], live, () => true);
    assert.deepEqual(result.ended.sort(), [gone.id, elsewhere.id].sort());
    assert.deepEqual(result.unknown.map((image) => image.image), [`reg.example/team/proxy@${OTHER}`]);
  });

  it('holds back images that may not end yet', () => {
    const gone = running('reg.example/team/old:1.0', OTHER);
    assert.deepEqual(reconcile([gone], [], () => false).ended, []);
  });
});
