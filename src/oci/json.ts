/**
 * Decoding of untrusted JSON documents (manifests, indexes, configs, archive metadata): size limit
 * first, then strict UTF-8, then JSON syntax. Each failure is a PortcullisError naming the document.
 */
import { PortcullisError, inputError } from '../core/index.ts';
import { type JsonObject, describeValue, isJsonObject } from './validate.ts';

/** Largest manifest, index or config accepted when the caller gives no limit (matches ReadLimits). */
export const DEFAULT_MAX_DOCUMENT_BYTES = 4 * 1024 ** 2;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeJsonDocument(bytes: Uint8Array, what: string, maxBytes = DEFAULT_MAX_DOCUMENT_BYTES): unknown {
  if (bytes.byteLength > maxBytes) {
    throw new PortcullisError('LIMIT', `${what} is ${bytes.byteLength} bytes, over the limit of ${maxBytes} bytes`);
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (error) {
    throw inputError(`${what} is not valid UTF-8`, error);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw inputError(`${what} is not valid JSON: ${(error as Error).message}`, error);
  }
}

/** A document that must be a JSON object (every manifest, index and config is). */
export function decodeJsonObject(bytes: Uint8Array, what: string, maxBytes = DEFAULT_MAX_DOCUMENT_BYTES): JsonObject {
  const document = decodeJsonDocument(bytes, what, maxBytes);
  if (!isJsonObject(document)) throw inputError(`invalid ${what}: (document): must be an object, got ${describeValue(document)}`);
  return document;
}
