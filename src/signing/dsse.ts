/**
 * DSSE envelopes (secure-systems-lab/dsse v1): the signature covers the pre-authentication encoding
 * PAE(type, body) = "DSSEv1" SP len(type) SP type SP len(body) SP body, never the payload alone,
 * so a payload cannot be replayed under another type. Envelopes from registries are untrusted and
 * validated field by field.
 */
import { inputError } from '../core/index.ts';
import { decodeJsonObject, Issues, joinPath as join, readArray, readObject, readString } from '../oci/index.ts';

export interface DsseSignature {
  /** Key hint; cosign leaves it empty, Portcullis writes the key id. Never trusted, only reported. */
  keyid: string;
  /** Decoded signature bytes. */
  sig: Buffer;
  /** The signature as written, for reports. */
  sigText: string;
}

export interface DsseEnvelope {
  payloadType: string;
  payload: Buffer;
  signatures: DsseSignature[];
}

const MAX_ENVELOPE_BYTES = 16 * 1024 * 1024;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

/** Strict base64 (standard or URL-safe alphabet, as DSSE allows both); undefined when it is not. */
export function decodeBase64(text: string): Buffer | undefined {
  if (BASE64.test(text)) return Buffer.from(text, 'base64');
  if (BASE64URL.test(text)) return Buffer.from(text, 'base64url');
  return undefined;
}

export function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

export function serializeEnvelope(payloadType: string, payload: Buffer, signatures: Array<{ keyid: string; sig: Buffer }>): Buffer {
  return Buffer.from(
    JSON.stringify({
      payloadType,
      payload: payload.toString('base64'),
      signatures: signatures.map((signature) => ({ keyid: signature.keyid, sig: signature.sig.toString('base64') })),
    }),
  );
}

export function parseEnvelope(bytes: Uint8Array): DsseEnvelope {
  const what = 'DSSE envelope';
  const object = decodeJsonObject(bytes, what, MAX_ENVELOPE_BYTES);
  const issues = new Issues();
  const payloadType = readString(object, 'payloadType', '', issues, true);
  const payloadText = readString(object, 'payload', '', issues, true);
  const payload = payloadText === undefined ? undefined : decodeBase64(payloadText);
  if (payloadText !== undefined && payload === undefined) issues.add('payload', 'is not base64');
  const signatures: DsseSignature[] = [];
  (readArray(object, 'signatures', '', issues, true) ?? []).forEach((entry, index) => {
    const path = join('signatures', index);
    const signature = readObject(entry, path, issues);
    if (signature === undefined) return;
    const keyid = readString(signature, 'keyid', path, issues, false) ?? '';
    const sigText = readString(signature, 'sig', path, issues, true);
    const sig = sigText === undefined ? undefined : decodeBase64(sigText);
    if (sigText !== undefined && (sig === undefined || sig.length === 0)) issues.add(join(path, 'sig'), 'is not non-empty base64');
    if (sig !== undefined && sigText !== undefined && sig.length > 0) signatures.push({ keyid, sig, sigText });
  });
  issues.throwIfAny(what);
  if (signatures.length === 0) throw inputError(`invalid ${what}: no signatures`);
  return { payloadType: payloadType ?? '', payload: payload ?? Buffer.alloc(0), signatures };
}
