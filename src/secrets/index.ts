/**
 * Secret and personal-data scanning of images and directories: the public surface of the module.
 */
export type { FindingSource, RuleCategory, RuleCheck, ScanStats, SecretFinding, SecretRule, SecretScanResult, SecretSeverity } from './types.ts';
export { SEVERITY_ORDER } from './types.ts';
export { BUILTIN_RULES, selectRules, validateRules } from './rules/index.ts';
export { type AllowList, EMPTY_ALLOW_LIST, loadAllowList, parseAllowList } from './allow.ts';
export { redact } from './redact.ts';
export { DEFAULT_FILE_TIME_BUDGET_MS, DEFAULT_MAX_SECRET_FILE_BYTES, type SecretScanOptions, scanSecrets, scanSecretsOf } from './scan.ts';
export { formatSecretsJson, formatSecretsSarif, formatSecretsTable, findingsAtOrAbove } from './format/index.ts';
export { type CompiledRules, type TextMatch, type TextScanOptions, compileRules, scanText } from './engine.ts';
