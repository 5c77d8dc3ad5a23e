/**
 * Lenient field access for SBOM documents from any producer: a field of the wrong type reads as
 * absent (the caller decides whether that skips an entry with a warning), never as a crash.
 */
import { isJsonObject } from '../../oci/index.ts';

export type JsonObject = Record<string, unknown>;
export { isJsonObject };

export function stringField(object: JsonObject, key: string): string | undefined {
  const value = Object.hasOwn(object, key) ? object[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}

export function objectField(object: JsonObject, key: string): JsonObject | undefined {
  const value = Object.hasOwn(object, key) ? object[key] : undefined;
  return isJsonObject(value) ? value : undefined;
}

/** The array under `key`, or [] when absent or not an array. */
export function arrayField(object: JsonObject, key: string): unknown[] {
  const value = Object.hasOwn(object, key) ? object[key] : undefined;
  return Array.isArray(value) ? value : [];
}

/** The objects of an array field; non-objects are dropped. */
export function objectsField(object: JsonObject, key: string): JsonObject[] {
  return arrayField(object, key).filter(isJsonObject);
}
