/**
 * Shorthands that keep the catalogs readable as tables: one line per control.
 */
import type { Control, EvidenceSource } from '../model.ts';

/** A control decided by the given evidence sources. */
export function automated(group: string, id: string, title: string, ...sources: EvidenceSource[]): Control {
  return { id, title, group, decision: { kind: 'automated', sources } };
}

/** A control a person has to check; `review` says what to look at. */
export function manual(group: string, id: string, title: string, review: string): Control {
  return { id, title, group, decision: { kind: 'manual', review } };
}
