/**
 * Column layout for the reports people read at a terminal (scan, lint): widths measured on the
 * visible text (wide characters count double), the last column shrunk to fit the terminal, padding
 * applied before colour so escape codes never shift a column, colour only when the caller asks.
 */
import { styleText } from 'node:util';
import stringWidth from 'string-width';

export type TextStyle = Parameters<typeof styleText>[0];

export const COLUMN_GAP = '  ';
export const COLUMN_INDENT = '  ';

/** Styles text when `color` is on (a terminal, no --output); plain text otherwise. */
export function painter(color: boolean): (style: TextStyle, text: string) => string {
  return (style, text) => (color && text !== '' ? styleText(style, text, { validateStream: false }) : text);
}

/** Each column as wide as its heading or widest cell. */
export function columnWidths(headings: readonly string[], rows: readonly (readonly string[])[]): number[] {
  return headings.map((heading, column) => Math.max(stringWidth(heading), ...rows.map((row) => stringWidth(row[column] ?? ''))));
}

/** Shrinks the last column (never below `minimum`) so an indented table fits `width` columns. */
export function fitLastColumn(widths: number[], width: number | undefined, minimum: number): void {
  if (width === undefined) return;
  const others = widths.slice(0, -1).reduce((sum, w) => sum + w + COLUMN_GAP.length, COLUMN_INDENT.length);
  widths[widths.length - 1] = Math.max(minimum, Math.min(widths.at(-1) ?? 0, width - others));
}

/** One row, each cell padded to its column; `style` colours a cell after its padding is measured. */
export function renderColumns(cells: readonly string[], widths: readonly number[], style: (cell: string, column: number) => string = (cell) => cell): string {
  return cells
    .map((cell, column) => style(cell, column) + (column === cells.length - 1 ? '' : ' '.repeat(Math.max(0, (widths[column] ?? 0) - stringWidth(cell)))))
    .join(COLUMN_GAP)
    .trimEnd();
}
