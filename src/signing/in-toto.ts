/**
 * in-toto Statements (v1; v0.1 read too, as cosign and older tools still write it): which artifacts
 * (`subject`: name + digests) a predicate speaks about, and what kind of predicate it is. The short
 * `--type` names map to predicate types exactly as cosign maps them, so attestations made by either
 * tool are found by the other's `--type`.
 */
import { inputError } from '../core/index.ts';
import { decodeJsonObject, Issues, isJsonObject, joinPath as join, readArray, readObject, readString } from '../oci/index.ts';

export const STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
export const STATEMENT_V01 = 'https://in-toto.io/Statement/v0.1';

/** cosign's `--type` short names. */
export const PREDICATE_TYPES: Readonly<Record<string, string>> = {
  slsaprovenance: 'https://slsa.dev/provenance/v0.2',
  slsaprovenance02: 'https://slsa.dev/provenance/v0.2',
  slsaprovenance1: 'https://slsa.dev/provenance/v1',
  link: 'https://in-toto.io/Link/v1',
  spdx: 'https://spdx.dev/Document',
  spdxjson: 'https://spdx.dev/Document',
  cyclonedx: 'https://cyclonedx.org/bom',
  vuln: 'https://cosign.sigstore.dev/attestation/vuln/v1',
  openvex: 'https://openvex.dev/ns',
  custom: 'https://cosign.sigstore.dev/attestation/v1',
};

/** A short name or an absolute URI; anything else is a usage mistake. */
export function predicateTypeFor(type: string): string {
  const known = Object.hasOwn(PREDICATE_TYPES, type) ? PREDICATE_TYPES[type] : undefined;
  if (known !== undefined) return known;
  if (/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(type)) return type;
  throw inputError(`unknown predicate type ${JSON.stringify(type.slice(0, 100))}: use ${Object.keys(PREDICATE_TYPES).join(', ')} or a URI`);
}

export interface Subject {
  name: string;
  digest: Record<string, string>;
}

export interface Statement {
  type: string;
  subjects: Subject[];
  predicateType: string;
  predicate: unknown;
}

export function buildStatement(subject: { name: string; digest: string }, predicateType: string, predicate: unknown): Buffer {
  const [algorithm, hex] = subject.digest.split(':');
  return Buffer.from(
    JSON.stringify({
      _type: STATEMENT_V1,
      subject: [{ name: subject.name, digest: { [algorithm ?? 'sha256']: hex } }],
      predicateType,
      predicate,
    }),
  );
}

export function parseStatement(bytes: Uint8Array): Statement {
  const what = 'in-toto statement';
  const object = decodeJsonObject(bytes, what);
  const issues = new Issues();
  const type = readString(object, '_type', '', issues, true);
  if (type !== undefined && type !== STATEMENT_V1 && type !== STATEMENT_V01) issues.add('_type', `unknown statement type ${JSON.stringify(type.slice(0, 100))}`);
  const predicateType = readString(object, 'predicateType', '', issues, true);
  const subjects: Subject[] = [];
  (readArray(object, 'subject', '', issues, true) ?? []).forEach((entry, index) => {
    const path = join('subject', index);
    const subject = readObject(entry, path, issues);
    if (subject === undefined) return;
    const name = readString(subject, 'name', path, issues, false) ?? '';
    const digest = readObject(subject.digest, join(path, 'digest'), issues);
    const digests: Record<string, string> = {};
    for (const [algorithm, value] of Object.entries(digest ?? {})) {
      if (typeof value === 'string') digests[algorithm] = value.toLowerCase();
      else issues.add(join(join(path, 'digest'), algorithm), 'must be a string');
    }
    subjects.push({ name, digest: digests });
  });
  issues.throwIfAny(what);
  return { type: type ?? '', subjects, predicateType: predicateType ?? '', predicate: isJsonObject(object) ? object.predicate : undefined };
}
