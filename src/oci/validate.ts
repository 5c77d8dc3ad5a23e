/**
 * Field-by-field validation of untrusted JSON. Readers record every problem they find in an
 * `Issues` list instead of throwing at the first one, so a bad document is reported whole in one
 * INPUT error ("parse, don't trust").
 */
import { inputError, isDigest } from '../core/index.ts';

/** At most this many problems are spelled out; a hostile document could hold millions. */
const MAX_REPORTED_ISSUES = 20;

// RFC 6838 type/subtype syntax; the OCI spec requires it of every descriptor's mediaType.
const MEDIA_TYPE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;

export type JsonObject = Record<string, unknown>;

export class Issues {
  readonly #problems: string[] = [];

  add(path: string, problem: string): void {
    this.#problems.push(`${path}: ${problem}`);
  }

  get count(): number {
    return this.#problems.length;
  }

  /** Throws one INPUT error listing every recorded problem; does nothing when there are none. */
  throwIfAny(what: string): void {
    if (this.#problems.length === 0) return;
    const shown = this.#problems.slice(0, MAX_REPORTED_ISSUES);
    const more = this.#problems.length - shown.length;
    const tail = more > 0 ? `; and ${more} more` : '';
    throw inputError(`invalid ${what}: ${shown.join('; ')}${tail}`);
  }
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

export function readObject(value: unknown, path: string, issues: Issues): JsonObject | undefined {
  if (isJsonObject(value)) return value;
  issues.add(path || '(document)', `must be an object, got ${describeValue(value)}`);
  return undefined;
}

export function readString(object: JsonObject, key: string, path: string, issues: Issues, required: boolean): string | undefined {
  const value = object[key];
  if (value === undefined && !required) return undefined;
  if (typeof value === 'string') return value;
  issues.add(join(path, key), `must be a string, got ${describeValue(value)}`);
  return undefined;
}

export function readBoolean(object: JsonObject, key: string, path: string, issues: Issues): boolean | undefined {
  const value = object[key];
  if (value === undefined || typeof value === 'boolean') return value;
  issues.add(join(path, key), `must be a boolean, got ${describeValue(value)}`);
  return undefined;
}

/** A byte count or similar: a non-negative integer that a double represents exactly. */
export function readSize(object: JsonObject, key: string, path: string, issues: Issues): number | undefined {
  const value = object[key];
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  issues.add(join(path, key), `must be a non-negative integer, got ${describeValue(value)}`);
  return undefined;
}

export function readDigest(object: JsonObject, key: string, path: string, issues: Issues): string | undefined {
  return checkDigest(object[key], join(path, key), issues);
}

/** A digest that is a value on its own (an array item). */
export function checkDigest(value: unknown, path: string, issues: Issues): string | undefined {
  if (typeof value === 'string' && isDigest(value)) return value;
  issues.add(path, `must be a sha256 or sha512 digest, got ${describeValue(value)}`);
  return undefined;
}

export function readMediaType(object: JsonObject, key: string, path: string, issues: Issues, required: boolean): string | undefined {
  const value = readString(object, key, path, issues, required);
  if (value === undefined || MEDIA_TYPE_PATTERN.test(value)) return value;
  issues.add(join(path, key), `is not a media type: ${describeValue(value)}`);
  return undefined;
}

export function readStringArray(object: JsonObject, key: string, path: string, issues: Issues, nullable = false): string[] | undefined {
  const value = object[key];
  if (value === undefined || (nullable && value === null)) return undefined;
  if (!Array.isArray(value)) {
    issues.add(join(path, key), `must be an array of strings, got ${describeValue(value)}`);
    return undefined;
  }
  value.forEach((item, index) => {
    if (typeof item !== 'string') issues.add(join(join(path, key), index), `must be a string, got ${describeValue(item)}`);
  });
  return value as string[];
}

/** An object whose values are all strings (annotations, labels). */
export function readStringMap(object: JsonObject, key: string, path: string, issues: Issues, nullable = false): Record<string, string> | undefined {
  const value = object[key];
  if (value === undefined || (nullable && value === null)) return undefined;
  if (!isJsonObject(value)) {
    issues.add(join(path, key), `must be an object of strings, got ${describeValue(value)}`);
    return undefined;
  }
  for (const [name, item] of Object.entries(value)) {
    if (typeof item !== 'string') issues.add(join(join(path, key), name), `must be a string, got ${describeValue(item)}`);
  }
  return value as Record<string, string>;
}

export function readArray(object: JsonObject, key: string, path: string, issues: Issues, required: boolean): unknown[] | undefined {
  const value = object[key];
  if (value === undefined && !required) return undefined;
  if (Array.isArray(value)) return value;
  issues.add(join(path, key), `must be an array, got ${describeValue(value)}`);
  return undefined;
}
