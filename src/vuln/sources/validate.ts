/**
 * Field-by-field readers for untrusted JSON/YAML objects. Each reader records what is wrong in a
 * problem list instead of throwing, so one pass reports every bad field of a record.
 */

export type Problems = string[];

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requiredString(object: Record<string, unknown>, key: string, problems: Problems, where = ''): string | undefined {
  const value = object[key];
  if (typeof value === 'string' && value.length > 0) return value;
  problems.push(`${where}${key}: ${value === undefined ? 'missing' : 'must be a non-empty string'}`);
  return undefined;
}

export function optionalString(object: Record<string, unknown>, key: string, problems: Problems, where = ''): string | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  problems.push(`${where}${key}: must be a string`);
  return undefined;
}

export function stringList(object: Record<string, unknown>, key: string, problems: Problems, where = ''): string[] {
  const value = object[key];
  if (value === undefined || value === null) return [];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  problems.push(`${where}${key}: must be a list of strings`);
  return [];
}

export function objectList(object: Record<string, unknown>, key: string, problems: Problems, where = ''): Array<Record<string, unknown>> {
  const value = object[key];
  if (value === undefined || value === null) return [];
  if (Array.isArray(value) && value.every(isRecord)) return value;
  problems.push(`${where}${key}: must be a list of objects`);
  return [];
}

/** Problems as one line for a warning: the first few, and how many more. */
export function describeProblems(problems: Problems): string {
  const shown = problems.slice(0, 5).join('; ');
  return problems.length > 5 ? `${shown}; and ${problems.length - 5} more` : shown;
}
