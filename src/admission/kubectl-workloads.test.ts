/**
 * Workloads exactly as kubectl writes them (`kubectl create ... --dry-run=client -o json`; Pods are
 * left to the fixtures, as `kubectl run` asks a cluster even for a dry run), wrapped in
 * AdmissionReviews: the image is found at the path kubectl put it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { requireTool } from '../../test/helpers/registry.ts';
import { parseAdmissionReview } from './review.ts';
import { reviewOf } from './testing.ts';
import { podSpecPath, readWorkload } from './workload.ts';

const IMAGE = 'registry.portcullis.test/team/web:1.0';

function kubectl(args: string[]): Record<string, unknown> {
  requireTool('kubectl', 'kubernetes-client');
  return JSON.parse(execFileSync('kubectl', [...args, '--dry-run=client', '-o', 'json'], { encoding: 'utf8', timeout: 30_000 })) as Record<string, unknown>;
}

describe('workloads written by kubectl', () => {
  const cases: Array<[string, string[], string]> = [
    ['Deployment', ['create', 'deployment', 'web', `--image=${IMAGE}`], '/spec/template/spec/containers/0/image'],
    ['Job', ['create', 'job', 'web', `--image=${IMAGE}`], '/spec/template/spec/containers/0/image'],
    ['CronJob', ['create', 'cronjob', 'web', `--image=${IMAGE}`, '--schedule=*/5 * * * *'], '/spec/jobTemplate/spec/template/spec/containers/0/image'],
  ];
  for (const [kind, args, pointer] of cases) {
    it(`finds the image of a ${kind}`, () => {
      const object = kubectl(args);
      assert.equal(object.kind, kind);
      const request = parseAdmissionReview(reviewOf(object, { namespace: 'prod' }));
      const workload = readWorkload(request, podSpecPath(request) ?? []);
      assert.deepEqual(workload.problems, []);
      assert.deepEqual(workload.images.map((use) => [use.image, use.pointer]), [[IMAGE, pointer]]);
    });
  }
});
