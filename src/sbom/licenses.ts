/**
 * License strings as package databases declare them ("GPL-2.0-or-later", "MIT OR Apache-2.0",
 * "GPL", "BSD-style") sorted into what each SBOM format can carry: valid SPDX expressions and
 * everything else. Validation is spdx-expression-parse's, the parser npm itself uses.
 */
import parseSpdxExpression from 'spdx-expression-parse';
import { compareText } from './order.ts';

/** Throws when `value` is not a valid SPDX license expression (the shape CycloneDX's factory expects). */
export function validateSpdxExpression(value: string): void {
  parseSpdxExpression(value);
}

export function isSpdxExpression(value: string): boolean {
  try {
    validateSpdxExpression(value);
    return true;
  } catch {
    return false;
  }
}

/** Trimmed, non-empty, unique and sorted: the same licenses in any order give the same output. */
export function normaliseLicenses(licenses: readonly string[] | undefined): string[] {
  const cleaned = (licenses ?? []).map((license) => license.trim()).filter((license) => license !== '');
  return [...new Set(cleaned)].sort(compareText);
}

/**
 * One SPDX expression for all declared licenses (joined with AND: a package under several licenses
 * is under all of them), or undefined when any of them is not valid SPDX: a partial expression would
 * claim more than the package declared.
 */
export function combinedSpdxExpression(licenses: readonly string[] | undefined): string | undefined {
  const normalised = normaliseLicenses(licenses);
  if (normalised.length === 0 || !normalised.every(isSpdxExpression)) return undefined;
  if (normalised.length === 1) return normalised[0];
  return normalised.map((expression) => (/\s/.test(expression) ? `(${expression})` : expression)).join(' AND ');
}
