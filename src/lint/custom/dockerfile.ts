/**
 * The bridge from the Dockerfile parser to custom rules: a ParsedDockerfile as the plain
 * `instructions` list CEL rules read (docs/formats/custom-rules.md).
 */
import type { ParsedDockerfile } from '../dockerfile/model.ts';
import type { DockerfileInstructionView, RuleDocument } from './evaluate.ts';

export function dockerfileRuleDocument(file: string, parsed: ParsedDockerfile): RuleDocument {
  const stageNames = parsed.stages.map((stage) => stage.name ?? String(stage.index));
  const instructions = parsed.instructions.map(
    (instruction): DockerfileInstructionView => ({
      keyword: instruction.keyword,
      // Rules see the arguments as written: flags first, then the rest.
      arguments: [...instruction.flags.map((flag) => (flag.value === undefined ? `--${flag.name}` : `--${flag.name}=${flag.value}`)), instruction.text].filter((part) => part !== '').join(' '),
      line: instruction.line,
      // Instructions before the first FROM (global ARGs) belong to no stage.
      stage: stageNames[instruction.stage] ?? '',
    }),
  );
  return { type: 'dockerfile', file, instructions };
}
