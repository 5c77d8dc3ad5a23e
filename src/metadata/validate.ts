/**
 * Parse, don't trust: untrusted Grafeas JSON (API bodies) walked field by field against the message
 * tables of schema.ts. Every bad field is reported (up to a limit) with its JSON path, so a client
 * fixes its request in one round. Unknown fields are errors, as protobuf's JSON parser makes them.
 */
import { inputError } from '../core/index.ts';
import { type FieldType, type NoteKind, NOTE_COMMON, NOTE_DETAILS, NOTE_KINDS, OCCURRENCE_COMMON, OCCURRENCE_DETAILS, type Shape } from './schema.ts';
import { parseNoteName } from './names.ts';

/** Longest string field; whole bodies are limited by the API's body limit first. */
export const MAX_STRING_LENGTH = 64 * 1024;
export const MAX_REPEATED = 10_000;
const MAX_JSON_DEPTH = 32;
const MAX_ERRORS = 20;
export const MAX_RESOURCE_URI_LENGTH = 2048;

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
const BASE64 = /^(?:[A-Za-z0-9+/_-]{4})*(?:[A-Za-z0-9+/_-]{2}(?:==)?|[A-Za-z0-9+/_-]{3}=?)?$/;
const ENUM_NAME = /^[A-Z][A-Z0-9_]{0,63}$/;
/** NUL and lone UTF-16 surrogates (what malformed UTF-8 or a cut escape leaves behind). */
const BAD_TEXT = /\u0000|\p{Cs}/u;

class Problems {
  readonly list: string[] = [];
  add(path: string, message: string): void {
    if (this.list.length < MAX_ERRORS) this.list.push(`${path}: ${message}`);
  }
  get full(): boolean {
    return this.list.length >= MAX_ERRORS;
  }
  throwIfAny(what: string): void {
    if (this.list.length > 0) throw inputError(`invalid ${what}: ${this.list.join('; ')}`);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function checkJson(value: unknown, path: string, depth: number, problems: Problems): void {
  if (depth > MAX_JSON_DEPTH) return problems.add(path, `nested deeper than ${MAX_JSON_DEPTH} levels`);
  if (typeof value === 'string') {
    if (value.length > MAX_STRING_LENGTH || BAD_TEXT.test(value)) problems.add(path, 'string too long or not valid text');
  } else if (Array.isArray(value)) {
    if (value.length > MAX_REPEATED) return problems.add(path, `more than ${MAX_REPEATED} entries`);
    value.forEach((item, index) => checkJson(item, `${path}[${index}]`, depth + 1, problems));
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) checkJson(item, `${path}.${key}`, depth + 1, problems);
  }
}

function checkField(value: unknown, type: FieldType, path: string, problems: Problems): void {
  if (problems.full) return;
  if (typeof type === 'string') {
    switch (type) {
      case 'string':
        if (typeof value !== 'string') return problems.add(path, 'must be a string');
        if (value.length > MAX_STRING_LENGTH) return problems.add(path, `longer than ${MAX_STRING_LENGTH} characters`);
        if (BAD_TEXT.test(value)) return problems.add(path, 'contains NUL or malformed Unicode');
        return;
      case 'int':
        if (!Number.isInteger(value) || Math.abs(value as number) > 2 ** 31) problems.add(path, 'must be a 32-bit integer');
        return;
      case 'float':
        if (typeof value !== 'number' || !Number.isFinite(value)) problems.add(path, 'must be a number');
        return;
      case 'bool':
        if (typeof value !== 'boolean') problems.add(path, 'must be true or false');
        return;
      case 'timestamp':
        if (typeof value !== 'string' || !TIMESTAMP.test(value) || Number.isNaN(Date.parse(value))) problems.add(path, 'must be an RFC 3339 timestamp');
        return;
      case 'bytes':
        if (typeof value !== 'string' || value.length > 4 * MAX_STRING_LENGTH || !BASE64.test(value)) problems.add(path, 'must be base64');
        return;
      case 'json':
        if (!isObject(value) && !Array.isArray(value)) return problems.add(path, 'must be a JSON object');
        checkJson(value, path, 0, problems);
        return;
    }
  }
  if ('enum' in type) {
    if (typeof value !== 'string' || !type.enum.includes(value)) problems.add(path, `must be one of ${type.enum.join(', ')}`);
  } else if ('enumPrefix' in type) {
    if (typeof value !== 'string' || !ENUM_NAME.test(value) || !value.startsWith(type.enumPrefix)) problems.add(path, `must be a ${type.enumPrefix}* value`);
  } else if ('message' in type) {
    checkMessage(value, type.message, path, problems);
  } else if ('repeated' in type) {
    if (!Array.isArray(value)) return problems.add(path, 'must be a list');
    if (value.length > MAX_REPEATED) return problems.add(path, `more than ${MAX_REPEATED} entries`);
    value.forEach((item, index) => checkField(item, type.repeated, `${path}[${index}]`, problems));
  } else {
    if (!isObject(value)) return problems.add(path, 'must be an object');
    const entries = Object.entries(value);
    if (entries.length > MAX_REPEATED) return problems.add(path, `more than ${MAX_REPEATED} entries`);
    for (const [key, item] of entries) checkField(item, type.map, `${path}.${key}`, problems);
  }
}

function checkMessage(value: unknown, shape: Shape, path: string, problems: Problems): void {
  if (!isObject(value)) return problems.add(path, 'must be an object');
  for (const [key, item] of Object.entries(value)) {
    const type = shape[key];
    if (type === undefined) problems.add(`${path}.${key.slice(0, 64)}`, 'unknown field');
    else if (item !== null) checkField(item, type, `${path}.${key}`, problems);
  }
}

function parseKind(value: unknown, problems: Problems): NoteKind | undefined {
  const kind = NOTE_KINDS.find((known) => known === value);
  if (kind === undefined) problems.add('kind', `is required: one of ${NOTE_KINDS.join(', ')}`);
  return kind;
}

/** Copies the fields a client may set, dropping nulls (proto JSON's "absent") and output-only fields. */
function settable(body: Record<string, unknown>, outputOnly: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([key, value]) => value !== null && !outputOnly.includes(key)));
}

/** The parts of an occurrence a client sends; the server adds name, createTime and updateTime. */
export type OccurrenceInput = Record<string, unknown> & { resourceUri: string; noteName: string; kind: NoteKind };
export type NoteInput = Record<string, unknown> & { kind: NoteKind };

/** Validates an occurrence body: common fields, kind, and the one details field of that kind. */
export function parseOccurrenceInput(body: unknown): OccurrenceInput {
  const problems = new Problems();
  if (!isObject(body)) throw inputError('invalid occurrence: must be a JSON object');
  const kind = parseKind(body.kind, problems);
  const details = kind === undefined ? undefined : OCCURRENCE_DETAILS[kind];
  for (const [key, value] of Object.entries(body)) {
    if (value === null) continue;
    const common = OCCURRENCE_COMMON[key];
    if (common !== undefined) checkField(value, common, key, problems);
    else if (details !== undefined && key === details.field) checkMessage(value, details.shape, key, problems);
    else problems.add(key.slice(0, 64), kind === undefined ? 'unknown field' : `unknown field for an occurrence of kind ${kind}`);
  }
  if (typeof body.resourceUri !== 'string' || body.resourceUri === '') problems.add('resourceUri', 'is required');
  else if (body.resourceUri.length > MAX_RESOURCE_URI_LENGTH) problems.add('resourceUri', `longer than ${MAX_RESOURCE_URI_LENGTH} characters`);
  if (typeof body.noteName !== 'string') problems.add('noteName', 'is required');
  else {
    try {
      parseNoteName(body.noteName);
    } catch (error) {
      problems.add('noteName', (error as Error).message);
    }
  }
  if (details !== undefined && !isObject(body[details.field])) problems.add(details.field, `is required for kind ${kind}`);
  problems.throwIfAny('occurrence');
  return settable(body, ['name', 'createTime', 'updateTime']) as OccurrenceInput;
}

/** Validates a note body: common fields, kind, and the one type field of that kind. */
export function parseNoteInput(body: unknown): NoteInput {
  const problems = new Problems();
  if (!isObject(body)) throw inputError('invalid note: must be a JSON object');
  const kind = parseKind(body.kind, problems);
  const details = kind === undefined ? undefined : NOTE_DETAILS[kind];
  for (const [key, value] of Object.entries(body)) {
    if (value === null) continue;
    const common = NOTE_COMMON[key];
    if (common !== undefined) checkField(value, common, key, problems);
    else if (details !== undefined && key === details.field) checkMessage(value, details.shape, key, problems);
    else problems.add(key.slice(0, 64), kind === undefined ? 'unknown field' : `unknown field for a note of kind ${kind}`);
  }
  if (Array.isArray(body.relatedNoteNames)) {
    for (const name of body.relatedNoteNames) {
      try {
        parseNoteName(name);
      } catch (error) {
        problems.add('relatedNoteNames', (error as Error).message);
      }
    }
  }
  problems.throwIfAny('note');
  return settable(body, ['name', 'createTime', 'updateTime']) as NoteInput;
}
