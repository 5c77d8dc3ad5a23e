/**
 * Image-name globs as Binary Authorization writes them: `*` matches within one path segment (never
 * `/`), `**` matches across segments; every other character is literal.
 *
 * Hand-written rather than translated to a RegExp: a pattern such as `**a**a**a**b` becomes a
 * backtracking regex whose time grows with a power of the name's length, and policy files are
 * untrusted input. This matcher is a dynamic programme over (pattern token, name position), so its
 * time is bounded by pattern length times name length whatever the pattern.
 */
import { inputError } from '../core/index.ts';

export const MAX_GLOB_LENGTH = 512;
/** Names longer than this never match: no valid image reference is that long. */
const MAX_SUBJECT_LENGTH = 2048;

type Token = { kind: 'literal'; text: string } | { kind: 'segment' } | { kind: 'any' };

export interface Glob {
  pattern: string;
  tokens: Token[];
}

export function compileGlob(pattern: string, where: string): Glob {
  if (pattern.length === 0) throw inputError(`${where}: a pattern must not be empty`);
  if (pattern.length > MAX_GLOB_LENGTH) throw inputError(`${where}: a pattern is at most ${MAX_GLOB_LENGTH} characters`);
  const tokens: Token[] = [];
  for (const part of pattern.split(/(\*+)/)) {
    if (part === '') continue;
    if (!part.startsWith('*')) tokens.push({ kind: 'literal', text: part });
    else if (part.length <= 2) tokens.push(part.length === 2 ? { kind: 'any' } : { kind: 'segment' });
    else throw inputError(`${where}: ${JSON.stringify(pattern.slice(0, 60))} has ${part.length} stars in a row (use * or **)`);
  }
  return { pattern, tokens };
}

export function matchGlob(glob: Glob, subject: string): boolean {
  if (subject.length > MAX_SUBJECT_LENGTH) return false;
  const size = subject.length + 1;
  // reach[j]: the tokens so far match subject.slice(0, j).
  let reach = new Uint8Array(size);
  reach[0] = 1;
  for (const token of glob.tokens) {
    const next = new Uint8Array(size);
    switch (token.kind) {
      case 'literal':
        for (let j = 0; j + token.text.length < size; j++) {
          if (reach[j] === 1 && subject.startsWith(token.text, j)) next[j + token.text.length] = 1;
        }
        break;
      case 'segment':
        for (let j = 0; j < size; j++) next[j] = reach[j] === 1 || (j > 0 && next[j - 1] === 1 && subject[j - 1] !== '/') ? 1 : 0;
        break;
      case 'any':
        for (let j = 0; j < size; j++) next[j] = reach[j] === 1 || (j > 0 && next[j - 1] === 1) ? 1 : 0;
        break;
    }
    reach = next;
  }
  return reach[size - 1] === 1;
}

/** True when any glob matches any of the names. */
export function matchAny(globs: readonly Glob[], names: readonly string[]): Glob | undefined {
  return globs.find((glob) => names.some((name) => matchGlob(glob, name)));
}
