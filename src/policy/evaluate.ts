/**
 * evaluate(policy, input) -> Decision: pure, no I/O, no clock (the input carries `now`).
 *
 * Every layer is evaluated on its own and the strictest wins: any layer with a violation denies,
 * and the denial is a dry run only when every denying layer's admission rule is
 * DRYRUN_AUDIT_LOG_ONLY. Violations of dry-run layers beside an enforced denial are reported as
 * warnings, so `violations` always lists what the decision rests on.
 */
import { inputError } from '../core/index.ts';
import { celVariables } from './cel.ts';
import { evaluateLayer } from './layer-checks.ts';
import type { InputView, LayerResult } from './layer-result.ts';
import type { CompiledPolicy } from './model.ts';
import type { Decision, DecisionReason, PolicyInput } from './types.ts';

export function evaluate(policy: CompiledPolicy, input: PolicyInput): Decision {
  const view = viewOf(input);
  const results = policy.layers.map((layer) => evaluateLayer(layer, view));
  const warnings = results.flatMap((result) => result.warnings);
  const evidence = results.flatMap((result) => result.evidence);
  const denying = results.filter((result) => result.violations.length > 0);
  const enforced = denying.filter((result) => !result.dryrun);
  const base = { warnings, evidence, policyRevision: policy.revision };

  if (denying.length === 0) {
    const byPattern = results.find((result) => result.allowedByPattern);
    return { allowed: true, enforcement: 'enforced', violations: [], ...base, ...(byPattern !== undefined && { decidedBy: byPattern.layer }) };
  }
  if (enforced.length === 0) {
    const violations = denying.flatMap((result) => result.violations);
    return { allowed: true, enforcement: 'dryrun', violations, ...base, decidedBy: violations[0]?.layer ?? denying[0]!.layer };
  }
  const violations = enforced.flatMap((result) => result.violations);
  const dryRun = denying.filter((result) => result.dryrun).flatMap(asDryRunWarnings);
  return { allowed: false, enforcement: 'enforced', violations, ...base, warnings: [...warnings, ...dryRun], decidedBy: violations[0]?.layer ?? enforced[0]!.layer };
}

function asDryRunWarnings(result: LayerResult): DecisionReason[] {
  return result.violations.map((violation) => ({ ...violation, message: `(dry run) ${violation.message}` }));
}

function viewOf(input: PolicyInput): InputView {
  const { registry, repository, tag, digest } = input.image;
  const name = registry === '' ? repository : `${registry}/${repository}`;
  const imageNames = [name, ...(tag === undefined ? [] : [`${name}:${tag}`]), `${name}@${digest}`];
  const repositoryNames = registry === '' ? [repository] : [repository, name];
  const label = `${name}@${digest}`;
  const now = Date.parse(input.now);
  if (Number.isNaN(now)) throw inputError(`policy input: now ${JSON.stringify(String(input.now).slice(0, 40))} is not an ISO time`);
  return { input, now, label, imageNames, repositoryNames, celVariables: celVariables(input) };
}
