/**
 * Triage the policy engine reads: what reviewers said about vulnerabilities of one image, gathered
 * from every place a decision can live, newest statement per vulnerability id winning:
 *
 *   1. VULNERABILITY_ASSESSMENT occurrences on the image (Portcullis extension: a VexAssessment in
 *      `vulnerabilityAssessment`); the author is whoever wrote the latest revision
 *   2. VULNERABILITY occurrences on the image that carry a `vexAssessment`
 *   3. VULNERABILITY_ASSESSMENT notes (VEX documents) of the image's project whose
 *      `product.genericUri` is the image's resourceUri or its repository (`https://HOST/REPO`); the
 *      author is the note's publisher
 *   4. pull-gate exceptions (registry-policy) in force: status not_affected, justification
 *      "exception", author the exception's owner, reason its reason
 *
 * Because these live apart from the scan results, triage survives every rescan.
 */
import { projectOf } from '../auth/index.ts';
import type { FindingAssessment } from '../policy/types.ts';
import type { Occurrence } from './model.ts';
import { parseImageResourceUri } from './names.ts';
import type { VexState } from './schema.ts';
import type { MetadataStore } from './store.ts';

/** An exception as the pull gates hold it (registry-policy's PolicyException, the fields used here). */
export interface ExceptionFact {
  vulnerability: string;
  owner: string;
  reason: string;
  createdAt: number;
}

/** Exceptions in force for an image now. */
export type ExceptionReader = (repository: string, digest: string) => ExceptionFact[];

interface Vex {
  vulnerabilityId?: string;
  cve?: string;
  state?: VexState;
  justification?: { justificationType?: string; details?: string };
  remediations?: Array<{ details?: string }>;
}

const STATUS: Readonly<Record<VexState, FindingAssessment['status'] | undefined>> = {
  STATE_UNSPECIFIED: undefined,
  AFFECTED: 'affected',
  NOT_AFFECTED: 'not_affected',
  FIXED: 'fixed',
  UNDER_INVESTIGATION: 'under_investigation',
};

/** CVE ids are case-insensitive; others are kept as written. */
function normaliseId(id: string): string {
  return /^cve-/i.test(id) ? id.toUpperCase() : id;
}

function fromVex(vex: Vex, author: string | undefined): [string, FindingAssessment] | undefined {
  const id = vex.vulnerabilityId ?? vex.cve;
  const status = vex.state === undefined ? undefined : STATUS[vex.state];
  if (id === undefined || id === '' || status === undefined) return undefined;
  const justification = vex.justification?.justificationType;
  const reason = vex.justification?.details ?? vex.remediations?.find((remediation) => remediation.details !== undefined)?.details;
  return [
    normaliseId(id),
    {
      status,
      ...(justification !== undefined && justification !== 'JUSTIFICATION_TYPE_UNSPECIFIED' && { justification: justification.toLowerCase() }),
      ...(author !== undefined && { author }),
      ...(reason !== undefined && { reason }),
    },
  ];
}

export function assessmentsFor(store: MetadataStore, resourceUri: string, exceptions?: ExceptionReader): Map<string, FindingAssessment> {
  const image = parseImageResourceUri(resourceUri);
  if (image === undefined) return new Map();
  // Only the image's own project speaks for it: a statement written into another project (which
  // its writers may reach) must not silence findings of images they do not own.
  const project = projectOf(image.repository);
  const found: Array<{ at: number; id: string; assessment: FindingAssessment }> = [];
  const add = (at: string | number, entry: [string, FindingAssessment] | undefined) => {
    if (entry !== undefined) found.push({ at: typeof at === 'number' ? at : Date.parse(at), id: entry[0], assessment: entry[1] });
  };
  for (const occurrence of store.occurrences.ofResource(resourceUri, ['VULNERABILITY_ASSESSMENT', 'VULNERABILITY'])) {
    if (!occurrence.name.startsWith(`projects/${project}/`)) continue;
    const vex = (occurrence.kind === 'VULNERABILITY' ? (occurrence.vulnerability as { vexAssessment?: Vex } | undefined)?.vexAssessment : occurrence.vulnerabilityAssessment) as Vex | undefined;
    if (vex !== undefined) add(occurrence.updateTime, fromVex(vex, latestAuthor(store, occurrence)));
  }
  const repositoryUri = `https://${image.host}/${image.repository}`;
  for (const note of store.notes.ofKind(project, 'VULNERABILITY_ASSESSMENT')) {
    const document = note.vulnerabilityAssessment as { product?: { genericUri?: string }; publisher?: { name?: string }; assessment?: Vex } | undefined;
    const product = document?.product?.genericUri;
    if (document?.assessment === undefined || (product !== resourceUri && product !== repositoryUri)) continue;
    add(note.updateTime, fromVex(document.assessment, document.publisher?.name));
  }
  for (const exception of exceptions?.(image.repository, image.digest) ?? []) {
    add(exception.createdAt, [normaliseId(exception.vulnerability), { status: 'not_affected', justification: 'exception', author: exception.owner, reason: exception.reason }]);
  }
  const result = new Map<string, FindingAssessment>();
  for (const entry of found.sort((a, b) => a.at - b.at)) result.set(entry.id, entry.assessment);
  return result;
}

function latestAuthor(store: MetadataStore, occurrence: Occurrence): string | undefined {
  const [, project = '', , id = ''] = occurrence.name.split('/');
  return store.occurrences.latestAuthor(project, id);
}
