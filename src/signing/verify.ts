/**
 * Verification of found candidates against trusted keys, pure (no IO): a simple-signing payload is
 * valid when a trusted, current key signed exactly its bytes, it names this manifest digest, this
 * repository (unless any reference is allowed) and carries every required annotation; a DSSE
 * attestation when a trusted key signed the PAE of its payload, the in-toto statement has a subject
 * with this digest (and this repository's name) and, when asked, the wanted predicate type.
 */
import { isPortcullisError, parseReference } from '../core/index.ts';
import type { Candidate } from './collect.ts';
import { decodeBase64, pae, parseEnvelope } from './dsse.ts';
import { parseStatement } from './in-toto.ts';
import { matchKey } from './key-match.ts';
import { KEY_ID_ANNOTATION, SIGNATURE_ANNOTATION } from './media-types.ts';
import { finishReport, type Check, type VerificationReport } from './report.ts';
import { parseSimpleSigningPayload } from './simple-signing.ts';
import type { TrustedKey } from './trust.ts';

export interface VerifyOptions {
  /** The manifest digest the signature must cover. */
  digest: string;
  /** "registry/path" the payload must name, as `critical.identity.docker-reference` or subject name. */
  repository: string;
  keys: TrustedKey[];
  allowAnyReference?: boolean;
  /** `-a key=value`: each must be in the payload's `optional` section. */
  requiredAnnotations?: Record<string, string>;
  /** Attestations only: the predicate type wanted. */
  predicateType?: string;
  /** Time the keys' trust windows are checked at; default now. */
  now?: Date;
}

export function verifySignatureCandidates(candidates: Candidate[], options: VerifyOptions): VerificationReport {
  return finishReport('signature', options.repository, options.digest, candidates.map((candidate) => checkSignature(candidate, options)));
}

export function verifyAttestationCandidates(candidates: Candidate[], options: VerifyOptions): VerificationReport {
  return finishReport('attestation', options.repository, options.digest, candidates.map((candidate) => checkAttestation(candidate, options)));
}

function failure(candidate: Candidate, reason: Check['reason'], message: string): Check {
  return { valid: false, locations: candidate.locations, ...(reason !== undefined && { reason }), message };
}

function checkSignature(candidate: Candidate, options: VerifyOptions): Check {
  if (candidate.problem !== undefined) return failure(candidate, 'malformed', candidate.problem);
  const text = candidate.annotations[SIGNATURE_ANNOTATION];
  const signature = text === undefined ? undefined : decodeBase64(text);
  if (signature === undefined || signature.length === 0) return failure(candidate, 'malformed', `the ${SIGNATURE_ANNOTATION} annotation is missing or not base64`);
  const hint = candidate.annotations[KEY_ID_ANNOTATION];
  const match = matchKey(candidate.bytes, [{ signature, ...(hint !== undefined && { hint }) }], options.keys, options.now ?? new Date());
  if ('reason' in match) return failure(candidate, match.reason, match.message);

  let payload;
  try {
    payload = parseSimpleSigningPayload(candidate.bytes);
  } catch (error) {
    if (!isPortcullisError(error)) throw error;
    return failure(candidate, 'malformed', `signed by ${match.key.name}, but the payload is malformed: ${error.message}`);
  }
  if (payload.manifestDigest !== options.digest) return failure(candidate, 'wrong-digest', `signed by ${match.key.name} for another manifest: ${payload.manifestDigest}`);
  if (options.allowAnyReference !== true && !sameRepository(payload.dockerReference, options.repository)) {
    return failure(candidate, 'wrong-repository', `signed by ${match.key.name} for another repository: ${JSON.stringify(payload.dockerReference.slice(0, 200))}`);
  }
  for (const [key, value] of Object.entries(options.requiredAnnotations ?? {})) {
    if (payload.optional[key] !== value) {
      return failure(candidate, 'missing-annotation', `signed by ${match.key.name}, but annotation ${key}=${value} is ${key in payload.optional ? `${key}=${payload.optional[key]}` : 'absent'}`);
    }
  }
  return { valid: true, locations: candidate.locations, message: `signed by ${match.key.name} (${match.key.keyId})`, keyName: match.key.name, annotations: payload.optional };
}

function checkAttestation(candidate: Candidate, options: VerifyOptions): Check {
  if (candidate.problem !== undefined) return failure(candidate, 'malformed', candidate.problem);
  let envelope;
  try {
    envelope = parseEnvelope(candidate.bytes);
  } catch (error) {
    if (!isPortcullisError(error)) throw error;
    return failure(candidate, 'malformed', error.message);
  }
  const layerHint = candidate.annotations[KEY_ID_ANNOTATION];
  const signatures = envelope.signatures.map((entry) => ({ signature: entry.sig, hint: entry.keyid !== '' ? entry.keyid : (layerHint ?? '') }));
  const match = matchKey(pae(envelope.payloadType, envelope.payload), signatures, options.keys, options.now ?? new Date());
  if ('reason' in match) return failure(candidate, match.reason, match.message);

  let statement;
  try {
    statement = parseStatement(envelope.payload);
  } catch (error) {
    if (!isPortcullisError(error)) throw error;
    return failure(candidate, 'malformed', `signed by ${match.key.name}, but the statement is malformed: ${error.message}`);
  }
  if (options.predicateType !== undefined && statement.predicateType !== options.predicateType) {
    return failure(candidate, 'wrong-predicate-type', `signed by ${match.key.name}, predicate type ${statement.predicateType}, not ${options.predicateType}`);
  }
  const [algorithm, hex] = options.digest.split(':');
  const subjects = statement.subjects.filter((subject) => algorithm !== undefined && subject.digest[algorithm] === hex);
  if (subjects.length === 0) {
    const named = statement.subjects.map((subject) => Object.entries(subject.digest).map(([alg, value]) => `${alg}:${value}`).join(',') || '(no digest)');
    return failure(candidate, 'wrong-digest', `signed by ${match.key.name} for other subjects: ${named.join('; ').slice(0, 300) || '(none)'}`);
  }
  if (options.allowAnyReference !== true && !subjects.some((subject) => sameRepository(subject.name, options.repository))) {
    return failure(candidate, 'wrong-repository', `signed by ${match.key.name} for subject ${JSON.stringify(subjects[0]?.name.slice(0, 200))}, not ${options.repository}`);
  }
  return {
    valid: true,
    locations: candidate.locations,
    message: `signed by ${match.key.name} (${match.key.keyId}), predicate ${statement.predicateType}`,
    keyName: match.key.name,
    predicateType: statement.predicateType,
  };
}

/** Same registry and repository once both are normalised ("index.docker.io/library/x" = "docker.io/library/x"); tags are ignored. */
export function sameRepository(named: string, repository: string): boolean {
  try {
    const a = parseReference(named);
    const b = parseReference(repository);
    return a.domain === b.domain && a.repository === b.repository;
  } catch {
    return false;
  }
}
