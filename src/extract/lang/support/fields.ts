/**
 * Field-by-field access to untrusted parsed data (JSON, YAML, TOML): every getter checks the type
 * and answers `undefined` for anything unexpected, so callers decide what is a warning.
 */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string with visible content, trimmed; anything else is absent. */
export function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** The own entries of a record (safe for keys such as `__proto__`); nothing for other values. */
export function entries(value: unknown): Array<[string, unknown]> {
  return isRecord(value) ? Object.entries(value) : [];
}

/** True only for a real boolean `true` or the string "true" (YAML read with the failsafe schema). */
export function flag(value: unknown): boolean {
  return value === true || value === 'true';
}

/** Non-empty strings of a string or an array of strings, in order. */
export function textList(value: unknown): string[] {
  const items = Array.isArray(value) ? value : [value];
  return items.map(text).filter((item): item is string => item !== undefined);
}

/** Quoted for a warning, and short, whatever the input. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}...` : value);
}
