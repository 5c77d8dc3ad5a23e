/**
 * The one policy engine: policy files (Binary Authorization admission rules, Kritis vulnerability
 * requirements, Portcullis' own rules and CEL), layered sets, and the pure evaluate(policy, input).
 * Facts about remote images are gathered by src/policy/facts (imported on its own: it does I/O).
 */
export type * from './types.ts';
export type { CompiledLayer, CompiledPolicy, PolicyDocument, EvaluationMode, EnforcementMode, SeverityThreshold } from './model.ts';
export { evaluate } from './evaluate.ts';
export { attestorKeys, loadPolicy, loadPolicySet, parsePolicy, type LoadPolicyOptions, type PolicyLayerFile } from './load.ts';
export { compilePolicyDocument, policyFromScanRule } from './inline.ts';
export { policyFindingOf } from './finding-input.ts';
export { POLICY_SCHEMA, MAX_POLICY_FILE_BYTES } from './document.ts';
