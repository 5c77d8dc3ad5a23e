/**
 * The retention planner: a pure function from a project's rules and the artifacts of its
 * repositories to what stays (with every reason) and what goes (with the reason and the order).
 *
 * Keep rules judge top-level artifacts: images and indexes people push. What hangs off them
 * follows them: a manifest listed by a retained index stays, a referrer (OCI `subject`, or a
 * cosign `sha256-<hex>.sig|.att|.sbom` tag) of a retained artifact stays, and those of deleted
 * artifacts go with them. A referrer whose subject is not in the repository is left alone: it may
 * have been pushed before its image, which the distribution spec allows.
 */
import { type ImmutabilityIndex, repositoryMatcher, tagMatcher } from './match.ts';
import { type RetentionRule, describeRetentionRule } from './model.ts';

/** One manifest or index of a repository, as the planner sees it. */
export interface Artifact {
  digest: string;
  mediaType: string;
  /** When it was first pushed, ms since the epoch. */
  pushedAt: number;
  tags: string[];
  /** The `subject` of a referrer. */
  subject?: string;
  /** Manifests an index lists. */
  children: string[];
  labels: Record<string, string>;
}

export interface RepositoryArtifacts {
  repository: string;
  artifacts: Artifact[];
}

export interface PlanInput {
  rules: readonly RetentionRule[];
  immutable: ImmutabilityIndex;
  repositories: readonly RepositoryArtifacts[];
  now: number;
}

export interface RetainedArtifact {
  digest: string;
  tags: string[];
  /** Every reason it stays. */
  reasons: string[];
}

export interface DeletedArtifact {
  digest: string;
  tags: string[];
  reason: string;
}

export interface RepositoryPlan {
  repository: string;
  retained: RetainedArtifact[];
  /** In the order to delete: referrers and indexes before what they point at. */
  deleted: DeletedArtifact[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
const COSIGN_TAG = /^(sha256)-([a-f0-9]{64})\.(?:sig|att|sbom)$/;

/** Plans every repository that at least one rule applies to; the others are not touched. */
export function planRetention(input: PlanInput): RepositoryPlan[] {
  const compiled = input.rules.map((rule) => ({ applies: repositoryMatcher(rule.repositories), description: describeRetentionRule(rule), keeps: keepTest(rule, input.now) }));
  const plans: RepositoryPlan[] = [];
  for (const { repository, artifacts } of input.repositories) {
    const rules = compiled.filter((entry) => entry.applies(repository));
    if (rules.length > 0) plans.push(planRepository(repository, artifacts, rules, input));
  }
  return plans;
}

/** A keep rule as a test of one top-level artifact and its rank (0 = pushed last). */
type KeepTest = (artifact: Artifact, rank: number) => boolean;
type CompiledRule = { description: string; keeps: KeepTest };

/** The artifacts an artifact depends on: its subjects (OCI or cosign tag) present in the repository. */
function subjectsOf(artifact: Artifact, present: ReadonlyMap<string, Artifact>): string[] {
  const subjects = new Set<string>();
  if (artifact.subject !== undefined) subjects.add(artifact.subject);
  for (const tag of artifact.tags) {
    const match = COSIGN_TAG.exec(tag);
    if (match !== null) subjects.add(`${match[1]}:${match[2]}`);
  }
  subjects.delete(artifact.digest);
  return [...subjects].filter((digest) => present.has(digest));
}

function hasSubject(artifact: Artifact): boolean {
  return artifact.subject !== undefined || artifact.tags.some((tag) => COSIGN_TAG.test(tag));
}

function planRepository(repository: string, artifacts: readonly Artifact[], rules: readonly CompiledRule[], input: PlanInput): RepositoryPlan {
  const byDigest = new Map(artifacts.map((artifact) => [artifact.digest, artifact]));
  const parents = new Map<string, string[]>(); // child -> indexes listing it
  const referrers = new Map<string, string[]>(); // subject -> artifacts referring to it
  for (const artifact of artifacts) {
    for (const child of artifact.children) if (byDigest.has(child) && child !== artifact.digest) push(parents, child, artifact.digest);
    for (const subject of subjectsOf(artifact, byDigest)) push(referrers, subject, artifact.digest);
  }
  const reasons = new Map<string, string[]>();
  const keep = (digest: string, reason: string) => push(reasons, digest, reason);

  // Top level: no subject, and tagged or listed by no index. Newest first for "latest N".
  const topLevel = artifacts
    .filter((artifact) => !hasSubject(artifact) && (artifact.tags.length > 0 || !parents.has(artifact.digest)))
    .sort((a, b) => b.pushedAt - a.pushedAt || (a.digest < b.digest ? -1 : 1));
  for (const { keeps, description } of rules) {
    for (const [rank, artifact] of topLevel.entries()) {
      if (keeps(artifact, rank)) keep(artifact.digest, description);
    }
  }
  for (const artifact of artifacts) {
    for (const tag of artifact.tags) {
      const rule = input.immutable.ruleFor(repository, tag);
      if (rule !== undefined) keep(artifact.digest, `immutable tag ${tag} (rule ${rule})`);
    }
    if (hasSubject(artifact) && subjectsOf(artifact, byDigest).length === 0) keep(artifact.digest, 'its subject is not in this repository');
  }

  // What retained artifacts point at stays too, transitively.
  const pending = [...reasons.keys()];
  for (let digest = pending.pop(); digest !== undefined; digest = pending.pop()) {
    const artifact = byDigest.get(digest);
    if (artifact === undefined) continue;
    const dependents = [
      ...artifact.children.filter((child) => byDigest.has(child)).map((child) => [child, `listed by retained index ${digest}`] as const),
      ...(referrers.get(digest) ?? []).map((referrer) => [referrer, `refers to retained ${digest}`] as const),
    ];
    for (const [dependent, reason] of dependents) {
      if (!reasons.has(dependent)) pending.push(dependent);
      keep(dependent, reason);
    }
  }

  const retained = artifacts.filter((artifact) => reasons.has(artifact.digest)).map((artifact) => ({ digest: artifact.digest, tags: artifact.tags, reasons: reasons.get(artifact.digest) ?? [] }));
  const doomed = new Set(artifacts.filter((artifact) => !reasons.has(artifact.digest)).map((artifact) => artifact.digest));
  const deleted = deletionOrder(doomed, parents, referrers).map((digest) => {
    const artifact = byDigest.get(digest) as Artifact;
    return { digest, tags: artifact.tags, reason: deletionReason(artifact, byDigest, parents) };
  });
  return { repository, retained, deleted };
}

function keepTest(rule: RetentionRule, now: number): KeepTest {
  switch (rule.keep) {
    case 'latest':
      return (_artifact, rank) => rank < rule.count;
    case 'pushedWithin':
      return (artifact) => artifact.pushedAt >= now - rule.days * DAY_MS;
    case 'label':
      return (artifact) => {
        const value = artifact.labels[rule.label];
        return value !== undefined && (rule.value === undefined || rule.value === value);
      };
    case 'tags': {
      const matches = tagMatcher(rule.tags);
      return (artifact) => artifact.tags.some(matches);
    }
  }
}

function deletionReason(artifact: Artifact, byDigest: ReadonlyMap<string, Artifact>, parents: ReadonlyMap<string, string[]>): string {
  const subjects = subjectsOf(artifact, byDigest);
  if (subjects.length > 0) return `refers to deleted ${subjects.join(', ')}`;
  if (artifact.tags.length === 0 && parents.has(artifact.digest)) return `listed only by deleted indexes ${(parents.get(artifact.digest) ?? []).join(', ')}`;
  return 'no keep rule matches';
}

/** Depth-first: whatever points at an artifact (referrers, indexes listing it) is deleted before it. */
function deletionOrder(doomed: ReadonlySet<string>, parents: ReadonlyMap<string, string[]>, referrers: ReadonlyMap<string, string[]>): string[] {
  const order: string[] = [];
  const visited = new Set<string>();
  const visit = (digest: string) => {
    if (visited.has(digest) || !doomed.has(digest)) return;
    visited.add(digest);
    for (const dependent of [...(referrers.get(digest) ?? []), ...(parents.get(digest) ?? [])]) visit(dependent);
    order.push(digest);
  };
  for (const digest of [...doomed].sort()) visit(digest);
  return order;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}
