/**
 * PATCH semantics of Grafeas updates (google.protobuf.FieldMask as the `updateMask` query
 * parameter): with a mask, exactly the named fields are copied from the patch (a named field the
 * patch lacks is cleared); without one, every field the patch carries replaces the stored one.
 * Paths may be snake_case or lowerCamelCase and may be dotted (`vulnerability.severity`).
 */
import { inputError } from '../core/index.ts';

const MAX_MASK_LENGTH = 1024;
const MAX_PATHS = 50;
const PATH = /^[A-Za-z_][A-Za-z0-9_]{0,63}(?:\.[A-Za-z_][A-Za-z0-9_]{0,63}){0,7}$/;
const OUTPUT_ONLY = new Set(['name', 'createTime', 'updateTime']);

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function camel(segment: string): string {
  return segment.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

function parseMask(mask: string): string[][] {
  if (mask.length > MAX_MASK_LENGTH) throw inputError(`updateMask is longer than ${MAX_MASK_LENGTH} characters`);
  const paths = mask.split(',').map((path) => path.trim()).filter((path) => path !== '');
  if (paths.length > MAX_PATHS) throw inputError(`updateMask names more than ${MAX_PATHS} fields`);
  return paths.map((path) => {
    if (!PATH.test(path)) throw inputError(`updateMask: invalid field path ${JSON.stringify(path.slice(0, 64))}`);
    const segments = path.split('.').map(camel);
    if (segments.length === 1 && OUTPUT_ONLY.has(segments[0] ?? '')) throw inputError(`updateMask: ${path} is set by the server`);
    return segments;
  });
}

function copyPath(target: Json, source: Json, segments: readonly string[]): void {
  const [head, ...rest] = segments;
  if (head === undefined || head === '__proto__') return;
  const from = source[head];
  if (rest.length === 0) {
    if (from === undefined || from === null) delete target[head];
    else target[head] = structuredClone(from);
    return;
  }
  const child = isObject(target[head]) ? { ...(target[head] as Json) } : {};
  copyPath(child, isObject(from) ? from : {}, rest);
  target[head] = child;
}

/** The stored resource with the patch applied; the result still has to be validated. */
export function applyUpdateMask(current: Json, patch: unknown, mask: string | undefined): Json {
  if (!isObject(patch)) throw inputError('the update must be a JSON object');
  const merged: Json = structuredClone(current);
  if (mask === undefined || mask.trim() === '') {
    for (const [key, value] of Object.entries(patch)) {
      if (OUTPUT_ONLY.has(key)) continue;
      if (value === null) delete merged[key];
      else merged[key] = value;
    }
    return merged;
  }
  for (const segments of parseMask(mask)) copyPath(merged, patch, segments);
  return merged;
}
