/**
 * The difference between two sets of findings for one image: what a rescan added and what it
 * removed. A finding is identified by its flaw (best id) and the package it was found in, so a
 * changed severity or fixed version is not reported as new.
 */
import { SEVERITY_ORDER, type Finding, type Severity } from '../vuln/index.ts';

export interface FindingsDiff {
  added: Finding[];
  fixed: Finding[];
}

/** The identity of a finding within one image: its flaw and the package it was found in. */
export function findingKey(finding: Finding): string {
  return `${finding.id}\u0000${finding.package.purl}`;
}

export function diffFindings(before: readonly Finding[], after: readonly Finding[]): FindingsDiff {
  const beforeKeys = new Set(before.map(findingKey));
  const afterKeys = new Set(after.map(findingKey));
  return {
    added: after.filter((finding) => !beforeKeys.has(findingKey(finding))),
    fixed: before.filter((finding) => !afterKeys.has(findingKey(finding))),
  };
}

export function atOrAbove(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_ORDER.indexOf(severity) >= SEVERITY_ORDER.indexOf(threshold);
}
