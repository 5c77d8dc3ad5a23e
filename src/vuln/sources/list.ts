/**
 * Every advisory source Portcullis reads, as an explicit list (no registration by import side
 * effect). `detectSource` asks each in order; the order puts the sources with the most specific
 * signatures first and OSV, the most general, last.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PortcullisError } from '../../core/index.ts';
import { alpineSecdbSource } from './alpine/source.ts';
import { debianCveListSource } from './debian/cve-json.ts';
import { debianDsaSource } from './debian/dsa-list.ts';
import { debianTrackerSource } from './debian/tracker-json.ts';
import { nodejsSecurityWgSource } from './nodejs/source.ts';
import { osvSource } from './osv/source.ts';
import { rubysecSource } from './rubysec/source.ts';
import type { AdvisorySource } from './types.ts';

export const SOURCES: readonly AdvisorySource[] = [
  debianTrackerSource,
  debianDsaSource,
  debianCveListSource,
  nodejsSecurityWgSource,
  rubysecSource,
  alpineSecdbSource,
  osvSource,
];

export function sourceNamed(name: string): AdvisorySource {
  const source = SOURCES.find((candidate) => candidate.name === name);
  if (!source) {
    throw new PortcullisError('USAGE', `unknown advisory source ${JSON.stringify(name)}; known: ${SOURCES.map((s) => s.name).join(', ')}`);
  }
  return source;
}

/**
 * Directories `planImport` detects one by one before trusting the detection of the directory
 * above: enough for a checkout of every feed side by side, bounded for huge homogeneous trees.
 */
const PLAN_DIRECTORY_BUDGET = 10_000;

export interface PlannedImport {
  path: string;
  source: AdvisorySource;
}

async function detectQuietly(path: string): Promise<AdvisorySource | undefined> {
  for (const source of SOURCES) {
    if (await source.detect(path)) return source;
  }
  return undefined;
}

function unsupported(path: string): PortcullisError {
  return new PortcullisError(
    'UNSUPPORTED',
    `${path}: not a format Portcullis reads (${SOURCES.map((s) => s.name).join(', ')}); name one with --source`,
  );
}

async function statOrNotFound(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    throw new PortcullisError('NOT_FOUND', `${path}: no such file or directory`, { cause: error });
  }
}

export async function detectSource(path: string): Promise<AdvisorySource> {
  await statOrNotFound(path);
  const source = await detectQuietly(path);
  if (!source) throw unsupported(path);
  return source;
}

/**
 * What to read under `path`, and with which source. A file, or a directory whose every part is
 * of one format, is one entry; a directory mixing formats (several advisory repositories side by
 * side) is split into its parts, each detected on its own. Parts no source recognises are left out.
 */
export async function planImport(path: string): Promise<PlannedImport[]> {
  if (!(await statOrNotFound(path)).isDirectory()) return [{ path, source: await detectSource(path) }];
  const plans = await planDirectory(path, { left: PLAN_DIRECTORY_BUDGET });
  if (plans.length === 0) throw unsupported(path);
  return plans;
}

async function planDirectory(path: string, budget: { left: number }): Promise<PlannedImport[]> {
  budget.left--;
  const own = await detectQuietly(path);
  if (budget.left <= 0) return own ? [{ path, source: own }] : [];
  const entries = (await readdir(path, { withFileTypes: true }))
    .filter((entry) => !entry.name.startsWith('.') && (entry.isDirectory() || entry.isFile()))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const plans: PlannedImport[] = [];
  for (const entry of entries) {
    if (entry.isDirectory()) plans.push(...(await planDirectory(join(path, entry.name), budget)));
  }
  // One format throughout: read the directory as a whole.
  if (own && plans.every((plan) => plan.source === own)) return [{ path, source: own }];
  for (const entry of entries) {
    const file = join(path, entry.name);
    const source = entry.isFile() ? await detectQuietly(file) : undefined;
    if (source) plans.push({ path: file, source });
  }
  return plans;
}
