/**
 * The adapter over `dockerfile-ast`: turns its tree into the plain model the checks read
 * (model.ts). The parser handles continuations, the escape directive, heredocs and flags; this
 * module adds what Docker does on top: stages and their names, ARG substitution in FROM, the exec
 * (JSON) form, and what a RUN's shell will run.
 */
import { Copy, DockerfileParser, type Instruction as AstInstruction, ModifiableInstruction, PropertyInstruction, Run } from 'dockerfile-ast';
import { parseReference } from '../../core/index.ts';
import type { BaseImage, Instruction, ParsedDockerfile, Stage } from './model.ts';
import { type Pipeline, commandPipelines, isShell, shellPipelines } from './shell.ts';
import { substitute } from './substitute.ts';

const KNOWN_KEYWORDS = new Set([
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL',
  'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
]);

export function parseDockerfile(text: string): ParsedDockerfile {
  const tree = DockerfileParser.parse(text);
  const sourceLines = text.split(/\r?\n|\r/);
  const warnings: string[] = [];
  const instructions: Instruction[] = [];
  const stages: Stage[] = [];
  const globalArgs = new Map<string, string | undefined>();
  const stageNames = new Map<string, number>();

  const commentLines = [...tree.getComments(), ...tree.getDirectives()].map((node) => node.getRange().start.line + 1);
  for (const node of tree.getInstructions()) {
    const instruction = toInstruction(node, sourceLines, commentLines, stages.length - 1);
    instructions.push(instruction);
    if (!KNOWN_KEYWORDS.has(instruction.keyword)) warnings.push(`line ${instruction.line}: unknown instruction ${instruction.keyword}`);
    if (instruction.keyword === 'FROM') {
      instruction.stage = stages.length;
      const stage = stageOf(instruction, stages.length, stageNames, globalArgs, warnings);
      stages.push(stage);
      // A later stage of the same name shadows the earlier one for the FROMs after it.
      if (stage.name !== undefined) stageNames.set(stage.name, stage.index);
    } else if (stages.length === 0) {
      // Only ARG may come before the first FROM; its defaults are what FROM can substitute.
      if (instruction.keyword === 'ARG') for (const { name, value } of instruction.properties) globalArgs.set(name, value);
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }

  // Parser directives are comments to Docker once they stop being directives; an ignore comment on
  // the first line looks like one (`# portcullis:ignore=...`), so both are read from the source.
  const comments = [...new Set(commentLines)]
    .sort((a, b) => a - b)
    .map((line) => ({ line, text: (sourceLines[line - 1] ?? '').replace(/^\s*#/, '').trim() }));
  return { instructions, stages, comments, warnings };
}

function toInstruction(node: AstInstruction, sourceLines: readonly string[], commentLines: readonly number[], stage: number): Instruction {
  const keyword = node.getKeyword().toUpperCase();
  const range = node.getRange();
  const text = withoutContinuationComments(node.getArgumentsContent() ?? '', range.start.line + 1, range.end.line + 1, sourceLines, commentLines);
  const flags = node instanceof ModifiableInstruction ? node.getFlags() : [];
  const heredocs = (node instanceof Run || node instanceof Copy ? node.getHeredocs() : []).map((heredoc) => {
    const content = heredoc.getContentRange();
    const body = content === null ? '' : sourceLines.slice(content.start.line, content.end.line + 1).join('\n');
    return { name: heredoc.getName(), body };
  });
  const properties = node instanceof PropertyInstruction ? node.getProperties().map((property) => ({ name: property.getName(), value: property.getValue() ?? undefined })) : [];
  const instruction: Instruction = {
    keyword,
    line: range.start.line + 1,
    endLine: range.end.line + 1,
    text,
    words: node.getArguments().map((argument) => argument.getValue()),
    flags: flags.map((flag) => ({ name: flag.getName(), value: flag.getValue() ?? undefined })),
    exec: execForm(text),
    heredocs,
    properties,
    commands: [],
    stage,
  };
  if (keyword === 'RUN') instruction.commands = runCommands(instruction);
  return instruction;
}

/**
 * Docker drops comment lines inside a continuation; the parser keeps them, each ending in a newline,
 * where they would otherwise end the command early (`apt-get install \ # note \n make`).
 */
function withoutContinuationComments(text: string, first: number, last: number, sourceLines: readonly string[], commentLines: readonly number[]): string {
  let cleaned = text;
  for (const line of commentLines) {
    if (line <= first || line > last) continue;
    cleaned = cleaned.replace(`${(sourceLines[line - 1] ?? '').trim()}\n`, ' ');
  }
  return cleaned;
}

/** The exec form is a JSON array of strings; anything else (even `[` that is not JSON) is shell form, as in Docker. */
function execForm(text: string): string[] | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What a RUN's shell runs. Heredoc bodies are the script when the first line runs nothing else or
 * a shell (`RUN <<EOF`, `RUN bash <<EOF`); for any other command (`RUN python3 <<EOF`) they are
 * that program's input, not shell.
 */
function runCommands(instruction: Instruction): Pipeline[] {
  if (instruction.exec !== undefined) return commandPipelines(instruction.exec);
  if (instruction.heredocs.length === 0) return shellPipelines(instruction.text);
  const firstLine = (instruction.text.split('\n')[0] ?? '').replace(/<<-?\s*(["']?)[A-Za-z0-9_.-]+\1/g, ' ');
  const runner = firstLine.trim().split(/\s+/)[0] ?? '';
  const bodiesAreScript = runner === '' || runner === '&&' || isShell(runner.slice(runner.lastIndexOf('/') + 1));
  const script = bodiesAreScript ? [firstLine, ...instruction.heredocs.map((heredoc) => heredoc.body)].join('\n') : firstLine;
  return shellPipelines(script);
}

function stageOf(from: Instruction, index: number, stageNames: ReadonlyMap<string, number>, globalArgs: ReadonlyMap<string, string | undefined>, warnings: string[]): Stage {
  const [image = '', as, name] = from.words;
  const stageName = as?.toUpperCase() === 'AS' && name !== undefined ? name.toLowerCase() : undefined;
  return { index, name: stageName, from, base: baseImage(image, stageNames, globalArgs, from.line, warnings), instructions: [] };
}

function baseImage(written: string, stageNames: ReadonlyMap<string, number>, globalArgs: ReadonlyMap<string, string | undefined>, line: number, warnings: string[]): BaseImage {
  if (written === '') {
    warnings.push(`line ${line}: FROM names no image`);
    return { kind: 'unknown', text: '', reason: 'FROM names no image' };
  }
  const { text, unresolved } = substitute(written, globalArgs);
  if (unresolved.length > 0) {
    const reason = `the image is set at build time (ARG ${unresolved.join(', ')} has no default)`;
    warnings.push(`line ${line}: FROM ${written}: ${reason}; the base image checks could not judge it`);
    return { kind: 'unknown', text, reason };
  }
  if (text.toLowerCase() === 'scratch') return { kind: 'scratch' };
  const earlier = stageNames.get(text.toLowerCase());
  if (earlier !== undefined) return { kind: 'stage', index: earlier };
  try {
    return { kind: 'image', text, reference: parseReference(text) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    warnings.push(`line ${line}: FROM ${text}: ${reason}`);
    return { kind: 'unknown', text, reason };
  }
}
