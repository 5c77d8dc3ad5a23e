/**
 * A Dockerfile as the checks read it: plain data made from the parser's tree, so the checks never
 * depend on the parser library's classes. Lines are 1-based throughout.
 */
import type { Reference } from '../../core/index.ts';
import type { Pipeline } from './shell.ts';

export interface Instruction {
  /** Upper case: RUN, FROM, COPY, ... (unknown words too, as written). */
  keyword: string;
  /** First and last line of the instruction (continuations and heredocs included). */
  line: number;
  endLine: number;
  /** The arguments after any `--flags`, continuation lines joined, heredoc bodies included. */
  text: string;
  /** `text` split into words (quotes kept as written). */
  words: string[];
  /** `--name=value` flags before the arguments (`--from`, `--chown`, `--mount`, `--security`). */
  flags: Array<{ name: string; value: string | undefined }>;
  /** The JSON array of the exec form (`["sh", "-c", "..."]`); undefined for the shell form. */
  exec: string[] | undefined;
  /** Heredocs (`<<EOF ... EOF`): their names and bodies. */
  heredocs: Array<{ name: string; body: string }>;
  /** ENV, ARG and LABEL: each `name=value` (value undefined for `ARG NAME`). */
  properties: Array<{ name: string; value: string | undefined }>;
  /** RUN: what the shell runs, as pipelines of commands; empty for other instructions. */
  commands: Pipeline[];
  /** Index of the build stage it belongs to; -1 before the first FROM. */
  stage: number;
}

/** What a FROM names, after ARG substitution. */
export type BaseImage =
  | { kind: 'scratch' }
  /** An earlier stage of the same Dockerfile (`FROM build`). */
  | { kind: 'stage'; index: number }
  | { kind: 'image'; text: string; reference: Reference }
  /** A variable with no value (set only by `--build-arg`), or text that is not a reference. */
  | { kind: 'unknown'; text: string; reason: string };

export interface Stage {
  index: number;
  /** `AS name`, lower-cased as Docker compares stage names. */
  name: string | undefined;
  from: Instruction;
  base: BaseImage;
  instructions: Instruction[];
}

export interface ParsedDockerfile {
  /** Every instruction in order, those before the first FROM included. */
  instructions: Instruction[];
  stages: Stage[];
  /** Comment lines (parser directives excluded), text after the `#`. */
  comments: Array<{ line: number; text: string }>;
  /** Problems that did not stop the parse (unknown instruction, unresolvable FROM). */
  warnings: string[];
}

/** A stage's label for findings: its name, or its position. */
export function stageLabel(stage: Stage): string {
  return stage.name === undefined ? `stage ${stage.index}` : `stage ${stage.name}`;
}
