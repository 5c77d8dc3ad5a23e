/**
 * Custom rules in CEL: the rules file format, evaluation against Kubernetes objects and Dockerfiles,
 * and rule unit tests.
 */
export { loadCustomRules, type CustomRule } from './rules-file.ts';
export { dockerfileRuleDocument } from './dockerfile.ts';
export { evaluateCustomRules, type RuleDocument, type RuleContext, type RuleEvaluation, type DockerfileInstructionView } from './evaluate.ts';
export { loadRuleTests, runRuleTests, formatRuleTestResults, type RuleTestCase, type RuleTestResult } from './rule-tests.ts';
export type { RuleScope } from './cel.ts';
export { createCelEnvironment, compileCelIn, celToText, positionIn } from './cel.ts';
