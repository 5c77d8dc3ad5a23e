/**
 * Parser for yarn.lock version 1. The format is yarn's own (neither YAML nor JSON) and no
 * maintained standalone parser exists, so it is read by hand: a block per resolved package whose
 * header lists the ranges that resolved to it, followed by two-space indented `key value` fields.
 * Nested blocks (dependencies) are skipped: only the package's own fields matter here.
 */

export interface YarnV1Entry {
  /** The header's specifiers ("@babel/core@^7.0.0"), unquoted. */
  specifiers: string[];
  /** The entry's own fields (version, resolved, integrity), unquoted. */
  fields: Map<string, string>;
  /** 1-based line of the header, for warnings. */
  line: number;
}

export interface YarnV1Parse {
  entries: YarnV1Entry[];
  /** Lines that fit no rule of the format, described for warnings. */
  problems: string[];
}

const MAX_PROBLEMS = 20;

export function parseYarnV1(content: string): YarnV1Parse {
  const entries: YarnV1Entry[] = [];
  const problems: string[] = [];
  const problem = (message: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push(message);
  };
  let current: YarnV1Entry | undefined;
  const lines = content.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const lineNumber = index + 1;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) return;
    const indent = raw.length - raw.trimStart().length;
    const line = raw.trim();
    if (indent === 0) {
      if (!line.endsWith(':')) {
        problem(`line ${lineNumber}: expected a package header ending in ':'`);
        current = undefined;
        return;
      }
      current = { specifiers: splitSpecifiers(line.slice(0, -1)), fields: new Map(), line: lineNumber };
      entries.push(current);
      return;
    }
    if (current === undefined || indent !== 2 || line.endsWith(':')) return;
    const field = parseField(line);
    if (field === undefined) {
      problem(`line ${lineNumber}: unreadable field`);
      return;
    }
    current.fields.set(field[0], field[1]);
  });
  return { entries, problems };
}

/** `"a@^1", a@^2` -> ["a@^1", "a@^2"]. */
function splitSpecifiers(header: string): string[] {
  return header
    .split(',')
    .map((part) => unquote(part.trim()))
    .filter((part): part is string => part !== undefined && part !== '');
}

/** `version "1.2.3"` or `version 1.2.3` -> ["version", "1.2.3"]. */
function parseField(line: string): [string, string] | undefined {
  const match = /^("(?:[^"\\]|\\.)*"|[^\s"]+)\s+(.+)$/.exec(line);
  if (match === null) return undefined;
  const key = unquote(match[1] ?? '');
  const value = unquote((match[2] ?? '').trim());
  return key === undefined || value === undefined ? undefined : [key, value];
}

/** Strips JSON-style double quotes; undefined for a broken quoted string. */
function unquote(value: string): string | undefined {
  if (!value.startsWith('"')) return value;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
