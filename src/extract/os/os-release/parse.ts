/**
 * The os-release(5) grammar: one `KEY=value` assignment per line, `#` comments and blank lines
 * ignored, values optionally enclosed in shell-style single or double quotes with shell escapes.
 * Hand-written because it is a dozen lines of a tiny grammar and no maintained npm package parses
 * it with the quoting rules; a line that breaks them is reported and skipped, the rest kept.
 */

export interface OsReleaseParse {
  /** Assignments in file order; a later assignment of the same key wins. */
  fields: Map<string, string>;
  /** One message per malformed line. */
  problems: string[];
}

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseOsRelease(text: string): OsReleaseParse {
  const fields = new Map<string, string>();
  const problems: string[] = [];
  text.split('\n').forEach((rawLine, index) => {
    const line = rawLine.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) return;
    const equals = line.indexOf('=');
    const key = equals === -1 ? line : line.slice(0, equals);
    if (equals === -1 || !KEY.test(key)) {
      problems.push(`line ${index + 1}: not a KEY=value assignment`);
      return;
    }
    const value = unquoteShellWord(line.slice(equals + 1));
    if (typeof value !== 'string') {
      problems.push(`line ${index + 1}: ${key}: ${value.error}`);
      return;
    }
    fields.set(key, value);
  });
  return { fields, problems };
}

/** Characters a backslash escapes inside double quotes (elsewhere it is kept literally). */
const DOUBLE_QUOTE_ESCAPABLE = new Set(['$', '`', '"', '\\']);

/**
 * Reads one shell word (the right-hand side of an assignment): unquoted, '...' and "..." parts
 * concatenated, as a POSIX shell would without expansions.
 */
function unquoteShellWord(word: string): string | { error: string } {
  let value = '';
  let index = 0;
  while (index < word.length) {
    const char = word[index]!;
    if (char === "'") {
      const close = word.indexOf("'", index + 1);
      if (close === -1) return { error: 'unterminated single quote' };
      value += word.slice(index + 1, close);
      index = close + 1;
    } else if (char === '"') {
      index += 1;
      let closed = false;
      while (index < word.length) {
        const inner = word[index]!;
        if (inner === '"') {
          closed = true;
          index += 1;
          break;
        }
        if (inner === '\\' && index + 1 < word.length && DOUBLE_QUOTE_ESCAPABLE.has(word[index + 1]!)) {
          value += word[index + 1];
          index += 2;
        } else {
          if (inner === '$' || inner === '`') return { error: `unescaped ${inner} (shell expansion is not supported)` };
          value += inner;
          index += 1;
        }
      }
      if (!closed) return { error: 'unterminated double quote' };
    } else if (char === '\\') {
      if (index + 1 >= word.length) return { error: 'trailing backslash' };
      value += word[index + 1];
      index += 2;
    } else if (char === ' ' || char === '\t') {
      return { error: 'unquoted whitespace in value' };
    } else if (char === '$' || char === '`') {
      return { error: `unescaped ${char} (shell expansion is not supported)` };
    } else {
      value += char;
      index += 1;
    }
  }
  return value;
}
