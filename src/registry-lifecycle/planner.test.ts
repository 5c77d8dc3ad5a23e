import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { ImmutabilityIndex } from './match.ts';
import type { ImmutabilityRule, RetentionRule } from './model.ts';
import { type Artifact, type RepositoryPlan, planRetention } from './planner.ts';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 0, 31);

function digest(name: string): string {
  return `sha256:${createHash('sha256').update(name).digest('hex')}`;
}

/** An image pushed `age` days before NOW. */
function image(name: string, age: number, tags: string[] = [name], extra: Partial<Artifact> = {}): Artifact {
  return { digest: digest(name), mediaType: 'application/vnd.oci.image.manifest.v1+json', pushedAt: NOW - age * DAY, tags, children: [], labels: {}, ...extra };
}

function plan(rules: RetentionRule[], artifacts: Artifact[], immutable: ImmutabilityRule[] = [], repository = 'team/app'): RepositoryPlan {
  const plans = planRetention({ rules, immutable: new ImmutabilityIndex(new Map([['team', immutable]])), repositories: [{ repository, artifacts }], now: NOW });
  assert.equal(plans.length, 1, 'one repository planned');
  return plans[0] as RepositoryPlan;
}

const kept = (result: RepositoryPlan) => result.retained.map((artifact) => artifact.tags.join(',') || artifact.digest).sort();
const gone = (result: RepositoryPlan) => result.deleted.map((artifact) => artifact.tags.join(',') || artifact.digest).sort();
const reasonsOf = (result: RepositoryPlan, name: string) => result.retained.find((artifact) => artifact.digest === digest(name))?.reasons ?? [];

describe('retention planner', () => {
  const five = [image('v1', 50), image('v2', 40), image('v3', 20), image('v4', 5), image('v5', 1)];

  it('keeps the latest N pushed, whatever the tag order', () => {
    const result = plan([{ keep: 'latest', repositories: '**', count: 2 }], five);
    assert.deepEqual(kept(result), ['v4', 'v5']);
    assert.deepEqual(gone(result), ['v1', 'v2', 'v3']);
    assert.deepEqual(reasonsOf(result, 'v5'), ['keep the latest 2 pushed in "**"']);
    assert.ok(result.deleted.every((artifact) => artifact.reason === 'no keep rule matches'));
  });

  it('keeps artifacts pushed within D days', () => {
    const result = plan([{ keep: 'pushedWithin', repositories: '**', days: 21 }], five);
    assert.deepEqual(kept(result), ['v3', 'v4', 'v5']);
  });

  it('keeps artifacts with a label, optionally with a value', () => {
    const labelled = [image('a', 90, ['a'], { labels: { keep: 'yes' } }), image('b', 90, ['b'], { labels: { keep: 'no' } }), image('c', 90)];
    assert.deepEqual(kept(plan([{ keep: 'label', repositories: '**', label: 'keep' }], labelled)), ['a', 'b']);
    assert.deepEqual(kept(plan([{ keep: 'label', repositories: '**', label: 'keep', value: 'yes' }], labelled)), ['a']);
  });

  it('keeps artifacts with a tag matching a pattern', () => {
    const tagged = [image('release-1', 90), image('release-2', 80, ['release-2', 'latest']), image('dev-1', 1), image('untagged', 1, [])];
    const result = plan([{ keep: 'tags', repositories: '**', tags: 'release-*' }], tagged);
    assert.deepEqual(kept(result), ['release-1', 'release-2,latest']);
    assert.deepEqual(gone(result), ['dev-1', digest('untagged')].sort());
  });

  it('retains what ANY rule keeps and lists every reason', () => {
    const rules: RetentionRule[] = [
      { keep: 'latest', repositories: '**', count: 1 },
      { keep: 'pushedWithin', repositories: '**', days: 10 },
      { keep: 'tags', repositories: '**', tags: 'v1' },
    ];
    const result = plan(rules, five);
    assert.deepEqual(kept(result), ['v1', 'v4', 'v5']);
    assert.deepEqual(reasonsOf(result, 'v5'), ['keep the latest 1 pushed in "**"', 'keep pushed within 10 days in "**"']);
  });

  it('applies only rules whose repository pattern matches, and leaves other repositories alone', () => {
    const rules: RetentionRule[] = [{ keep: 'latest', repositories: 'web/*', count: 1 }];
    const plans = planRetention({
      rules,
      immutable: new ImmutabilityIndex(new Map()),
      repositories: [{ repository: 'team/web/api', artifacts: five }, { repository: 'team/app', artifacts: five }, { repository: 'team/web/api/deep', artifacts: five }],
      now: NOW,
    });
    assert.deepEqual(plans.map((entry) => entry.repository), ['team/web/api']);
    assert.deepEqual(kept(plans[0] as RepositoryPlan), ['v5']);
  });

  it('never deletes an artifact with an immutable tag', () => {
    const result = plan([{ keep: 'latest', repositories: '**', count: 1 }], five, [{ repositories: '**', tags: 'v2' }]);
    assert.deepEqual(kept(result), ['v2', 'v5']);
    assert.deepEqual(reasonsOf(result, 'v2'), ['immutable tag v2 (rule repositories "**" tags "v2")']);
  });

  it('keeps the manifests of a retained index and deletes those only a deleted index lists', () => {
    const amd = image('amd64', 30, []);
    const arm = image('arm64', 30, []);
    const old = image('old-amd64', 60, []);
    const index = image('multi', 30, ['multi'], { mediaType: 'application/vnd.oci.image.index.v1+json', children: [amd.digest, arm.digest] });
    const oldIndex = image('old-multi', 60, ['old'], { mediaType: 'application/vnd.oci.image.index.v1+json', children: [old.digest] });
    const result = plan([{ keep: 'tags', repositories: '**', tags: 'multi' }], [amd, arm, old, index, oldIndex]);
    assert.deepEqual(kept(result), [amd.digest, arm.digest, 'multi'].sort());
    assert.deepEqual(reasonsOf(result, 'amd64'), [`listed by retained index ${index.digest}`]);
    assert.deepEqual(gone(result), [old.digest, 'old'].sort());
    assert.match(result.deleted.find((artifact) => artifact.digest === old.digest)?.reason ?? '', /listed only by deleted indexes/);
    const order = result.deleted.map((artifact) => artifact.digest);
    assert.ok(order.indexOf(oldIndex.digest) < order.indexOf(old.digest), 'the index goes before the manifest it lists');
  });

  it('untagged index children do not count towards "latest N"', () => {
    const children = [image('c1', 1, []), image('c2', 1, [])];
    const index = image('idx', 2, ['idx'], { mediaType: 'application/vnd.oci.image.index.v1+json', children: children.map((child) => child.digest) });
    const result = plan([{ keep: 'latest', repositories: '**', count: 2 }], [...children, index, image('older', 3)]);
    assert.deepEqual(gone(result), []);
  });

  it('referrers follow their subject: kept with a retained image, deleted with a deleted one, before it', () => {
    const keptImage = image('keep', 1);
    const doomed = image('doomed', 90);
    const signature = image('sig-of-keep', 80, [], { subject: keptImage.digest });
    const sbom = image('sbom-of-doomed', 1, [], { subject: doomed.digest });
    const sbomSignature = image('sig-of-sbom', 1, [], { subject: sbom.digest });
    const cosign = image('cosign', 1, [`sha256-${doomed.digest.slice(7)}.sig`]);
    const orphan = image('orphan', 90, [], { subject: digest('not here') });
    const result = plan([{ keep: 'pushedWithin', repositories: '**', days: 7 }], [keptImage, doomed, signature, sbom, sbomSignature, cosign, orphan]);
    assert.deepEqual(reasonsOf(result, 'sig-of-keep'), [`refers to retained ${keptImage.digest}`]);
    assert.deepEqual(reasonsOf(result, 'orphan'), ['its subject is not in this repository']);
    const order = result.deleted.map((artifact) => artifact.digest);
    assert.deepEqual([...order].sort(), [doomed, sbom, sbomSignature, cosign].map((artifact) => artifact.digest).sort());
    assert.ok(order.indexOf(sbomSignature.digest) < order.indexOf(sbom.digest));
    assert.ok(order.indexOf(sbom.digest) < order.indexOf(doomed.digest));
    assert.ok(order.indexOf(cosign.digest) < order.indexOf(doomed.digest));
    assert.match(result.deleted.find((artifact) => artifact.digest === sbom.digest)?.reason ?? '', /refers to deleted/);
  });

  it('a project with rules that keep nothing in a repository deletes everything there', () => {
    const result = plan([{ keep: 'tags', repositories: '**', tags: 'none-*' }], five);
    assert.deepEqual(kept(result), []);
    assert.equal(result.deleted.length, 5);
  });

  it('plans nothing without rules', () => {
    assert.deepEqual(planRetention({ rules: [], immutable: new ImmutabilityIndex(new Map()), repositories: [{ repository: 'team/app', artifacts: five }], now: NOW }), []);
  });
});
