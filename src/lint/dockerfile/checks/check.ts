/**
 * What a Dockerfile check is: its definition (id, severity, fix, compliance) and a pure function
 * from the parsed Dockerfile to hits. The runner (lint.ts) turns hits into findings, so a check
 * says only where and what.
 */
import type { CheckDefinition } from '../../model.ts';
import type { Instruction, ParsedDockerfile, Stage } from '../model.ts';
import type { Pipeline, ShellCommand } from '../shell.ts';

export interface DockerfileLintOptions {
  /**
   * Registries or repository prefixes base images may come from (`ghcr.io/acme`,
   * `docker.io/library`); when set, PC-DF-003 runs.
   */
  allowedRegistries?: readonly string[];
}

export interface Hit {
  /** The instruction the hit is about (its first line is the finding's line). */
  instruction: Instruction;
  message: string;
}

export interface CheckContext {
  options: DockerfileLintOptions;
  /** A problem that kept the check from judging part of the file (reported, never fatal). */
  warn(message: string): void;
}

export interface DockerfileCheck {
  definition: Omit<CheckDefinition, 'kind'>;
  /** Whether the check runs with these options (PC-DF-003 needs an allow-list). */
  enabled?(options: DockerfileLintOptions): boolean;
  run(dockerfile: ParsedDockerfile, context: CheckContext): Hit[];
}

/** One command of a RUN, with the instruction and the pipeline it belongs to. */
export interface RunCommand {
  instruction: Instruction;
  pipeline: Pipeline;
  command: ShellCommand;
}

const runCommandsCache = new WeakMap<ParsedDockerfile, RunCommand[]>();

/** Every command of every RUN, in order; computed once per Dockerfile, as most checks read it. */
export function runCommands(dockerfile: ParsedDockerfile): RunCommand[] {
  let commands = runCommandsCache.get(dockerfile);
  if (commands === undefined) {
    commands = dockerfile.instructions.flatMap((instruction) =>
      instruction.commands.flatMap((pipeline) => pipeline.map((command) => ({ instruction, pipeline, command }))),
    );
    runCommandsCache.set(dockerfile, commands);
  }
  return commands;
}

export function finalStage(dockerfile: ParsedDockerfile): Stage | undefined {
  return dockerfile.stages.at(-1);
}

/**
 * The instruction's value in `stage` or in the earlier stages it is built on (`FROM build`): the
 * last one wins, as in the image. Undefined when neither sets it (the base image decides).
 */
export function inherited(dockerfile: ParsedDockerfile, stage: Stage, keyword: string): Instruction | undefined {
  const seen = new Set<number>();
  for (let current: Stage | undefined = stage; current !== undefined && !seen.has(current.index); ) {
    seen.add(current.index);
    const own = current.instructions.filter((instruction) => instruction.keyword === keyword).at(-1);
    if (own !== undefined) return own;
    current = current.base.kind === 'stage' ? dockerfile.stages[current.base.index] : undefined;
  }
  return undefined;
}

/** Whether a command has an option, in long form or as a letter in a short cluster (`-y`, `-qy`). */
export function hasOption(args: readonly string[], long: readonly string[], short = ''): boolean {
  return args.some(
    (arg) =>
      long.some((name) => arg === name || arg.startsWith(`${name}=`)) ||
      (short !== '' && /^-[A-Za-z]+$/.test(arg) && [...short].some((letter) => arg.slice(1).includes(letter))),
  );
}

/** The positional arguments after the subcommand, skipping options and the values of `valued` options. */
export function operands(args: readonly string[], subcommandIndex: number, valued: ReadonlySet<string> = new Set()): string[] {
  const found: string[] = [];
  for (let index = subcommandIndex + 1; index < args.length; index += 1) {
    const arg = args[index]!;
    if (arg.startsWith('-')) {
      if (valued.has(arg)) index += 1;
      continue;
    }
    found.push(arg);
  }
  return found;
}

/** `a, b, c and 4 more`: lists in messages stay one line. */
export function listed(items: readonly string[], max = 5): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}
