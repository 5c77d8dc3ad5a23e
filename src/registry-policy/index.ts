/**
 * The registry's feedback loop: per-project pull gates (refuse images with findings at or above a
 * severity, or not scanned yet), exceptions with owners and expiry, grace periods per severity, and
 * labels on artifacts. Settings live in `policy.db` under the data directory (PolicyStore); the
 * server asks PullGate before serving a manifest.
 */
export {
  GATE_SEVERITIES,
  MAX_GRACE_DAYS,
  MAX_LABEL_VALUE_LENGTH,
  MAX_OWNER_LENGTH,
  MAX_REASON_LENGTH,
  type ExceptionScope,
  type NewException,
  type PolicyException,
  type ProjectGate,
  parseExceptionScope,
  parseExpiry,
  parseGraceOption,
  parseLabel,
  parseProject,
  parseSeverity,
  parseVulnerabilityId,
} from './model.ts';
export { PolicyStore, openPolicyStore, policyDbPath } from './store.ts';
export { type BlockingFinding, type GateDecision, type GateInput, type GracedFinding, type ImageScan, evaluateGate } from './evaluate.ts';
export { PullGate, type PullBlocked, type PullGateOptions, type PullRequest, type ScanReader } from './pull-gate.ts';
