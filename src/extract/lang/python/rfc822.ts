/**
 * The header block of Python core metadata files (METADATA, PKG-INFO): RFC 822 style `Name: value`
 * lines, continuation lines indented, ended by the first blank line (the long description follows
 * and is not read). Hand-written because the format is this small and Node has no parser for it.
 */

export interface MetadataHeaders {
  /** Header values by lower-cased name, in file order (Classifier repeats). */
  values: Map<string, string[]>;
  /** Lines that are neither a header nor a continuation, for warnings. */
  malformedLines: number;
}

export function parseMetadataHeaders(content: string): MetadataHeaders {
  const values = new Map<string, string[]>();
  let malformedLines = 0;
  let current: { name: string; lines: string[] } | undefined;
  const flush = (): void => {
    if (current === undefined) return;
    const list = values.get(current.name) ?? [];
    list.push(current.lines.join('\n').trim());
    values.set(current.name, list);
    current = undefined;
  };
  for (const line of content.split(/\r?\n/)) {
    // Only an empty line ends the headers: setuptools folds blank lines of a long License as
    // whitespace-only continuation lines.
    if (line === '') break;
    if (/^[ \t]/.test(line)) {
      if (current === undefined) malformedLines += 1;
      else current.lines.push(line.trim());
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    if (colon <= 0) {
      malformedLines += 1;
      continue;
    }
    current = { name: line.slice(0, colon).trim().toLowerCase(), lines: [line.slice(colon + 1).trim()] };
  }
  flush();
  return { values, malformedLines };
}

/** The first value of a header, when it has visible content. */
export function firstValue(headers: MetadataHeaders, name: string): string | undefined {
  const value = headers.values.get(name.toLowerCase())?.[0];
  return value === undefined || value === '' ? undefined : value;
}
