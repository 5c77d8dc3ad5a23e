/**
 * Every advisory source Portcullis reads, as an explicit list (no registration by import side
 * effect). `detectSource` asks each in order; the order puts the sources with the most specific
 * signatures first and OSV, the most general, last.
 */
import { stat } from 'node:fs/promises';
import { PortcullisError } from '../../core/index.ts';
import { alpineSecdbSource } from './alpine/source.ts';
import { debianDsaSource } from './debian/dsa-list.ts';
import { debianTrackerSource } from './debian/tracker-json.ts';
import { nodejsSecurityWgSource } from './nodejs/source.ts';
import { osvSource } from './osv/source.ts';
import { rubysecSource } from './rubysec/source.ts';
import type { AdvisorySource } from './types.ts';

export const SOURCES: readonly AdvisorySource[] = [
  debianTrackerSource,
  debianDsaSource,
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

export async function detectSource(path: string): Promise<AdvisorySource> {
  try {
    await stat(path);
  } catch (error) {
    throw new PortcullisError('NOT_FOUND', `${path}: no such file or directory`, { cause: error });
  }
  for (const source of SOURCES) {
    if (await source.detect(path)) return source;
  }
  throw new PortcullisError(
    'UNSUPPORTED',
    `${path}: not a format Portcullis reads (${SOURCES.map((s) => s.name).join(', ')}); name one with --source`,
  );
}
