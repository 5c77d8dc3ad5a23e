import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnWidths, fitLastColumn, painter, renderColumns } from './columns.ts';

test('widths count wide characters double; padding is measured before colour', () => {
  const widths = columnWidths(['A', 'B'], [['漢字', 'x'], ['ab', 'yy']]);
  assert.deepEqual(widths, [4, 2]);
  assert.equal(renderColumns(['ab', 'y'], widths), 'ab    y');
  const paint = painter(true);
  const coloured = renderColumns(['ab', 'y'], widths, (cell, column) => (column === 0 ? paint('red', cell) : cell));
  assert.equal(coloured.replace(/\x1b\[[0-9;]*m/g, ''), 'ab    y');
  assert.notEqual(coloured, 'ab    y');
});

test('no colour unless asked; the last column shrinks to fit, never below its minimum', () => {
  assert.equal(painter(false)('bold', 'text'), 'text');
  const widths = [10, 50];
  fitLastColumn(widths, 40, 8);
  assert.deepEqual(widths, [10, 26]); // 40 - indent 2 - 10 - gap 2
  fitLastColumn(widths, 5, 8);
  assert.deepEqual(widths, [10, 8]);
  const untouched = [3, 4];
  fitLastColumn(untouched, undefined, 8);
  assert.deepEqual(untouched, [3, 4]);
});
