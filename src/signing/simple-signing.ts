/**
 * cosign's simple-signing payload (containers/image "atomic container signature" shape): the message
 * a `.sig` signature covers. `critical` binds the signature to one repository and one manifest
 * digest; `optional` carries the `-a key=value` annotations. Payloads read from a registry are
 * untrusted and validated field by field; unknown fields are kept out of the result, not refused,
 * because other signers add their own.
 */
import { inputError, parseDigest } from '../core/index.ts';
import { decodeJsonObject, Issues, isJsonObject, readObject, readString } from '../oci/index.ts';

export const SIMPLE_SIGNING_TYPE = 'cosign container image signature';
const MAX_PAYLOAD_BYTES = 256 * 1024;

export interface SimpleSigningPayload {
  /** `critical.identity.docker-reference`: the repository signed for ("registry/path", no tag). */
  dockerReference: string;
  /** `critical.image.docker-manifest-digest` */
  manifestDigest: string;
  /** `optional`, when it is an object; values other than strings are kept as JSON text. */
  optional: Record<string, string>;
}

/** The payload bytes to sign, in cosign's field order. */
export function buildSimpleSigningPayload(dockerReference: string, manifestDigest: string, annotations: Record<string, string> = {}): Buffer {
  const optional = Object.keys(annotations).length === 0 ? null : annotations;
  const payload = {
    critical: {
      identity: { 'docker-reference': dockerReference },
      image: { 'docker-manifest-digest': parseDigest(manifestDigest, 'manifest digest') },
      type: SIMPLE_SIGNING_TYPE,
    },
    optional,
  };
  return Buffer.from(JSON.stringify(payload));
}

export function parseSimpleSigningPayload(bytes: Uint8Array): SimpleSigningPayload {
  const what = 'simple-signing payload';
  const object = decodeJsonObject(bytes, what, MAX_PAYLOAD_BYTES);
  const issues = new Issues();
  const critical = readObject(object.critical, 'critical', issues);
  const identity = critical === undefined ? undefined : readObject(critical.identity, 'critical.identity', issues);
  const image = critical === undefined ? undefined : readObject(critical.image, 'critical.image', issues);
  const type = critical === undefined ? undefined : readString(critical, 'type', 'critical', issues, true);
  const reference = identity === undefined ? undefined : readString(identity, 'docker-reference', 'critical.identity', issues, true);
  const digest = image === undefined ? undefined : readString(image, 'docker-manifest-digest', 'critical.image', issues, true);
  if (type !== undefined && type !== SIMPLE_SIGNING_TYPE) issues.add('critical.type', `must be ${JSON.stringify(SIMPLE_SIGNING_TYPE)}`);
  issues.throwIfAny(what);
  const manifestDigest = parseDigest(digest, `${what} critical.image.docker-manifest-digest`);
  if (object.optional !== undefined && object.optional !== null && !isJsonObject(object.optional)) throw inputError(`invalid ${what}: optional must be an object or null`);
  const optional: Record<string, string> = {};
  for (const [key, value] of Object.entries((object.optional ?? {}) as Record<string, unknown>)) {
    optional[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return { dockerReference: reference ?? '', manifestDigest, optional };
}
