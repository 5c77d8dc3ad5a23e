/**
 * Field-by-field validation of untrusted manifest data against a small shape description. Only the
 * fields a shape names survive; a field of the wrong type is dropped with a warning naming its path,
 * so checks read typed values and never trip over `hostNetwork: "yes"` or `containers: {}`.
 */
import type { FieldPath } from './load.ts';

export type Shape =
  | 'string'
  | 'boolean'
  | 'integer'
  /** Anything that is present: probes, volume sources, quantities (string or number). */
  | 'any'
  | { object: { [field: string]: Shape } }
  | { list: Shape }
  /** A mapping with arbitrary keys and values of one shape (labels, annotations, resource lists). */
  | { map: Shape };

export type ShapeWarning = (path: FieldPath, message: string) => void;

/** Returns the validated value, or undefined (after a warning) when it does not fit the shape. */
export function parseShape(value: unknown, shape: Shape, path: FieldPath, warn: ShapeWarning): unknown {
  if (value === undefined || value === null) return undefined;
  if (shape === 'any') return value;
  if (shape === 'string' || shape === 'boolean') {
    if (typeof value === shape) return value;
    warn(path, `${describePath(path)} should be a ${shape}, not ${describeValue(value)}; ignored`);
    return undefined;
  }
  if (shape === 'integer') {
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
    warn(path, `${describePath(path)} should be an integer, not ${describeValue(value)}; ignored`);
    return undefined;
  }
  if ('list' in shape) {
    if (!Array.isArray(value)) {
      warn(path, `${describePath(path)} should be a list, not ${describeValue(value)}; ignored`);
      return undefined;
    }
    return value.map((item, index) => parseShape(item, shape.list, [...path, index], warn)).filter((item) => item !== undefined);
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    warn(path, `${describePath(path)} should be a mapping, not ${describeValue(value)}; ignored`);
    return undefined;
  }
  const record = value as Record<string, unknown>;
  const parsed: Record<string, unknown> = {};
  if ('map' in shape) {
    for (const [key, item] of Object.entries(record)) {
      const field = parseShape(item, shape.map, [...path, key], warn);
      if (field !== undefined) parsed[key] = field;
    }
    return parsed;
  }
  for (const [key, fieldShape] of Object.entries(shape.object)) {
    if (!Object.hasOwn(record, key)) continue;
    const field = parseShape(record[key], fieldShape, [...path, key], warn);
    if (field !== undefined) parsed[key] = field;
  }
  return parsed;
}

export function describePath(path: FieldPath): string {
  return path.map((key, index) => (typeof key === 'number' ? `[${key}]` : index === 0 ? key : `.${key}`)).join('');
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = JSON.stringify(value);
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 40)}...` : text}`;
}
