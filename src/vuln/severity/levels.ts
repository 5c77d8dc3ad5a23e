/**
 * Severity levels from numbers and words. CVSS scores map through the bands of the CVSS v3.x/v4.0
 * specifications (CVSS v2 never defined bands: NVD's three are used there). Words come from
 * distributions and advisory databases, each with its own scale; they are folded onto Portcullis's
 * levels here, in one table, so every report ranks them the same way.
 */
import type { Severity } from '../model.ts';
import { SEVERITY_ORDER } from '../model.ts';

/** CVSS v3.x / v4.0 qualitative rating: 0 NONE, 0.1-3.9 LOW, 4-6.9 MEDIUM, 7-8.9 HIGH, 9-10 CRITICAL. */
export function severityFromScore(score: number): Severity {
  if (!Number.isFinite(score) || score < 0 || score > 10) return 'UNKNOWN';
  if (score === 0) return 'NONE';
  if (score < 4) return 'LOW';
  if (score < 7) return 'MEDIUM';
  if (score < 9) return 'HIGH';
  return 'CRITICAL';
}

/** NVD's CVSS v2 bands: 0-3.9 LOW, 4-6.9 MEDIUM, 7-10 HIGH (v2 has no NONE or CRITICAL). */
export function severityFromV2Score(score: number): Severity {
  if (!Number.isFinite(score) || score < 0 || score > 10) return 'UNKNOWN';
  if (score < 4) return 'LOW';
  if (score < 7) return 'MEDIUM';
  return 'HIGH';
}

/**
 * Words as published, lower case. Debian urgencies (its `unimportant` means "no real impact on
 * Debian's binaries"; with no NEGLIGIBLE level it ranks as LOW), Ubuntu priorities (`negligible`
 * likewise), GitHub advisory database words (`moderate`), Red Hat impacts (`important`).
 * Placeholders ("not yet assigned", "untriaged", "end-of-life") are absent on purpose: they say
 * nothing about the flaw, so the caller falls back to CVSS.
 */
const WORDS: ReadonlyMap<string, Severity> = new Map<string, Severity>([
  ['unimportant', 'LOW'],
  ['negligible', 'LOW'],
  ['low', 'LOW'],
  ['medium', 'MEDIUM'],
  ['moderate', 'MEDIUM'],
  ['high', 'HIGH'],
  ['important', 'HIGH'],
  ['critical', 'CRITICAL'],
  ['none', 'NONE'],
]);

/**
 * The level a distribution or database word stands for, or undefined for a placeholder or an
 * unknown word. Case does not matter; Debian's trailing asterisks (`high**`, marking an urgency
 * carried over rather than assessed) are ignored.
 */
export function severityFromWord(word: string): Severity | undefined {
  const key = word.trim().replace(/\*+$/, '').trim().toLowerCase();
  return WORDS.get(key);
}

/** Positive when `a` is more severe than `b` (UNKNOWN lowest). */
export function compareSeverity(a: Severity, b: Severity): number {
  return SEVERITY_ORDER.indexOf(a) - SEVERITY_ORDER.indexOf(b);
}
