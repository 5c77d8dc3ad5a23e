/**
 * The inventory for people at a terminal: a header naming the target, one row per package (TYPE,
 * NAME, VERSION, LAYER) grouped by type, packages sharing a purl merged as in the SBOMs, then counts.
 *
 * Every string from the target passes through `printable` first: package names come from untrusted
 * images, and an escape sequence in one must not drive the reader's terminal.
 */
import { styleText } from 'node:util';
import stringWidth from 'string-width';
import type { Inventory, Package } from '../inventory/index.ts';
import { displayName, layerLabel } from './display.ts';
import { mergeByPurl } from './order.ts';

export interface TableOptions {
  /** ANSI colours (bold headings, dim layers). */
  color: boolean;
  /** Terminal width in columns: NAME and VERSION are shortened (with '…') to fit. Default: no limit. */
  width?: number;
}

const COLUMN_GAP = '  ';
/** Narrowest NAME or VERSION column left when fitting a width. */
const MIN_SHRINKABLE = 8;
const HEADINGS = ['TYPE', 'NAME', 'VERSION', 'LAYER'] as const;
/** Indexes of the columns that give up space when the table is too wide: NAME, then VERSION. */
const SHRINKABLE = [1, 2] as const;

type Row = [string, string, string, string];

export function formatTable(inventory: Inventory, options: TableOptions): string {
  const style = styler(options.color);
  const lines = header(inventory).map(([label, value]) => `${style.bold(label.padEnd(9))}${value}`);
  lines.push('');

  // The same package found twice (lock file and installed copy) is one row, as in the SBOMs.
  const packages = mergeByPurl(inventory.packages);
  if (packages.length === 0) {
    lines.push('No packages found.');
  } else {
    const rows = packages.map(rowOf);
    const widths = fitWidths(columnWidths([[...HEADINGS], ...rows]), options.width);
    lines.push(style.bold(renderRow([...HEADINGS], widths)));
    rows.forEach((row, index) => {
      if (index > 0 && rows[index - 1]?.[0] !== row[0]) lines.push('');
      const cells = row.map((cell, column) => fit(cell, widths[column] ?? 0)) as Row;
      cells[3] = style.dim(cells[3]);
      lines.push(renderRow(cells, widths));
    });
  }

  lines.push('', style.bold(countsLine(packages)));
  if (inventory.warnings.length > 0) {
    lines.push(`${inventory.warnings.length} warning${inventory.warnings.length === 1 ? '' : 's'} (see the JSON formats for details)`);
  }
  return `${lines.join('\n')}\n`;
}

function header(inventory: Inventory): Array<[string, string]> {
  const entries: Array<[string, string]> = [['Target', `${printable(inventory.target.reference)} (${inventory.target.kind})`]];
  const { image, os } = inventory;
  if (image?.manifestDigest !== undefined) entries.push(['Digest', printable(image.manifestDigest)]);
  if (image !== undefined) {
    const { os: system, architecture, variant } = image.platform;
    entries.push(['Platform', printable([system, architecture, variant].filter(Boolean).join('/'))]);
  }
  if (os !== undefined) {
    const version = os.versionId === undefined ? os.id : `${os.id} ${os.versionId}`;
    entries.push(['OS', printable(os.prettyName === undefined ? version : `${os.prettyName} (${version})`)]);
  }
  return entries;
}

function rowOf(pkg: Package): Row {
  return [pkg.type, printable(displayName(pkg)), printable(pkg.version), printable(layerLabel(pkg.layer))];
}

function countsLine(packages: readonly Package[]): string {
  const perType = new Map<string, number>();
  for (const pkg of packages) perType.set(pkg.type, (perType.get(pkg.type) ?? 0) + 1);
  const total = `${packages.length} package${packages.length === 1 ? '' : 's'}`;
  if (perType.size === 0) return total;
  return `${total}: ${[...perType].map(([type, count]) => `${type} ${count}`).join(', ')}`;
}

/** Widest cell of each column, in terminal columns (CJK and emoji take two, combining marks none). */
function columnWidths(rows: readonly string[][]): number[] {
  return HEADINGS.map((_, column) => Math.max(...rows.map((row) => stringWidth(row[column] ?? ''))));
}

/** Narrows NAME, then VERSION, one column at a time (widest first) until the table fits `width`. */
function fitWidths(widths: number[], width: number | undefined): number[] {
  if (width === undefined) return widths;
  const fitted = [...widths];
  const total = () => fitted.reduce((sum, w) => sum + w, 0) + COLUMN_GAP.length * (fitted.length - 1);
  while (total() > width) {
    const widest = SHRINKABLE.filter((column) => (fitted[column] ?? 0) > MIN_SHRINKABLE)
      .sort((a, b) => (fitted[b] ?? 0) - (fitted[a] ?? 0))[0];
    if (widest === undefined) break;
    fitted[widest] = Math.max(MIN_SHRINKABLE, (fitted[widest] ?? 0) - (total() - width));
  }
  return fitted;
}

function renderRow(cells: readonly string[], widths: readonly number[]): string {
  // Padding is computed on the visible text; styled cells carry invisible escape codes.
  return cells
    .map((cell, column) => (column === cells.length - 1 ? cell : cell + ' '.repeat(Math.max(0, (widths[column] ?? 0) - stringWidth(cell)))))
    .join(COLUMN_GAP)
    .trimEnd();
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** `text` cut to `width` columns with a trailing '…', never splitting a character or an emoji. */
export function fit(text: string, width: number): string {
  if (stringWidth(text) <= width) return text;
  let kept = '';
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const segmentWidth = stringWidth(segment);
    if (used + segmentWidth > width - 1) break;
    kept += segment;
    used += segmentWidth;
  }
  return `${kept}…`;
}

/** Control characters (C0, DEL, C1) shown as `\xHH`, so untrusted text cannot move the cursor or recolour. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

interface Styler {
  bold(text: string): string;
  dim(text: string): string;
}

function styler(color: boolean): Styler {
  if (!color) return { bold: (text) => text, dim: (text) => text };
  // The caller decided on colour (TTY, NO_COLOR, --color): styleText must not second-guess it.
  const as = (format: 'bold' | 'dim') => (text: string) => (text === '' ? text : styleText(format, text, { validateStream: false }));
  return { bold: as('bold'), dim: as('dim') };
}
