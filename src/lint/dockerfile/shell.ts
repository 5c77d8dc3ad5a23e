/**
 * What a RUN instruction runs, as commands the checks can read: the shell script split into
 * pipelines of simple commands (argv arrays), with the wrappers that do not change what runs
 * (`VAR=value` prefixes, `env`, `sudo`, `nohup`, shell keywords) taken off the front and
 * `sh -c '...'` scripts opened up. Tokenising is `shell-quote`'s; this module only groups its tokens.
 */
import { type ParseEntry, parse as parseShellWords } from 'shell-quote';

export interface ShellCommand {
  /** The command name without its directory (`apt-get` for `/usr/bin/apt-get`). */
  name: string;
  /** The arguments after the name, as the shell passes them (quotes removed, `$VAR` kept as text). */
  args: string[];
  /** The wrappers taken off the front (`sudo`, `env`), in order. */
  wrappers: string[];
}

/** Commands joined by `|`: the output of each feeds the next. */
export type Pipeline = ShellCommand[];

const SEPARATORS = new Set([';', '&&', '||', '&', ';;', '(', ')', '|&']);
const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', 'for', 'case', 'esac', '!', '{', '}', 'time', 'exec']);
const WRAPPERS = new Set(['sudo', 'env', 'nohup', 'nice', 'doas', 'command', 'stdbuf', 'timeout']);
const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh']);
/** Deepest `sh -c "sh -c '...'"` nesting opened; deeper scripts are read as plain words. */
const MAX_NESTING = 4;

/** The pipelines of a shell script: lines joined at trailing backslashes, comment lines dropped. */
export function shellPipelines(script: string, depth = 0): Pipeline[] {
  const pipelines: Pipeline[] = [];
  for (const line of logicalLines(script)) {
    let pipeline: Pipeline = [];
    let words: string[] = [];
    const endCommand = () => {
      const command = commandOf(words);
      words = [];
      if (command === undefined) return;
      const inner = innerPipelines(command, depth);
      if (inner === undefined) pipeline.push(command);
      else pipelines.push(...inner);
    };
    const endPipeline = () => {
      endCommand();
      if (pipeline.length > 0) pipelines.push(pipeline);
      pipeline = [];
    };
    for (const token of tokens(line)) {
      if (typeof token === 'string') words.push(token);
      else if ('comment' in token) break;
      else if ('pattern' in token) words.push(token.pattern);
      else if (token.op === '|') endCommand();
      else if (SEPARATORS.has(token.op)) endPipeline();
      // Redirections (`>`, `2>&1`, `<`) take the next word as their target, not as an argument.
      else words.push(`\u0000${token.op}`);
    }
    endPipeline();
  }
  return pipelines;
}

/**
 * The pipelines of one command given as words (an exec-form argv, or the words between two
 * separators): itself, or the pipelines of the script it runs when it is `sh -c '...'`.
 */
export function commandPipelines(words: readonly string[]): Pipeline[] {
  const command = commandOf(words);
  if (command === undefined) return [];
  return innerPipelines(command, 0) ?? [[command]];
}

function tokens(line: string): ParseEntry[] {
  try {
    // Variables stay as written: the checks look at the text, and the build's values are unknown here.
    return parseShellWords(line, (name): string => `$${name}`);
  } catch {
    // shell-quote rejects a few constructs (unbalanced quotes); plain words are still worth reading.
    return line.split(/\s+/).filter((word) => word !== '');
  }
}

/** Lines as the shell reads them: backslash-newline joins, `#` lines (inside continuations too) go. */
function logicalLines(script: string): string[] {
  const joined = script.replace(/\\\r?\n/g, ' ');
  return joined.split(/\r?\n/).filter((line) => !/^\s*#/.test(line) && line.trim() !== '');
}

function commandOf(rawWords: readonly string[]): ShellCommand | undefined {
  const words = dropRedirections(rawWords);
  const wrappers: string[] = [];
  let index = 0;
  while (index < words.length) {
    const word = words[index]!;
    if (KEYWORDS.has(word) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) {
      index += 1;
    } else if (WRAPPERS.has(baseName(word))) {
      wrappers.push(baseName(word));
      index += 1;
      // Options of the wrapper (`sudo -u app`, `timeout 30`) are not the command.
      while (index < words.length && (words[index]!.startsWith('-') || /^\d+[smhd]?$/.test(words[index]!))) {
        index += /^-[ugCDrt]$/.test(words[index]!) ? 2 : 1;
      }
    } else {
      break;
    }
  }
  const name = words[index];
  if (name === undefined) return undefined;
  return { name: baseName(name), args: words.slice(index + 1), wrappers };
}

function dropRedirections(words: readonly string[]): string[] {
  const kept: string[] = [];
  for (let index = 0; index < words.length; index += 1) {
    const word = words[index]!;
    if (word.startsWith('\u0000')) {
      index += 1;
      // A trailing file descriptor (`2` of `2>`) was read as a word before the operator.
      if (/^\d$/.test(kept.at(-1) ?? '')) kept.pop();
    } else {
      kept.push(word);
    }
  }
  return kept;
}

/** The pipelines of the script of `sh -c 'script'` / `bash -lc "script"`; undefined for other commands. */
function innerPipelines(command: ShellCommand, depth: number): Pipeline[] | undefined {
  if (!SHELLS.has(command.name) || depth >= MAX_NESTING) return undefined;
  const flag = command.args.findIndex((arg) => /^-[a-z]*c[a-z]*$/.test(arg));
  const script = flag === -1 ? undefined : command.args[flag + 1];
  return script === undefined ? undefined : shellPipelines(script, depth + 1);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function isShell(name: string): boolean {
  return SHELLS.has(name);
}
