/**
 * Runs the Dockerfile checks: parse, every enabled check, inline ignores, and the findings and
 * warnings in the shared lint model. Pure: inputs are texts already read (read.ts reads files).
 */
import { inputError } from '../../core/index.ts';
import type { CheckDefinition, LintFinding, LintReport } from '../model.ts';
import { DOCKERFILE_CHECKS, type DockerfileCheck, type DockerfileLintOptions } from './checks/index.ts';
import { IGNORE_WITHOUT_REASON, applyIgnores, readIgnores } from './ignores.ts';
import { stageLabel } from './model.ts';
import { parseDockerfile } from './parse.ts';

export interface DockerfileInput {
  /** The file as the user named it ('-' for stdin). */
  file: string;
  text: string;
}

function enabledChecks(options: DockerfileLintOptions): DockerfileCheck[] {
  return DOCKERFILE_CHECKS.filter((check) => check.enabled?.(options) ?? true);
}

/** The definitions of every check that runs with these options, the inline-ignore check included. */
export function dockerfileCheckDefinitions(options: DockerfileLintOptions = {}): CheckDefinition[] {
  return [...enabledChecks(options).map((check) => check.definition), IGNORE_WITHOUT_REASON].map((definition) => ({ ...definition, kind: 'dockerfile' }));
}

/** Every Dockerfile check Portcullis has, whether or not options enable it (for documentation and ignores). */
export const ALL_DOCKERFILE_CHECK_IDS: ReadonlySet<string> = new Set([...DOCKERFILE_CHECKS.map((check) => check.definition.id), IGNORE_WITHOUT_REASON.id]);

export function lintDockerfile(input: DockerfileInput, options: DockerfileLintOptions = {}): { findings: LintFinding[]; warnings: string[] } {
  if (input.text.trim() === '') throw inputError(`${input.file}: the file is empty`);
  const dockerfile = parseDockerfile(input.text);
  if (dockerfile.stages.length === 0) throw inputError(`${input.file}: no FROM instruction, so this is not a Dockerfile`);
  const warnings = [...dockerfile.warnings];
  const context = { options, warn: (message: string) => warnings.push(message) };
  const findings: LintFinding[] = [];
  for (const check of enabledChecks(options)) {
    for (const hit of check.run(dockerfile, context)) {
      const { instruction } = hit;
      const stage = dockerfile.stages[instruction.stage];
      findings.push({
        checkId: check.definition.id,
        severity: check.definition.severity,
        message: hit.message,
        file: input.file,
        line: instruction.line,
        ...(instruction.endLine > instruction.line && { endLine: instruction.endLine }),
        ...(stage !== undefined && { resource: stageLabel(stage) }),
      });
    }
  }
  const ignores = readIgnores(dockerfile, input.file, ALL_DOCKERFILE_CHECK_IDS);
  warnings.push(...ignores.warnings);
  return { findings: applyIgnores([...findings, ...ignores.findings], ignores.ignores), warnings };
}

export function lintDockerfiles(inputs: readonly DockerfileInput[], options: DockerfileLintOptions = {}): LintReport {
  const report: LintReport = { kind: 'dockerfile', files: inputs.map((input) => input.file), checks: dockerfileCheckDefinitions(options), findings: [], warnings: [] };
  for (const input of inputs) {
    const { findings, warnings } = lintDockerfile(input, options);
    report.findings.push(...findings);
    report.warnings.push(...warnings.map((message) => ({ file: input.file, message })));
  }
  return report;
}
