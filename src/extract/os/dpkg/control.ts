/**
 * One deb822 paragraph as dpkg writes it in its status database and in control files:
 * `Field: value` lines, continuation lines starting with a space or tab. Field names are
 * case-insensitive (dpkg compares them so), so they are stored lower-cased.
 */
import { quoteForWarning } from '../file-text.ts';

/** Field name (printable ASCII but ':' and space) and value. */
const FIELD_LINE = /^([!-9;-~]+):(.*)$/;

/**
 * Parses the text of one paragraph into lower-cased field name -> value (continuation lines
 * joined with '\n'). Each line that has to be skipped is reported to `problem`; `firstLine`
 * numbers the lines for those messages.
 */
export function parseControlParagraph(text: string, firstLine: number, problem: (message: string) => void): Map<string, string> {
  const fields = new Map<string, string>();
  let current: string | undefined;
  const lines = text.split('\n');
  lines.forEach((rawLine, index) => {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const lineNumber = firstLine + index;
    if (line.trim() === '') return;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (current === undefined) {
        problem(`line ${lineNumber}: continuation line before any field`);
      } else {
        fields.set(current, `${fields.get(current) ?? ''}\n${line.slice(1)}`);
      }
      return;
    }
    const match = FIELD_LINE.exec(line);
    if (match?.[1] === undefined) {
      problem(`line ${lineNumber}: not a "Field: value" line: ${quoteForWarning(line)}`);
      current = undefined;
      return;
    }
    const name = match[1].toLowerCase();
    if (fields.has(name)) {
      problem(`line ${lineNumber}: duplicate field ${quoteForWarning(match[1])}; first kept`);
      current = undefined;
      return;
    }
    fields.set(name, (match[2] ?? '').trim());
    current = name;
  });
  return fields;
}
