/**
 * pnpm 9 lock files no longer flag development packages; the flag is derived from the dependency
 * graph instead: a package is development-only when it is reachable from some importer's
 * `devDependencies` and from no importer's `dependencies` or `optionalDependencies`, following the
 * `snapshots` map's own dependency lists. The walk is iterative and visits each snapshot once.
 */
import { entries, isRecord, text } from '../support/fields.ts';

/** Dependency lists that are installed in production, in importers and snapshots alike. */
const PRODUCTION_FIELDS = ['dependencies', 'optionalDependencies'];

/** Keys of `packages` ("name@version", no peer suffix) that only development dependencies reach. */
export function developmentOnlyPackages(lock: Record<string, unknown>): Set<string> {
  const snapshots = isRecord(lock['snapshots']) ? lock['snapshots'] : {};
  const production = new Set<string>();
  const development = new Set<string>();
  for (const [, importer] of entries(lock['importers'])) {
    if (!isRecord(importer)) continue;
    for (const field of PRODUCTION_FIELDS) reach(snapshotRefs(importer[field]), snapshots, production);
    reach(snapshotRefs(importer['devDependencies']), snapshots, development);
  }
  const productionPackages = new Set([...production].map(withoutPeers));
  return new Set([...development].map(withoutPeers).filter((packageKey) => !productionPackages.has(packageKey)));
}

/** Adds to `visited` every snapshot key reachable from `start` (each snapshot is expanded once). */
function reach(start: string[], snapshots: Record<string, unknown>, visited: Set<string>): void {
  const pending = [...start];
  for (let ref = pending.pop(); ref !== undefined; ref = pending.pop()) {
    if (visited.has(ref)) continue;
    visited.add(ref);
    const snapshot = Object.hasOwn(snapshots, ref) ? snapshots[ref] : undefined;
    if (!isRecord(snapshot)) continue;
    for (const field of PRODUCTION_FIELDS) pending.push(...snapshotRefs(snapshot[field]));
  }
}

/**
 * Snapshot keys named by a dependency map. Importers write `{ specifier, version }`, snapshots the
 * bare version; an alias's version is already a full "name@version" reference, and `link:`
 * versions point at workspace folders, not snapshots.
 */
function snapshotRefs(dependencies: unknown): string[] {
  const refs: string[] = [];
  for (const [name, value] of entries(dependencies)) {
    const version = isRecord(value) ? text(value['version']) : text(value);
    if (version === undefined || version.startsWith('link:')) continue;
    refs.push(withoutPeers(version).indexOf('@', 1) > 0 ? version : `${name}@${version}`);
  }
  return refs;
}

function withoutPeers(ref: string): string {
  const paren = ref.indexOf('(');
  return paren === -1 ? ref : ref.slice(0, paren);
}
