import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PortcullisError } from '../core/index.ts';
import { cleanWarnings, parseAdmissionReview, reviewResponse } from './review.ts';

const fixture = (name: string) => readFileSync(new URL(`testdata/reviews/${name}`, import.meta.url), 'utf8');

function assertMalformed(body: unknown, pattern: RegExp): void {
  assert.throws(() => parseAdmissionReview(body), (error: unknown) => error instanceof PortcullisError && error.code === 'INPUT' && pattern.test(error.message));
}

describe('parseAdmissionReview', () => {
  it('reads a review as the API server sends it', () => {
    const request = parseAdmissionReview(JSON.parse(fixture('deployment-create.json')));
    assert.equal(request.uid, '705ab4f5-6393-11e8-b7cc-42010a800002');
    assert.deepEqual(request.kind, { group: 'apps', version: 'v1', kind: 'Deployment' });
    assert.equal(request.operation, 'CREATE');
    assert.equal(request.namespace, 'prod');
    assert.equal(request.username, 'alice@example.com');
    assert.equal(request.dryRun, false);
    assert.equal((request.object?.metadata as { name: string }).name, 'web');
  });

  it('refuses other API versions and kinds', () => {
    assertMalformed(JSON.parse(fixture('wrong-api-version.json')), /apiVersion must be admission\.k8s\.io\/v1, got "admission\.k8s\.io\/v1beta1"/);
    assertMalformed({ apiVersion: 'admission.k8s.io/v1', kind: 'Pod', request: {} }, /kind must be AdmissionReview/);
  });

  it('names every bad field at once', () => {
    assertMalformed(JSON.parse(fixture('missing-uid.json')), /request\.uid must be a non-empty string/);
    const bad = JSON.parse(fixture('bad-operation.json'));
    assertMalformed(bad, /operation must be one of CREATE, UPDATE, DELETE, CONNECT, got "PATCH".*request\.object must be an object.*request\.dryRun must be true or false/);
  });

  it('refuses what is not a review at all', () => {
    assertMalformed(null, /must be a JSON object/);
    assertMalformed([1, 2], /must be a JSON object/);
    assertMalformed('AdmissionReview', /must be a JSON object/);
    assertMalformed({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }, /request is missing/);
    assertMalformed({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'u', operation: 'CREATE', kind: { group: 1, version: 'v1', kind: 'Pod' }, object: {} } }, /request\.kind\.group must be a string/);
  });

  it('bounds untrusted strings', () => {
    const review = JSON.parse(fixture('deployment-create.json'));
    review.request.uid = 'u'.repeat(10_000);
    review.request.namespace = 'n'.repeat(300);
    assertMalformed(review, /request\.uid must be .*at most 128.*request\.namespace must be a string of at most 253 characters, got "n{20,}\.\.\./);
  });

  it('requires the object for CREATE and UPDATE only', () => {
    const base = { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' };
    assertMalformed({ ...base, request: { uid: 'u', operation: 'UPDATE', kind: { group: '', version: 'v1', kind: 'Pod' } } }, /request\.object is required for UPDATE/);
    const deletion = parseAdmissionReview({ ...base, request: { uid: 'u', operation: 'DELETE', kind: { group: '', version: 'v1', kind: 'Pod' }, object: null } });
    assert.equal(deletion.operation, 'DELETE');
    assert.equal(deletion.object, undefined);
  });
});

describe('responses', () => {
  it('answers with the same uid in an AdmissionReview', () => {
    assert.deepEqual(reviewResponse({ uid: 'abc', allowed: true }), { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'abc', allowed: true } });
  });

  it('makes warnings printable, short and unique', () => {
    const warnings = cleanWarnings(['a\nb\u0007', 'a\nb\u0007', 'x'.repeat(1000)]);
    assert.deepEqual(warnings.slice(0, 1), ['a b ']);
    assert.equal(warnings.length, 2);
    assert.equal(warnings[1]?.length, 256);
  });
});
