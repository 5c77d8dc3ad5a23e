/** The vulnerability matcher: inventory + advisory lookup -> findings (pure). */
export { matchInventory, type MatchOptions, type PackageClass } from './matcher.ts';
export { matchTarget, normalizePackageName, type MatchTarget } from './ecosystem.ts';
export { isAffected } from './ranges.ts';
export { semverComparator } from './semver.ts';
export { bestId } from './aliases.ts';
export { createMemoryLookup } from './memory-lookup.ts';
