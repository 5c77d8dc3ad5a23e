/**
 * Policies built in code rather than read from a file: a gate's settings (the registry's pull gate,
 * `portcullis sign --require-scan`) become a one-layer policy, so every gate decides through the
 * same engine. The document is validated against the same schema as a file.
 */
import { createHash } from 'node:crypto';
import { inputError } from '../core/index.ts';
import { compileLayer } from './compile.ts';
import { validatePolicyData } from './document.ts';
import type { CompiledPolicy, PolicyDocument } from './model.ts';

/** Compiles a policy document held in memory (no attestors with keys: those need loading). */
export function compilePolicyDocument(document: PolicyDocument, layer: string): CompiledPolicy {
  const problems = validatePolicyData(document);
  if (problems.length > 0) throw inputError(`invalid policy ${layer}: ${problems.join('; ')}`);
  const where = (path: ReadonlyArray<string | number>) => `${layer} ${path.join('.')}`;
  const compiled = compileLayer(document, { layer, locate: where, attestors: new Map() });
  const revision = `sha256:${createHash('sha256').update(JSON.stringify([layer, document])).digest('hex')}`;
  return { layers: [compiled], revision };
}

/** The `--require-scan RULE` of signing as a policy: a completed scan meeting the rule. */
export function policyFromScanRule(rule: string, layer = 'require-scan'): CompiledPolicy {
  return compilePolicyDocument({ requireScan: true, scanRule: rule }, layer);
}
