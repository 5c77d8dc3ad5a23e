/**
 * Registry lifecycle: immutable tags, retention rules and garbage collection on demand or on a
 * schedule. Rules live in `lifecycle.db` under the data directory (LifecycleStore); the registry
 * enforces immutability through its tag guard (lifecycleTagGuard); retention plans are pure
 * (planRetention) and applied through the registry's delete path (runRetention).
 */
export {
  MAX_KEEP_COUNT,
  MAX_KEEP_DAYS,
  MAX_RULES,
  type ImmutabilityRule,
  type RetentionRule,
  compileTagPattern,
  describeImmutabilityRule,
  describeRetentionRule,
  parseImmutabilityRules,
  parseRetentionRules,
  validateTagPattern,
} from './model.ts';
export { ImmutabilityIndex, pathInProject } from './match.ts';
export { type Artifact, type DeletedArtifact, type PlanInput, type RepositoryArtifacts, type RepositoryPlan, type RetainedArtifact, planRetention } from './planner.ts';
export { type LabelReader, projectRepositories, readRepository } from './artifacts.ts';
export { type ProjectRetention, type RetentionFailure, type RetentionReport, type RetentionRunOptions, runRetention } from './runner.ts';
export { type Schedule, SerialTask, every } from './scheduler.ts';
export { formatDuration, parseDuration } from './duration.ts';
export { LifecycleStore, lifecycleDbPath, openLifecycleStore } from './store.ts';
export { type LifecycleActor, LifecycleService, type LifecycleServiceOptions, type RetentionRequest, SYSTEM_ACTOR, lifecycleTagGuard } from './service.ts';
export { formatGcReport, formatRetentionReport } from './format.ts';
export { type OfflineLifecycle, openOfflineLifecycle } from './open.ts';
