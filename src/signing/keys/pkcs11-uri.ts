/**
 * PKCS#11 URIs (RFC 7512), the way a key in a token is named:
 *
 *   pkcs11:token=portcullis-test;object=signing-key;type=private?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-value=1234
 *
 * Path attributes (`;`-separated) select the token and object; query attributes (`&`-separated)
 * say which module to load and where the PIN comes from. Values are percent-encoded; `id` is raw
 * bytes, the others UTF-8. Parsing is strict: an attribute given twice, an unknown attribute or a
 * character outside the RFC's sets is an error, because silently dropping a filter could select a
 * different key. Vendor attributes (`x-...`) are accepted and ignored, as the RFC allows.
 */
import { PortcullisError } from '../../core/index.ts';

export const PKCS11_OBJECT_TYPES = ['public', 'private', 'cert', 'secret-key', 'data'] as const;
export type Pkcs11ObjectType = (typeof PKCS11_OBJECT_TYPES)[number];

export interface Pkcs11Uri {
  token?: string;
  manufacturer?: string;
  serial?: string;
  model?: string;
  libraryManufacturer?: string;
  libraryDescription?: string;
  libraryVersion?: string;
  object?: string;
  type?: Pkcs11ObjectType;
  id?: Buffer;
  slotDescription?: string;
  slotManufacturer?: string;
  slotId?: number;
  pinSource?: string;
  pinValue?: string;
  moduleName?: string;
  modulePath?: string;
}

type TextAttribute = Exclude<keyof Pkcs11Uri, 'type' | 'id' | 'slotId'>;

const PATH_ATTRIBUTES: Record<string, keyof Pkcs11Uri> = {
  token: 'token',
  manufacturer: 'manufacturer',
  serial: 'serial',
  model: 'model',
  'library-manufacturer': 'libraryManufacturer',
  'library-description': 'libraryDescription',
  'library-version': 'libraryVersion',
  object: 'object',
  type: 'type',
  id: 'id',
  'slot-description': 'slotDescription',
  'slot-manufacturer': 'slotManufacturer',
  'slot-id': 'slotId',
};
const QUERY_ATTRIBUTES: Record<string, TextAttribute> = {
  'module-name': 'moduleName',
  'module-path': 'modulePath',
  'pin-source': 'pinSource',
  'pin-value': 'pinValue',
};

/** RFC 7512 pk11-pchar and pk11-qchar (unreserved, the allowed sub-delimiters, and %XX). */
const PATH_VALUE = /^(?:[A-Za-z0-9\-._~:[\]@!$'()*+,=&]|%[0-9A-Fa-f]{2})*$/;
const QUERY_VALUE = /^(?:[A-Za-z0-9\-._~:[\]@!$'()*+,=/?|]|%[0-9A-Fa-f]{2})*$/;
const ATTRIBUTE_NAME = /^[a-z][a-z0-9-]*$/;
const MAX_URI_LENGTH = 4096;

function syntaxError(message: string): PortcullisError {
  return new PortcullisError('USAGE', `bad pkcs11 URI: ${message} (see RFC 7512; e.g. pkcs11:token=T;object=K?module-path=/path/to/module.so)`);
}

/** Cheap check used to route a key reference to the PKCS#11 provider. */
export function isPkcs11Uri(ref: string): boolean {
  return /^pkcs11:/i.test(ref);
}

function percentDecode(value: string, name: string): Buffer {
  const bytes: number[] = [];
  for (let index = 0; index < value.length; index++) {
    if (value[index] === '%') {
      bytes.push(Number.parseInt(value.slice(index + 1, index + 3), 16));
      index += 2;
    } else {
      bytes.push(value.charCodeAt(index));
    }
  }
  if (bytes.some(Number.isNaN)) throw syntaxError(`bad percent-encoding in ${name}`);
  return Buffer.from(bytes);
}

function decodeText(raw: Buffer, name: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw syntaxError(`${name} is not UTF-8 once percent-decoded`);
  }
}

function splitAttribute(part: string, where: string): [string, string] {
  const equals = part.indexOf('=');
  if (equals <= 0) throw syntaxError(`${where} attribute ${JSON.stringify(part)} is not name=value`);
  const name = part.slice(0, equals).toLowerCase();
  if (!ATTRIBUTE_NAME.test(name)) throw syntaxError(`bad attribute name ${JSON.stringify(part.slice(0, equals))}`);
  return [name, part.slice(equals + 1)];
}

function setPathAttribute(uri: Pkcs11Uri, name: string, raw: Buffer): void {
  const field = PATH_ATTRIBUTES[name]!;
  if (field === 'id') {
    if (raw.length === 0) throw syntaxError('id is empty');
    uri.id = raw;
  } else if (field === 'type') {
    const text = decodeText(raw, name);
    if (!(PKCS11_OBJECT_TYPES as readonly string[]).includes(text)) throw syntaxError(`type must be one of ${PKCS11_OBJECT_TYPES.join(', ')}: got ${JSON.stringify(text)}`);
    uri.type = text as Pkcs11ObjectType;
  } else if (field === 'slotId') {
    const text = decodeText(raw, name);
    if (!/^\d{1,10}$/.test(text) || Number(text) > 0xffffffff) throw syntaxError(`slot-id must be a decimal number: got ${JSON.stringify(text)}`);
    uri.slotId = Number(text);
  } else {
    const text = decodeText(raw, name);
    if (field === 'libraryVersion' && !/^\d+(\.\d+)?$/.test(text)) throw syntaxError(`library-version must be M or M.m: got ${JSON.stringify(text)}`);
    uri[field as TextAttribute] = text;
  }
}

export function parsePkcs11Uri(text: string): Pkcs11Uri {
  if (text.length > MAX_URI_LENGTH) throw syntaxError(`longer than ${MAX_URI_LENGTH} characters`);
  if (!isPkcs11Uri(text)) throw syntaxError('it must start with "pkcs11:"');
  const rest = text.slice('pkcs11:'.length);
  const question = rest.indexOf('?');
  const path = question === -1 ? rest : rest.slice(0, question);
  const query = question === -1 ? '' : rest.slice(question + 1);
  const uri: Pkcs11Uri = {};
  const seen = new Set<string>();
  for (const part of path === '' ? [] : path.split(';')) {
    const [name, value] = splitAttribute(part, 'path');
    if (seen.has(name)) throw syntaxError(`${name} is given twice`);
    seen.add(name);
    if (!PATH_VALUE.test(value)) throw syntaxError(`${name} holds characters that must be percent-encoded`);
    if (name.startsWith('x-')) continue;
    if (!Object.hasOwn(PATH_ATTRIBUTES, name)) throw syntaxError(`unknown path attribute ${JSON.stringify(name)}`);
    setPathAttribute(uri, name, percentDecode(value, name));
  }
  for (const part of query === '' ? [] : query.split('&')) {
    const [name, value] = splitAttribute(part, 'query');
    if (seen.has(name)) throw syntaxError(`${name} is given twice`);
    seen.add(name);
    if (!QUERY_VALUE.test(value)) throw syntaxError(`${name} holds characters that must be percent-encoded`);
    if (name.startsWith('x-')) continue;
    const field = Object.hasOwn(QUERY_ATTRIBUTES, name) ? QUERY_ATTRIBUTES[name] : undefined;
    if (!field) throw syntaxError(`unknown query attribute ${JSON.stringify(name)}`);
    uri[field] = decodeText(percentDecode(value, name), name);
  }
  if (uri.pinValue !== undefined && uri.pinSource !== undefined) throw syntaxError('give pin-value or pin-source, not both');
  return uri;
}

function percentEncode(value: string | Buffer, allowed: RegExp): string {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  let out = '';
  for (const byte of bytes) {
    const char = String.fromCharCode(byte);
    out += byte < 0x80 && allowed.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const SAFE_PATH_CHAR = /^[A-Za-z0-9\-._~:[\]@!$'()*+,&]$/;
const NO_CHAR = /(?!)/;
const SAFE_QUERY_CHAR = /^[A-Za-z0-9\-._~:[\]@!$'()*+,/?|]$/;

/**
 * The URI in canonical form. The PIN (pin-value) is left out unless asked for, so a URI can be
 * printed or logged safely.
 */
export function formatPkcs11Uri(uri: Pkcs11Uri, options: { withPin?: boolean } = {}): string {
  const path: string[] = [];
  for (const [name, field] of Object.entries(PATH_ATTRIBUTES)) {
    const value = uri[field];
    if (value === undefined) continue;
    // id is binary: RFC 7512 recommends percent-encoding every byte of it.
    const encoded = typeof value === 'number' ? String(value) : percentEncode(value, field === 'id' ? NO_CHAR : SAFE_PATH_CHAR);
    path.push(`${name}=${encoded}`);
  }
  const query: string[] = [];
  for (const [name, field] of Object.entries(QUERY_ATTRIBUTES)) {
    const value = uri[field];
    if (value === undefined || (field === 'pinValue' && !options.withPin)) continue;
    query.push(`${name}=${percentEncode(value, SAFE_QUERY_CHAR)}`);
  }
  return `pkcs11:${path.join(';')}${query.length > 0 ? `?${query.join('&')}` : ''}`;
}
