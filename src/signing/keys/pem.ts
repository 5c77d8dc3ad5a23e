/**
 * PEM armour for key files: finding the one block a key file holds, strict base64 (Node's decoder
 * silently skips junk, which would let a damaged file through), and writing blocks in the 64-column
 * layout cosign and OpenSSL use.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { PortcullisError, inputError } from '../../core/index.ts';

/** No key file Portcullis reads comes close: an RSA-8192 private key in cosign's format is about 7 KiB. */
export const MAX_KEY_FILE_BYTES = 64 * 1024;

export interface PemBlock {
  label: string;
  body: Buffer;
}

const BEGIN = /-----BEGIN ([A-Z0-9 ]{1,64})-----/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict standard base64 (padding required, no stray characters), as Go's encoding/base64 reads it. */
export function decodeBase64Strict(text: string, what: string): Buffer {
  if (!BASE64.test(text)) throw inputError(`${what} is not valid base64`);
  return Buffer.from(text, 'base64');
}

/** The first PEM block of `text`; text around it (comments, blank lines) is ignored, as Go's pem.Decode does. */
export function readPemBlock(text: string, source: string): PemBlock {
  if (text.length > MAX_KEY_FILE_BYTES) {
    throw new PortcullisError('LIMIT', `${source}: a key file is at most ${MAX_KEY_FILE_BYTES} bytes; this one is ${text.length}`);
  }
  const begin = BEGIN.exec(text);
  if (!begin) throw inputError(`${source}: no PEM block (-----BEGIN ...-----) found`);
  const label = begin[1]!;
  const endMarker = `-----END ${label}-----`;
  const start = begin.index + begin[0].length;
  const end = text.indexOf(endMarker, start);
  if (end === -1) throw inputError(`${source}: PEM block "${label}" has no ${endMarker} line (truncated file?)`);
  const body = decodeBase64Strict(text.slice(start, end).replace(/[\r\n\t ]/g, ''), `${source}: body of PEM block "${label}"`);
  if (body.length === 0) throw inputError(`${source}: PEM block "${label}" is empty`);
  return { label, body };
}

/** A PEM block with 64-column base64 lines and a final newline. */
export function writePemBlock(label: string, body: Buffer): string {
  const lines = body.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The SPKI `PUBLIC KEY` PEM cosign writes to `cosign.pub`. */
export function publicKeyToPem(publicKey: KeyObject): string {
  return writePemBlock('PUBLIC KEY', publicKey.export({ type: 'spki', format: 'der' }));
}

/** Reads a `PUBLIC KEY` (SPKI) PEM, the only public-key format cosign writes and reads. */
export function publicKeyFromPem(text: string, source: string): KeyObject {
  const block = readPemBlock(text, source);
  if (block.label !== 'PUBLIC KEY') {
    throw inputError(`${source}: expected a "PUBLIC KEY" PEM block, found "${block.label}"`);
  }
  try {
    return createPublicKey({ key: block.body, format: 'der', type: 'spki' });
  } catch (error) {
    throw inputError(`${source}: the PUBLIC KEY block is not a valid SubjectPublicKeyInfo`, error);
  }
}
