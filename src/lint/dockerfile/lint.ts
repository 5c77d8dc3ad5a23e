/**
 * Runs the Dockerfile checks: parse, every enabled check, the custom CEL rules that select
 * Dockerfiles, inline ignores, and the findings and warnings in the shared lint model. Pure: inputs
 * are texts already read (read.ts reads files).
 */
import { inputError } from '../../core/index.ts';
import { dockerfileRuleDocument } from '../custom/dockerfile.ts';
import { evaluateCustomRules } from '../custom/evaluate.ts';
import type { CustomRule } from '../custom/rules-file.ts';
import type { CheckDefinition, LintFinding, LintReport } from '../model.ts';
import { DOCKERFILE_CHECKS, type DockerfileCheck, type DockerfileLintOptions } from './checks/index.ts';
import { IGNORE_WITHOUT_REASON, applyIgnores, readIgnores } from './ignores.ts';
import { stageLabel, type Instruction, type ParsedDockerfile } from './model.ts';
import { parseDockerfile } from './parse.ts';

export interface DockerfileInput {
  /** The file as the user named it ('-' for stdin). */
  file: string;
  text: string;
}

/** What a lint run takes: the checks' options plus custom rules (those without a Dockerfile kind are skipped). */
export interface LintDockerfileOptions extends DockerfileLintOptions {
  customRules?: readonly CustomRule[];
  /** Run only the custom rules, not the built-in checks (rule unit tests). */
  customRulesOnly?: boolean;
}

function enabledChecks(options: DockerfileLintOptions): DockerfileCheck[] {
  return DOCKERFILE_CHECKS.filter((check) => check.enabled?.(options) ?? true);
}

/** The custom rules whose kinds select Dockerfiles. */
function dockerfileRules(options: LintDockerfileOptions): CustomRule[] {
  return (options.customRules ?? []).filter((rule) => rule.definition.kind === 'dockerfile');
}

/** The definitions of every check that runs with these options, the inline-ignore check included. */
export function dockerfileCheckDefinitions(options: DockerfileLintOptions = {}): CheckDefinition[] {
  return [...enabledChecks(options).map((check) => check.definition), IGNORE_WITHOUT_REASON].map((definition) => ({ ...definition, kind: 'dockerfile' }));
}

/** Every Dockerfile check Portcullis has, whether or not options enable it (for documentation and ignores). */
export const ALL_DOCKERFILE_CHECK_IDS: ReadonlySet<string> = new Set([...DOCKERFILE_CHECKS.map((check) => check.definition.id), IGNORE_WITHOUT_REASON.id]);

export function lintDockerfile(input: DockerfileInput, options: LintDockerfileOptions = {}): { findings: LintFinding[]; warnings: string[] } {
  if (input.text.trim() === '') throw inputError(`${input.file}: the file is empty`);
  const dockerfile = parseDockerfile(input.text);
  if (dockerfile.stages.length === 0) throw inputError(`${input.file}: no FROM instruction, so this is not a Dockerfile`);
  const warnings = [...dockerfile.warnings];
  const findings = options.customRulesOnly ? [] : builtInFindings(dockerfile, input.file, options, warnings);
  const rules = dockerfileRules(options);
  findings.push(...customRuleFindings(dockerfile, input.file, rules, warnings));
  const ignores = readIgnores(dockerfile, input.file, new Set([...ALL_DOCKERFILE_CHECK_IDS, ...rules.map((rule) => rule.definition.id)]));
  warnings.push(...ignores.warnings);
  // PC-DF-031 is a built-in check: a custom-rules-only run does not report it.
  const ignoreFindings = options.customRulesOnly ? [] : ignores.findings;
  return { findings: applyIgnores([...findings, ...ignoreFindings], ignores.ignores), warnings };
}

export function lintDockerfiles(inputs: readonly DockerfileInput[], options: LintDockerfileOptions = {}): LintReport {
  const checks = [...(options.customRulesOnly ? [] : dockerfileCheckDefinitions(options)), ...dockerfileRules(options).map((rule) => rule.definition)];
  const report: LintReport = { kind: 'dockerfile', files: inputs.map((input) => input.file), checks, findings: [], warnings: [] };
  for (const input of inputs) {
    const { findings, warnings } = lintDockerfile(input, options);
    report.findings.push(...findings);
    report.warnings.push(...warnings.map((message) => ({ file: input.file, message })));
  }
  return report;
}

function builtInFindings(dockerfile: ParsedDockerfile, file: string, options: DockerfileLintOptions, warnings: string[]): LintFinding[] {
  const context = { options, warn: (message: string) => warnings.push(message) };
  const findings: LintFinding[] = [];
  for (const check of enabledChecks(options)) {
    for (const hit of check.run(dockerfile, context)) {
      findings.push({ checkId: check.definition.id, severity: check.definition.severity, message: hit.message, file, ...placeOf(dockerfile, hit.instruction) });
    }
  }
  return findings;
}

/**
 * Custom rule findings, placed like built-in ones: the instruction's lines and its stage label
 * (`stage build`), so reports and inline ignores treat both alike.
 */
function customRuleFindings(dockerfile: ParsedDockerfile, file: string, rules: readonly CustomRule[], warnings: string[]): LintFinding[] {
  if (rules.length === 0) return [];
  const evaluation = evaluateCustomRules(rules, dockerfileRuleDocument(file, dockerfile), { includeResource: false });
  warnings.push(...evaluation.warnings.map((warning) => warning.message));
  const byLine = new Map(dockerfile.instructions.map((instruction) => [instruction.line, instruction]));
  return evaluation.findings.map((finding) => {
    const instruction = byLine.get(finding.line);
    return instruction === undefined ? finding : { ...finding, ...placeOf(dockerfile, instruction) };
  });
}

function placeOf(dockerfile: ParsedDockerfile, instruction: Instruction): Pick<LintFinding, 'line' | 'endLine' | 'resource'> {
  const stage = dockerfile.stages[instruction.stage];
  return {
    line: instruction.line,
    ...(instruction.endLine > instruction.line && { endLine: instruction.endLine }),
    ...(stage !== undefined && { resource: stageLabel(stage) }),
  };
}
