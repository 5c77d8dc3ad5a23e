/**
 * What verification says about each signature or attestation it found: valid (and by which key), or
 * the one specific reason it was rejected. `verified` is true only when at least one is valid.
 */
export type FailureReason =
  /** Nothing was found at all. */
  | 'no-signature'
  /** It says another key signed it, and no trusted key verifies it. */
  | 'other-key'
  /** It names a trusted key, but that key does not verify it: payload or envelope changed. */
  | 'tampered'
  /** No trusted key verifies it and it does not say which key made it. */
  | 'not-verified'
  /** Signed correctly, for another manifest digest. */
  | 'wrong-digest'
  /** Signed correctly, for another repository. */
  | 'wrong-repository'
  /** The signature, payload, envelope or manifest cannot be read. */
  | 'malformed'
  /** The key given is of a type Portcullis does not verify with. */
  | 'unsupported-key'
  | 'key-expired'
  | 'key-not-yet-valid'
  | 'key-revoked'
  /** Required `-a key=value` annotations are missing or differ. */
  | 'missing-annotation'
  /** An attestation of another predicate type than asked for. */
  | 'wrong-predicate-type';

export interface Check {
  valid: boolean;
  /** Where it was found (tag-scheme layer, referrer). */
  locations: string[];
  reason?: FailureReason;
  message: string;
  /** Name of the key that verified it. */
  keyName?: string;
  /** Simple-signing `optional` annotations, or the statement's predicate type. */
  annotations?: Record<string, string>;
  predicateType?: string;
}

export interface VerificationReport {
  kind: 'signature' | 'attestation';
  repository: string;
  digest: string;
  verified: boolean;
  checks: Check[];
}

export function finishReport(kind: VerificationReport['kind'], repository: string, digest: string, checks: Check[]): VerificationReport {
  const ordered = [...checks.filter((check) => check.valid), ...checks.filter((check) => !check.valid)];
  if (ordered.length === 0) ordered.push({ valid: false, locations: [], reason: 'no-signature', message: `no ${kind} found for ${digest}` });
  return { kind, repository, digest, verified: ordered.some((check) => check.valid), checks: ordered };
}

/** The human report: one line per signature, valid ones first. */
export function formatReport(report: VerificationReport): string {
  const lines = [`${report.kind}s of ${report.repository}@${report.digest}: ${report.verified ? 'VERIFIED' : 'NOT VERIFIED'}`];
  for (const check of report.checks) {
    const where = check.locations.length > 0 ? ` [${check.locations.join('; ')}]` : '';
    lines.push(check.valid ? `  valid    ${check.message}${where}` : `  invalid  ${check.reason}: ${check.message}${where}`);
  }
  return `${lines.join('\n')}\n`;
}
