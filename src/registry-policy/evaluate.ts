/**
 * The pull-gate decision, made by the policy engine: a project's gate settings become a one-layer
 * policy (requireScan from blockUnscanned, a Kritis threshold from minSeverity, gracePeriodDays,
 * the exceptions in force for this image) and the image's scan a PolicyInput; evaluate() decides.
 * The refusal message is written for the person at the other end of `docker pull`: which findings,
 * since when, and how to get an exception.
 */
import { compilePolicyDocument, evaluate, policyFindingOf, type CompiledLayer, type CompiledPolicy, type Decision, type DecisionFinding, type PolicyDocument, type PolicyInput, type SeverityThreshold } from '../policy/index.ts';
import type { Finding, Severity } from '../vuln/index.ts';
import { SEVERITY_ORDER } from '../vuln/index.ts';
import type { PolicyException, ProjectGate } from './model.ts';

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
  /** Policy layers beside the gate settings (organisation, the project's stored policy), evaluated for action 'pull'. */
  layers?: readonly CompiledLayer[];
  /** The artifact's lifecycle labels, for label rules of those layers. */
  labels?: Record<string, string>;
  /** The registry host clients pull from, for trusted-registry rules ('' when unknown). */
  registry?: string;
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
  | { allowed: false; reason: string; blocking: BlockingFinding[]; decidedBy?: string };

/** "At or above minSeverity" is Kritis' "at most the level below it". */
function thresholdBelow(severity: Severity): SeverityThreshold {
  const below = SEVERITY_ORDER[SEVERITY_ORDER.indexOf(severity) - 1];
  return below ?? 'BLOCK_ALL';
}

/** A project's gate settings, and the exceptions in force for one image, as a policy layer. */
export function gatePolicy(gate: ProjectGate, repository: string, exceptions: readonly PolicyException[]): CompiledPolicy {
  const document: PolicyDocument = { requireScan: gate.blockUnscanned, gracePeriodDays: gate.graceDays };
  if (gate.minSeverity !== undefined) {
    const threshold = thresholdBelow(gate.minSeverity);
    document.packageVulnerabilityRequirements = { maximumSeverity: threshold, maximumFixUnavailableSeverity: threshold };
    // The store hands over only the exceptions that cover this image (by digest or repository).
    document.exceptions = exceptions.map((exception) => ({ vulnerability: exception.vulnerability, repository, reason: exception.reason, owner: exception.owner, expires: new Date(exception.expiresAt).toISOString() }));
  }
  return compilePolicyDocument(document, `project:${gate.project}`);
}

function gateInput(input: GateInput): PolicyInput {
  const { repository, digest, scan } = input;
  const policyScan: PolicyInput['scan'] =
    scan.state === 'unscanned'
      ? { state: 'pending', findings: [] }
      : {
          state: 'completed',
          findings: scan.findings.map((finding) => policyFindingOf(finding, scan.firstSeen(finding))),
        };
  const registry = input.registry ?? '';
  const reference = `${registry === '' ? '' : `${registry}/`}${repository}@${digest}`;
  return { action: 'pull', image: { reference, registry, repository, digest }, labels: input.labels ?? {}, signatures: [], attestations: [], scan: policyScan, now: new Date(input.now).toISOString() };
}

function hint(repository: string, first: BlockingFinding | undefined): string {
  const id = first?.id ?? 'CVE-...';
  return `to pull it anyway, ask a registry admin for an exception: portcullis admin exception add ${id} --repository ${repository} --reason TEXT --owner TEAM --expires 30d`;
}

function findingsOf(decision: Decision, list: 'violations' | 'warnings', rule: string): DecisionFinding[] {
  return decision[list].filter((reason) => reason.rule === rule).flatMap((reason) => reason.findings ?? []);
}

/** The other policy layers' refusal, or undefined when they allow the pull. */
function layersDecision(input: GateInput, image: string): GateDecision | undefined {
  const layers = input.layers ?? [];
  if (layers.length === 0) return undefined;
  const decision = evaluate({ layers: [...layers], revision: '' }, gateInput(input));
  if (decision.allowed) return undefined;
  const reasons = decision.violations.slice(0, MESSAGE_FINDINGS).map((violation) => `${violation.message} (${violation.layer})`);
  const more = decision.violations.length > MESSAGE_FINDINGS ? ` and ${decision.violations.length - MESSAGE_FINDINGS} more` : '';
  const decidedBy = decision.decidedBy ?? decision.violations[0]?.layer ?? 'policy';
  return { allowed: false, reason: `pull of ${image} refused by policy layer ${decidedBy}: ${reasons.join('; ')}${more}`, blocking: [], decidedBy };
}

export function evaluateGate(input: GateInput): GateDecision {
  const { gate, repository, digest, scan } = input;
  const decision = evaluate(gatePolicy(gate, repository, input.exceptions), gateInput(input));
  const image = `${repository}@${digest}`;
  if (decision.allowed) {
    const layered = layersDecision(input, image);
    if (layered !== undefined) return layered;
    const graced = findingsOf(decision, 'warnings', 'gracePeriodDays').map((finding) => ({ id: finding.id, severity: finding.severity, blocksFrom: finding.blocksFrom ?? '' }));
    const excepted = decision.evidence.filter((entry) => entry.kind === 'exception' && entry.finding !== undefined).map((entry) => entry.finding as string);
    return { allowed: true, graced, excepted };
  }
  if (scan.state === 'unscanned') {
    return { allowed: false, reason: `pull of ${image} refused: project ${gate.project} refuses unscanned images and this one is ${scan.detail}; try again once its scan has finished`, blocking: [] };
  }
  const blocking = findingsOf(decision, 'violations', 'maximumSeverity').map((finding) => ({
    id: finding.id,
    severity: finding.severity,
    package: finding.package,
    version: finding.version,
    firstSeen: finding.firstSeen ?? '',
    blockingSince: finding.blocksFrom ?? '',
  }));
  blocking.sort((a, b) => SEVERITY_ORDER.indexOf(b.severity) - SEVERITY_ORDER.indexOf(a.severity) || a.id.localeCompare(b.id));
  const named = blocking
    .slice(0, MESSAGE_FINDINGS)
    .map((finding) => `${finding.id} (${finding.severity}, ${finding.package} ${finding.version}, first seen ${finding.firstSeen}, blocking since ${finding.blockingSince})`);
  const more = blocking.length > MESSAGE_FINDINGS ? ` and ${blocking.length - MESSAGE_FINDINGS} more` : '';
  const reason =
    `pull of ${image} refused: project ${gate.project} refuses images with findings at or above ${gate.minSeverity}: ` +
    `${named.join('; ')}${more}; ${hint(repository, blocking[0])}`;
  return { allowed: false, reason, blocking };
}
