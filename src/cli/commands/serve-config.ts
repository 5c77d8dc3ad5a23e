/**
 * `portcullis serve --config FILE`: the serve options in a YAML file. The keys are the long option
 * names of serve's option table (kebab-case, or the same name in camelCase), so every option serve
 * accepts on the command line is accepted here without a second list to keep in step. The command
 * line wins over the file. The file is untrusted input: size, encoding, syntax, alias expansion,
 * keys and value types are all checked, and every problem is reported with its line number.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import type { ParseArgsConfig } from 'node:util';
import { type Document, LineCounter, type Node, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { PortcullisError } from '../../core/index.ts';
import { type parseCommandLine, usageError } from '../args.ts';

type OptionTable = NonNullable<ParseArgsConfig['options']>;
type OptionValue = string | boolean | string[] | undefined;
/** What parseArgs makes of a command line for an option table. */
export type OptionValues<T extends OptionTable> = ReturnType<typeof parseCommandLine<T>>['values'];

export const CONFIG_OPTIONS = {
  config: { type: 'string' },
} as const;

export const CONFIG_HELP = `Configuration file (docs/config.md):
      --config FILE       read options from a YAML file whose keys are the long option names
                          above (listen: 127.0.0.1:5000, scan-workers: 2, webhook: [URL, ...]);
                          options on the command line win over the file`;

/** A configuration file is a few hundred bytes; anything near this is a mistake or an attack. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** Aliases a file may expand: enough for any real use, far too few for a "billion laughs" bomb. */
const MAX_ALIAS_COUNT = 100;
/** Problems listed in one error; a hostile file can have a hundred thousand. */
const MAX_REPORTED = 20;
/** Keys are quoted in messages up to this length: a hostile key can be a thousand characters. */
const MAX_QUOTED = 60;
/** Options that make no sense in the file: help, and a file naming another file. */
const NOT_IN_FILE: ReadonlySet<string> = new Set(['help', 'config']);
/**
 * Options whose value would be a secret itself. The file is often world-readable, versioned or
 * templated, so secrets stay out of it: they come from files named by `...-file` options.
 */
const SECRET_NAME = /(^|-)(secret|password|passphrase|pin|token|credentials?|creds|api-key|access-key|secret-key)$/;

function camelCase(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

/** The keys the file accepts, both spellings, each mapped to its option name. */
function acceptedKeys(options: OptionTable): Map<string, string> {
  const keys = new Map<string, string>();
  for (const name of Object.keys(options)) {
    if (NOT_IN_FILE.has(name)) continue;
    keys.set(name, name);
    keys.set(camelCase(name), name);
  }
  return keys;
}

/** The accepted key closest to a misspelt one (one edit per three letters, at most two), to suggest it. */
function closest(key: string, candidates: Iterable<string>): string | undefined {
  const allowed = Math.min(2, Math.floor(key.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(key.toLowerCase(), name.toLowerCase());
    if (distance <= allowed && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * Reads at most MAX_CONFIG_BYTES + 1 bytes of a regular file. Opened non-blocking so that a FIFO
 * cannot hang the start, and checked with fstat so that /dev/zero or a directory is refused.
 */
async function readConfigBytes(path: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw usageError(`--config ${path}: ${(error as Error).message}`);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw usageError(`--config ${path}: not a regular file`);
    const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > MAX_CONFIG_BYTES) throw new PortcullisError('INPUT', `--config ${path}: larger than ${MAX_CONFIG_BYTES} bytes`);
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

/** The text of the file; bad UTF-8 is refused with the line it is on. */
function decode(path: string, bytes: Buffer): string {
  if (isUtf8(bytes)) return bytes.toString('utf8').replace(/^\uFEFF/, '');
  let line = 1;
  let start = 0;
  for (let index = 0; index <= bytes.length; index++) {
    if (index < bytes.length && bytes[index] !== 0x0a) continue;
    if (!isUtf8(bytes.subarray(start, index))) break;
    line++;
    start = index + 1;
  }
  throw new PortcullisError('INPUT', `--config ${path}: line ${line}: not valid UTF-8`);
}

interface Located {
  line: number;
  message: string;
}

/** One line per problem, the first MAX_REPORTED of them, then how many more. */
function report(path: string, problems: readonly Located[]): string {
  const lines = problems.slice(0, MAX_REPORTED).map((entry) => `--config ${path}: line ${entry.line}: ${entry.message}`);
  if (problems.length > MAX_REPORTED) lines.push(`--config ${path}: ${problems.length - MAX_REPORTED} more problems`);
  return lines.join('\n');
}

function quote(key: string): string {
  return JSON.stringify(key.length > MAX_QUOTED ? `${key.slice(0, MAX_QUOTED)}...` : key);
}

type Checked = { ok: true; value: OptionValue } | { ok: false; problem: string };

/** The text of a scalar for a string option: strings, and numbers as written (`0700`, `2`). */
function scalarText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  if (typeof node.value === 'string') return node.value;
  // Kept as written rather than as JavaScript prints the number; the option's own parser checks it.
  if (typeof node.value === 'number' && typeof node.source === 'string') return node.source;
  return undefined;
}

/** One option's value from its YAML node, checked against the option's type. */
function optionValue(spec: OptionTable[string], node: unknown, document: Document): Checked {
  const resolved = isAlias(node) ? node.resolve(document) : node;
  if (resolved === null || resolved === undefined || (isScalar(resolved) && resolved.value === null)) return { ok: false, problem: 'has no value' };
  if (spec.type === 'boolean') {
    return isScalar(resolved) && typeof resolved.value === 'boolean' ? { ok: true, value: resolved.value } : { ok: false, problem: 'takes true or false' };
  }
  if (spec.multiple === true) {
    const items = isSeq(resolved) ? resolved.items.map((item) => (isAlias(item) ? item.resolve(document) : item)) : [resolved];
    const texts = items.map(scalarText);
    return texts.every((text): text is string => text !== undefined) ? { ok: true, value: texts } : { ok: false, problem: 'takes a string or a list of strings' };
  }
  const text = scalarText(resolved);
  return text === undefined ? { ok: false, problem: 'takes a string' } : { ok: true, value: text };
}

/**
 * Reads the configuration file at `path` and merges it under the command line: an option given on
 * the command line keeps its value (a repeatable option's list replaces the file's), every other
 * key of the file fills its option. `options` is the command's option table (the accepted keys);
 * `values` what parseArgs made of the command line. Throws USAGE for unknown keys, wrong types and
 * secrets; INPUT for a file that is too large, not UTF-8, not YAML, or expands too many aliases.
 */
export async function applyConfigFile<T extends OptionTable>(path: string, options: T, values: OptionValues<T>): Promise<OptionValues<T>> {
  const text = decode(path, await readConfigBytes(path));
  const lines = new LineCounter();
  // The library's own duplicate-key check is quadratic in the number of keys (minutes for a hostile
  // 1 MiB file); repeated options are found below, in one pass.
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  const lineOf = (offset: number | undefined) => lines.linePos(offset ?? 0).line;
  const broken = [...document.errors, ...document.warnings];
  if (broken.length > 0) {
    throw new PortcullisError('INPUT', report(path, broken.map((error) => ({ line: lineOf(error.pos[0]), message: error.message }))));
  }
  try {
    document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw new PortcullisError('INPUT', `--config ${path}: ${(error as Error).message} (more than ${MAX_ALIAS_COUNT} aliases)`);
  }
  const root = document.contents;
  if (root === null || (isScalar(root) && root.value === null)) return values;
  if (!isMap(root)) throw usageError(`--config ${path}: line ${lineOf(root.range?.[0])}: the file must be a mapping of option names to values`);

  const keys = acceptedKeys(options);
  const problems: Located[] = [];
  const seen = new Map<string, number>();
  const fromFile = new Map<string, OptionValue>();
  for (const pair of root.items) {
    const keyNode = pair.key as Node | null;
    const line = lineOf(keyNode?.range?.[0]);
    const key = isScalar(keyNode) && typeof keyNode.value === 'string' ? keyNode.value : undefined;
    const problem = (message: string) => problems.push({ line, message });
    if (key === undefined) {
      problem('keys must be option names');
      continue;
    }
    const name = keys.get(key);
    if (name === undefined) {
      // Suggestions only for the problems reported: a hostile file can hold a hundred thousand keys.
      const suggestion = NOT_IN_FILE.has(key) || problems.length >= MAX_REPORTED ? undefined : closest(key, keys.keys());
      const hint = NOT_IN_FILE.has(key) ? 'only on the command line' : suggestion === undefined ? 'see docs/config.md' : `did you mean ${suggestion}?`;
      problem(`unknown key ${quote(key)} (${hint})`);
      continue;
    }
    if (SECRET_NAME.test(name)) {
      const fileOption = Object.hasOwn(options, `${name}-file`) ? `--${name}-file` : 'an option naming a file that holds it';
      problem(`${key} would put a secret in the file: give ${fileOption} instead`);
      continue;
    }
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      problem(`${key} repeats ${name} from line ${earlier}`);
      continue;
    }
    seen.set(name, line);
    const checked = optionValue(options[name] ?? { type: 'string' }, pair.value, document);
    if (!checked.ok) {
      problem(`${key} ${checked.problem}`);
      continue;
    }
    fromFile.set(name, checked.value);
  }
  if (problems.length > 0) {
    throw usageError(report(path, problems));
  }
  const merged: Record<string, unknown> = { ...values };
  for (const [name, value] of fromFile) {
    if (merged[name] === undefined) merged[name] = value;
  }
  return merged as OptionValues<T>;
}
