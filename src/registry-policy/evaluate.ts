/**
 * The pull-gate decision, a pure function of fully-read inputs: a project's gate, the image's scan
 * state and findings (with when each was first seen), the exceptions in force, and the time.
 * The refusal message is written for the person at the other end of `docker pull`: which findings,
 * since when, and how to get an exception.
 */
import type { Finding, Severity } from '../vuln/index.ts';
import { SEVERITY_ORDER } from '../vuln/index.ts';
import type { PolicyException, ProjectGate } from './model.ts';

const DAY_MS = 86_400_000;
/** Findings named in a refusal message; the rest are counted (the detail lists them all). */
const MESSAGE_FINDINGS = 5;

export type ImageScan =
  | { state: 'scanned'; findings: readonly Finding[]; firstSeen: (finding: Finding) => number }
  /** Queued, running or failed; `detail` says which. */
  | { state: 'unscanned'; detail: string };

export interface GateInput {
  gate: ProjectGate;
  repository: string;
  digest: string;
  scan: ImageScan;
  exceptions: readonly PolicyException[];
  now: number;
}

export interface BlockingFinding {
  id: string;
  severity: Severity;
  package: string;
  version: string;
  /** ISO time the finding was first seen on this image. */
  firstSeen: string;
  /** ISO time it started blocking (first seen plus the grace period). */
  blockingSince: string;
}

export interface GracedFinding {
  id: string;
  severity: Severity;
  /** ISO time the grace period ends. */
  blocksFrom: string;
}

export type GateDecision =
  | { allowed: true; graced: GracedFinding[]; excepted: string[] }
  | { allowed: false; reason: string; blocking: BlockingFinding[] };

function atOrAbove(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_ORDER.indexOf(severity) >= SEVERITY_ORDER.indexOf(threshold);
}

function exceptionFor(finding: Finding, exceptions: readonly PolicyException[]): PolicyException | undefined {
  const ids = new Set([finding.id, ...finding.aliases].map((id) => id.toUpperCase()));
  return exceptions.find((exception) => ids.has(exception.vulnerability.toUpperCase()));
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function hint(repository: string, first: BlockingFinding | undefined): string {
  const id = first?.id ?? 'CVE-...';
  return `to pull it anyway, ask a registry admin for an exception: portcullis admin exception add ${id} --repository ${repository} --reason TEXT --owner TEAM --expires 30d`;
}

export function evaluateGate(input: GateInput): GateDecision {
  const { gate, repository, digest, scan, now } = input;
  const image = `${repository}@${digest}`;
  if (scan.state === 'unscanned') {
    if (!gate.blockUnscanned) return { allowed: true, graced: [], excepted: [] };
    return { allowed: false, reason: `pull of ${image} refused: project ${gate.project} refuses unscanned images and this one is ${scan.detail}; try again once its scan has finished`, blocking: [] };
  }
  const threshold = gate.minSeverity;
  if (threshold === undefined) return { allowed: true, graced: [], excepted: [] };
  const blocking: BlockingFinding[] = [];
  const graced: GracedFinding[] = [];
  const excepted: string[] = [];
  for (const finding of scan.findings) {
    if (!atOrAbove(finding.severity, threshold)) continue;
    const exception = exceptionFor(finding, input.exceptions);
    if (exception !== undefined) {
      excepted.push(finding.id);
      continue;
    }
    const firstSeen = scan.firstSeen(finding);
    const blocksFrom = firstSeen + (gate.graceDays[finding.severity] ?? 0) * DAY_MS;
    if (now < blocksFrom) {
      graced.push({ id: finding.id, severity: finding.severity, blocksFrom: iso(blocksFrom) });
      continue;
    }
    blocking.push({ id: finding.id, severity: finding.severity, package: finding.package.name, version: finding.package.version, firstSeen: iso(firstSeen), blockingSince: iso(blocksFrom) });
  }
  if (blocking.length === 0) return { allowed: true, graced, excepted };
  blocking.sort((a, b) => SEVERITY_ORDER.indexOf(b.severity) - SEVERITY_ORDER.indexOf(a.severity) || a.id.localeCompare(b.id));
  const named = blocking
    .slice(0, MESSAGE_FINDINGS)
    .map((finding) => `${finding.id} (${finding.severity}, ${finding.package} ${finding.version}, first seen ${finding.firstSeen}, blocking since ${finding.blockingSince})`);
  const more = blocking.length > MESSAGE_FINDINGS ? ` and ${blocking.length - MESSAGE_FINDINGS} more` : '';
  const reason =
    `pull of ${image} refused: project ${gate.project} refuses images with findings at or above ${threshold}: ` +
    `${named.join('; ')}${more}; ${hint(repository, blocking[0])}`;
  return { allowed: false, reason, blocking };
}
