/**
 * The checks of one policy layer against one input, in the order a reader expects them: the
 * Binary Authorization admission rule, registry and label rules, image age, scan and vulnerability
 * rules, and CEL rules. Each check appends reasons and evidence to the layer's result.
 */
import { runCelRule } from './cel.ts';
import { matchAny } from './glob.ts';
import type { AdmissionRule, CompiledLayer } from './model.ts';
import { reason, type InputView, type LayerResult } from './layer-result.ts';
import { checkScan } from './scan-checks.ts';
import type { PolicyInput } from './types.ts';

const DAY_MS = 86_400_000;

export function evaluateLayer(layer: CompiledLayer, view: InputView): LayerResult {
  const result: LayerResult = { layer: layer.layer, violations: [], warnings: [], evidence: [], dryrun: false, allowedByPattern: false };
  const exempt = matchAny(layer.whitelist, view.imageNames);
  if (exempt !== undefined) {
    result.allowedByPattern = true;
    result.evidence.push({ kind: 'allowlist', detail: `${view.label} matches admissionWhitelistPatterns ${exempt.pattern}`, layer: layer.layer });
    return result;
  }
  // Admission rules are about deploying: an image about to be signed has no signatures yet, and a
  // pull is not a deployment (the registry does not verify signatures when it serves an image).
  const rule = view.input.action === 'admit' ? admissionRuleFor(layer, view.input) : undefined;
  if (rule !== undefined) {
    result.dryrun = rule.enforcementMode === 'DRYRUN_AUDIT_LOG_ONLY';
    checkAdmissionRule(layer, rule, view, result);
  }
  checkRegistry(layer, view, result);
  checkLabels(layer, view, result);
  checkAge(layer, view, result);
  checkScan(layer, view, result);
  checkCelRules(layer, view, result);
  return result;
}

/** Binary Authorization precedence: service account, then namespace, then cluster, then the default. */
export function admissionRuleFor(layer: CompiledLayer, input: PolicyInput): AdmissionRule | undefined {
  const deployment = input.deployment;
  if (deployment !== undefined) {
    const byAccount = deployment.serviceAccount === undefined ? undefined : layer.serviceAccountRules.get(`${deployment.namespace}:${deployment.serviceAccount}`);
    const byCluster = deployment.cluster === undefined ? undefined : layer.clusterRules.get(deployment.cluster);
    const chosen = byAccount ?? layer.namespaceRules.get(deployment.namespace) ?? byCluster;
    if (chosen !== undefined) return chosen;
  }
  return layer.defaultRule;
}


function checkAdmissionRule(layer: CompiledLayer, rule: AdmissionRule, view: InputView, result: LayerResult): void {
  switch (rule.evaluationMode) {
    case 'ALWAYS_ALLOW':
      return;
    case 'ALWAYS_DENY':
      result.violations.push(reason(result, 'evaluationMode', `${view.label} is denied: ${rule.origin} is ALWAYS_DENY`));
      return;
    case 'REQUIRE_ATTESTATION':
      for (const name of rule.requireAttestationsBy) {
        const keys = new Set(layer.attestors.get(name)?.keyFingerprints ?? []);
        const signature = view.input.signatures.find((entry) => keys.has(entry.keyFingerprint));
        const attestation = view.input.attestations.find((entry) => keys.has(entry.keyFingerprint));
        if (signature !== undefined) result.evidence.push({ kind: 'signature', detail: `signed by attestor ${name} (key ${signature.keyFingerprint}, ${signature.source})`, layer: layer.layer });
        else if (attestation !== undefined) result.evidence.push({ kind: 'attestation', detail: `${attestation.predicateType} attestation by attestor ${name} (key ${attestation.keyFingerprint})`, layer: layer.layer });
        else {
          result.violations.push(
            reason(result, 'requireAttestationsBy', `${view.label} has no verified signature or attestation by attestor ${name} (${rule.origin} requires it)`, {
              fix: `sign it with the attestor's key: portcullis sign ${view.input.image.reference} --key KEY`,
            }),
          );
        }
      }
      return;
  }
}

function checkRegistry(layer: CompiledLayer, view: InputView, result: LayerResult): void {
  if (layer.trustedRegistries.length === 0) return;
  const registry = view.input.image.registry;
  if (matchAny(layer.trustedRegistries, [registry]) !== undefined) return;
  const trusted = layer.trustedRegistries.map((glob) => glob.pattern).join(', ');
  result.violations.push(reason(result, 'trustedRegistries', `${view.label} comes from registry ${registry || '(none)'}, which is not trusted (trusted: ${trusted})`, { fix: 'copy the image into a trusted registry (portcullis copy)' }));
}

function checkLabels(layer: CompiledLayer, view: InputView, result: LayerResult): void {
  const labels = view.input.labels;
  for (const [key, wanted] of layer.requiredLabels) {
    const value = Object.hasOwn(labels, key) ? labels[key] : undefined;
    if (value === wanted) result.evidence.push({ kind: 'label', detail: `${key}=${value}`, layer: layer.layer });
    else result.violations.push(reason(result, 'requiredLabels', `${view.label} must be labelled ${key}=${wanted}, ${value === undefined ? 'it has no such label' : `it is ${key}=${value}`}`));
  }
  for (const [key, forbidden] of layer.forbiddenLabels) {
    if (Object.hasOwn(labels, key) && labels[key] === forbidden) result.violations.push(reason(result, 'forbiddenLabels', `${view.label} is labelled ${key}=${forbidden}, which this policy forbids`));
  }
}

function checkAge(layer: CompiledLayer, view: InputView, result: LayerResult): void {
  if (layer.maxImageAgeDays === undefined) return;
  const created = view.input.image.createdAt === undefined ? Number.NaN : Date.parse(view.input.image.createdAt);
  if (Number.isNaN(created)) {
    result.violations.push(reason(result, 'maxImageAgeDays', `${view.label} has no known creation time, so its age (at most ${layer.maxImageAgeDays} days) cannot be checked`));
    return;
  }
  const days = Math.floor((view.now - created) / DAY_MS);
  if (view.now - created > layer.maxImageAgeDays * DAY_MS) {
    result.violations.push(reason(result, 'maxImageAgeDays', `${view.label} was built ${days} days ago, more than the ${layer.maxImageAgeDays} days allowed`, { fix: 'rebuild the image' }));
  }
}

function checkCelRules(layer: CompiledLayer, view: InputView, result: LayerResult): void {
  for (const rule of layer.rules) {
    const outcome = runCelRule(rule, view.celVariables);
    const target = rule.severity === 'warn' ? result.warnings : result.violations;
    if ('error' in outcome) target.push(reason(result, `cel:${rule.name}`, `rule ${rule.name} could not be evaluated for ${view.label}: ${outcome.error}`));
    else if (!outcome.passed) target.push(reason(result, `cel:${rule.name}`, rule.message));
    else result.evidence.push({ kind: 'rule', detail: `rule ${rule.name} passed`, layer: layer.layer });
  }
}
