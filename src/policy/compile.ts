/**
 * A validated PolicyDocument becomes a CompiledLayer: globs compiled, thresholds turned into
 * severity ranks, exceptions' expiry parsed, the scan rule parsed (the `--require-scan` language of
 * src/signing/scan-gate.ts) and CEL programs compiled. Anything that cannot compile is a load error
 * at file:line:column, so a policy that loads is a policy that evaluates.
 */
import { inputError } from '../core/index.ts';
import { parseScanRule } from '../signing/index.ts';
import { SEVERITY_ORDER, type Severity } from '../vuln/index.ts';
import { compileCelRule } from './cel.ts';
import type { DataPath } from './yaml-document.ts';
import { compileGlob } from './glob.ts';
import type { AdmissionRule, AdmissionRuleDocument, CompiledException, CompiledLayer, PolicyDocument, ResolvedAttestor, SeverityThreshold, VulnerabilityRequirements } from './model.ts';

export interface CompileContext {
  layer: string;
  /** "file:line:column" of a data path. */
  locate: (path: DataPath) => string;
  position?: (path: DataPath) => { line: number; column: number; block: boolean };
  /** Every attestor the admission rules name, resolved to key fingerprints. */
  attestors: Map<string, ResolvedAttestor>;
}

export function compileLayer(document: PolicyDocument, context: CompileContext): CompiledLayer {
  const { locate } = context;
  const rule = (value: AdmissionRuleDocument, path: DataPath): AdmissionRule => {
    for (const [index, name] of (value.requireAttestationsBy ?? []).entries()) {
      if (!context.attestors.has(name)) throw inputError(`${locate([...path, 'requireAttestationsBy', index])}: unknown attestor ${JSON.stringify(name)}`);
    }
    return {
      evaluationMode: value.evaluationMode,
      requireAttestationsBy: value.requireAttestationsBy ?? [],
      enforcementMode: value.enforcementMode ?? 'ENFORCED_BLOCK_AND_AUDIT_LOG',
      origin: path.join('.'),
    };
  };
  const rules = (key: 'clusterAdmissionRules' | 'kubernetesNamespaceAdmissionRules' | 'kubernetesServiceAccountAdmissionRules') =>
    new Map(Object.entries(document[key] ?? {}).map(([name, value]) => [name, rule(value, [key, name])]));

  const layer: CompiledLayer = {
    layer: context.layer,
    whitelist: (document.admissionWhitelistPatterns ?? []).map((entry, index) => compileGlob(entry.namePattern, locate(['admissionWhitelistPatterns', index, 'namePattern']))),
    clusterRules: rules('clusterAdmissionRules'),
    namespaceRules: rules('kubernetesNamespaceAdmissionRules'),
    serviceAccountRules: rules('kubernetesServiceAccountAdmissionRules'),
    attestors: context.attestors,
    allowlistCves: new Set((document.packageVulnerabilityRequirements?.allowlistCVEs ?? []).map((id) => id.toUpperCase())),
    trustedRegistries: (document.trustedRegistries ?? []).map((pattern, index) => compileGlob(pattern, locate(['trustedRegistries', index]))),
    requiredLabels: Object.entries(document.requiredLabels ?? {}).map(([key, value]) => [key, String(value)]),
    forbiddenLabels: Object.entries(document.forbiddenLabels ?? {}).map(([key, value]) => [key, String(value)]),
    gracePeriodDays: document.gracePeriodDays ?? {},
    exceptions: (document.exceptions ?? []).map((entry, index) => compileException(entry, locate(['exceptions', index]))),
    requireScan: document.requireScan ?? false,
    rules: (document.rules ?? []).map((entry, index) => compileCelRule(entry, expressionLocator(context, ['rules', index, 'expression']))),
  };
  if (document.defaultAdmissionRule !== undefined) layer.defaultRule = rule(document.defaultAdmissionRule, ['defaultAdmissionRule']);
  const vulnerabilities = vulnerabilityRequirements(document.packageVulnerabilityRequirements);
  if (vulnerabilities !== undefined) layer.vulnerabilities = vulnerabilities;
  if (document.maxImageAgeDays !== undefined) layer.maxImageAgeDays = document.maxImageAgeDays;
  if (document.scanRule !== undefined) layer.scanRule = parseScanRule(document.scanRule, `${locate(['scanRule'])}: scanRule`, 'INPUT');
  return layer;
}

/** Where a position inside a CEL expression is in the file (exact for block scalars, by line otherwise). */
function expressionLocator(context: CompileContext, path: DataPath): (line: number, column: number) => string {
  return (line, column) => {
    const start = context.position?.(path);
    if (start === undefined) return `${context.locate(path)} (expression ${line}:${column})`;
    const file = context.locate(path).replace(/:\d+:\d+$/, '');
    return start.block ? `${file}:${start.line + line}:${column}` : `${file}:${start.line}:${start.column} (expression ${line}:${column})`;
  };
}

function compileException(entry: PolicyDocument['exceptions'] extends Array<infer E> | undefined ? E : never, where: string): CompiledException {
  const expiresAt = entry.expires instanceof Date ? entry.expires.getTime() : Date.parse(entry.expires);
  if (Number.isNaN(expiresAt)) throw inputError(`${where}: expires ${JSON.stringify(String(entry.expires))} is not a real time`);
  const exception: CompiledException = { vulnerability: entry.vulnerability.toUpperCase(), reason: entry.reason, owner: entry.owner, expiresAt };
  if (entry.image !== undefined) exception.image = compileGlob(entry.image, `${where}: image`);
  if (entry.repository !== undefined) exception.repository = compileGlob(entry.repository, `${where}: repository`);
  return exception;
}

/** The lowest severity rank a threshold blocks; undefined when it blocks nothing. */
export function blockFromRank(threshold: SeverityThreshold | undefined): number | undefined {
  if (threshold === undefined || threshold === 'ALLOW_ALL') return undefined;
  if (threshold === 'BLOCK_ALL') return 0;
  const rank = SEVERITY_ORDER.indexOf(threshold) + 1;
  return rank < SEVERITY_ORDER.length ? rank : undefined;
}

/** A severity's rank in SEVERITY_ORDER (UNKNOWN lowest, CRITICAL highest). */
export function severityRank(severity: Severity): number {
  return SEVERITY_ORDER.indexOf(severity);
}

/**
 * Kritis' packageVulnerabilityRequirements: maximumSeverity bounds findings that have a fix,
 * maximumFixUnavailableSeverity those without one (ALLOW_ALL when absent, as in Kritis).
 */
function vulnerabilityRequirements(value: PolicyDocument['packageVulnerabilityRequirements']): VulnerabilityRequirements | undefined {
  if (value === undefined || (value.maximumSeverity === undefined && value.maximumFixUnavailableSeverity === undefined)) return undefined;
  const requirements: VulnerabilityRequirements = {
    text: [value.maximumSeverity && `maximumSeverity ${value.maximumSeverity}`, value.maximumFixUnavailableSeverity && `maximumFixUnavailableSeverity ${value.maximumFixUnavailableSeverity}`].filter(Boolean).join(', '),
  };
  const fixable = blockFromRank(value.maximumSeverity);
  const unfixable = blockFromRank(value.maximumFixUnavailableSeverity);
  if (fixable !== undefined) requirements.fixableBlockFromRank = fixable;
  if (unfixable !== undefined) requirements.unfixableBlockFromRank = unfixable;
  return requirements;
}
