/**
 * CVSS base scores computed from vector strings (v2.0, v3.0, v3.1, v4.0) through
 * `ae-cvss-calculator`, which implements every version of FIRST's specifications.
 *
 * Vectors come from advisory feeds, so they are untrusted: the library is lenient (it keeps the
 * last of two `AV:` metrics, ignores a trailing '/', scores a vector with missing metrics as 0),
 * so the grammar is checked here first and a vector that is not exactly one well-formed value per
 * metric, with every base metric present, is an INPUT error rather than a wrong number.
 */
import cvssLibrary from 'ae-cvss-calculator';
import { PortcullisError } from '../../core/index.ts';
import type { Severity } from '../model.ts';
import { ParseCache } from '../versions/cache.ts';
import { severityFromScore, severityFromV2Score } from './levels.ts';

const { Cvss2, Cvss3P0, Cvss3P1, Cvss4P0 } = cvssLibrary;

export type CvssVersion = '2.0' | '3.0' | '3.1' | '4.0';

export interface CvssResult {
  version: CvssVersion;
  /** Score of the base metrics alone (CVSS-B for v4.0), whatever threat or environmental metrics the vector adds. */
  baseScore: number;
  /** Level of `baseScore` (v3.x/v4.0 bands; NVD's bands for v2.0). */
  severity: Severity;
}

/** Far longer than any real vector (a v4.0 vector with every metric is about 300 characters). */
const MAX_VECTOR_LENGTH = 512;
const METRIC = /^[A-Za-z]{1,4}:[A-Za-z]{1,8}$/;
const PREFIXED = /^CVSS:(\d+\.\d+)\/(.*)$/s;

interface Computed {
  /** False when a base metric is missing or "not defined" (X): the score would be meaningless. */
  defined: boolean;
  baseScore: number;
}

function compute(version: CvssVersion, vector: string): Computed {
  switch (version) {
    case '2.0': {
      const scorer = new Cvss2(vector);
      return { defined: scorer.isBaseFullyDefined(), baseScore: scorer.calculateScores().base ?? Number.NaN };
    }
    case '3.0': {
      const scorer = new Cvss3P0(vector);
      return { defined: scorer.isBaseFullyDefined(), baseScore: scorer.calculateScores().base ?? Number.NaN };
    }
    case '3.1': {
      const scorer = new Cvss3P1(vector);
      return { defined: scorer.isBaseFullyDefined(), baseScore: scorer.calculateScores().base ?? Number.NaN };
    }
    case '4.0': {
      const scorer = new Cvss4P0(vector);
      return { defined: scorer.isBaseFullyDefined(), baseScore: scorer.calculateScores().baseMetricsOnly ?? Number.NaN };
    }
  }
}

function versionAndBody(vector: string): { version: CvssVersion; body: string } {
  const prefixed = PREFIXED.exec(vector);
  if (prefixed === null) {
    if (vector.startsWith('CVSS:')) throw malformed(vector, 'no metrics after the version prefix');
    // CVSS v2 vectors carry no prefix; NVD sometimes wraps them in parentheses.
    const body = vector.startsWith('(') && vector.endsWith(')') ? vector.slice(1, -1) : vector;
    return { version: '2.0', body };
  }
  const [, version, body] = prefixed;
  if (version !== '3.0' && version !== '3.1' && version !== '4.0') {
    throw malformed(vector, `unsupported CVSS version ${JSON.stringify(version)}`);
  }
  return { version, body: body ?? '' };
}

function malformed(vector: string, why: string): PortcullisError {
  return new PortcullisError('INPUT', `malformed CVSS vector ${JSON.stringify(vector.slice(0, 100))}: ${why}`);
}

function checkMetrics(vector: string, body: string): void {
  const seen = new Set<string>();
  for (const part of body.split('/')) {
    if (!METRIC.test(part)) throw malformed(vector, `bad metric ${JSON.stringify(part.slice(0, 40))}`);
    const key = part.slice(0, part.indexOf(':'));
    if (seen.has(key)) throw malformed(vector, `metric ${key} given twice`);
    seen.add(key);
  }
}

function score(vector: string): CvssResult {
  if (vector.length > MAX_VECTOR_LENGTH) throw malformed(vector, `longer than ${MAX_VECTOR_LENGTH} characters`);
  const { version, body } = versionAndBody(vector.trim());
  checkMetrics(vector, body);
  let computed: Computed;
  try {
    computed = compute(version, version === '2.0' ? body : `CVSS:${version}/${body}`);
  } catch (error) {
    throw new PortcullisError('INPUT', `malformed CVSS vector ${JSON.stringify(vector.slice(0, 100))}: ${(error as Error).message}`, { cause: error });
  }
  if (!computed.defined) throw malformed(vector, 'a base metric is missing or not defined');
  const { baseScore } = computed;
  if (!Number.isFinite(baseScore)) throw malformed(vector, 'no base score');
  return { version, baseScore, severity: version === '2.0' ? severityFromV2Score(baseScore) : severityFromScore(baseScore) };
}

type Outcome = { result: CvssResult } | { error: PortcullisError };

// The same few thousand vectors recur across a scan's findings: each is scored once.
const cache = new ParseCache<Outcome>((vector) => {
  try {
    return { result: score(vector) };
  } catch (error) {
    if (error instanceof PortcullisError) return { error };
    throw error;
  }
});

/** Version, base score and level of a CVSS vector; an INPUT error when the vector is malformed. */
export function cvssScore(vector: string): CvssResult {
  const outcome = cache.get(vector);
  if ('error' in outcome) throw outcome.error;
  return { ...outcome.result };
}
