/** What checking one layer yields, and the per-decision view of the input every check reads. */
import type { DecisionEvidence, DecisionReason, PolicyInput } from './types.ts';

export interface LayerResult {
  layer: string;
  violations: DecisionReason[];
  warnings: DecisionReason[];
  evidence: DecisionEvidence[];
  /** The admission rule that applied says DRYRUN_AUDIT_LOG_ONLY. */
  dryrun: boolean;
  /** An admissionWhitelistPatterns entry exempted the image from this layer. */
  allowedByPattern: boolean;
}

/** What every layer needs about the input, computed once per decision. */
export interface InputView {
  input: PolicyInput;
  now: number;
  label: string;
  imageNames: string[];
  repositoryNames: string[];
  celVariables: Record<string, unknown>;
}

export function reason(result: LayerResult, rule: string, message: string, extra: Partial<DecisionReason> = {}): DecisionReason {
  return { rule, layer: result.layer, message, ...extra };
}
