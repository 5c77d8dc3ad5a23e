/**
 * Java `.properties` files as java.util.Properties reads them (pom.properties is one): ISO-8859-1
 * text, `#`/`!` comments, `key=value`, `key: value` or `key value`, backslash line continuation,
 * and backslash escapes including `\uXXXX`.
 */

export function parseProperties(bytes: Buffer): Map<string, string> {
  const properties = new Map<string, string>();
  for (const line of logicalLines(bytes.toString('latin1'))) {
    const { key, value } = splitKeyValue(line);
    properties.set(unescape(key), unescape(value));
  }
  return properties;
}

/** Non-blank, non-comment lines with continuations joined (leading whitespace of a continuation dropped). */
function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let pending: string | undefined;
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = pending === undefined ? raw.trimStart() : raw.replace(/^[ \t\f]+/, '');
    if (pending === undefined && (line === '' || line.startsWith('#') || line.startsWith('!'))) continue;
    const continued = /(?:^|[^\\])(?:\\\\)*\\$/.test(line);
    const content = continued ? line.slice(0, -1) : line;
    pending = (pending ?? '') + content;
    if (!continued) {
      lines.push(pending);
      pending = undefined;
    }
  }
  if (pending !== undefined) lines.push(pending);
  return lines;
}

/** The key ends at the first unescaped '=', ':' or whitespace; one separator and the whitespace around it go. */
function splitKeyValue(line: string): { key: string; value: string } {
  let i = 0;
  while (i < line.length && !/[=: \t\f]/.test(line[i]!)) i += line[i] === '\\' ? 2 : 1;
  const key = line.slice(0, Math.min(i, line.length));
  let rest = line.slice(key.length).replace(/^[ \t\f]+/, '');
  if (rest.startsWith('=') || rest.startsWith(':')) rest = rest.slice(1).replace(/^[ \t\f]+/, '');
  return { key, value: rest };
}

const ESCAPES: Readonly<Record<string, string>> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescape(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, escape: string) =>
    escape.length === 5 ? String.fromCharCode(Number.parseInt(escape.slice(1), 16)) : (ESCAPES[escape] ?? escape),
  );
}
