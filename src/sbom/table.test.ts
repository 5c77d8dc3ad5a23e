import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import stringWidth from 'string-width';
import type { Inventory } from '../inventory/index.ts';
import { formatTable, printable } from './table.ts';
import { emptyInventory, largeInventory, loadInventory, makePackage, oddInventory } from './testing.ts';

function rowsOf(table: string): string[] {
  const lines = table.split('\n');
  const start = lines.findIndex((line) => line.startsWith('TYPE'));
  const end = lines.findIndex((line, index) => index > start && /^\d+ packages?/.test(line));
  return lines.slice(start + 1, end).filter((line) => line !== '');
}

describe('formatTable', () => {
  it('starts with the target, digest, platform and OS', () => {
    const table = formatTable(loadInventory('image'), { color: false });
    const header = table.split('\n').slice(0, 4);
    assert.deepEqual(header, [
      'Target   registry.example.test:5000/team/web-app:1.4.2 (image)',
      `Digest   sha256:${'1'.repeat(64)}`,
      'Platform linux/arm64/v8',
      'OS       Debian GNU/Linux 12 (bookworm) (debian 12)',
    ]);
  });

  it('lists TYPE, NAME, VERSION, LAYER grouped by type, one row per purl, a blank line between groups, counts at the end', () => {
    const table = formatTable(loadInventory('image'), { color: false });
    const lines = table.split('\n');
    assert.match(lines.find((line) => line.startsWith('TYPE')) ?? '', /^TYPE +NAME +VERSION +LAYER$/);
    const rows = rowsOf(table);
    assert.deepEqual(rows.map((row) => row.split(/\s+/).slice(0, 2).join(' ')), [
      'deb libssl3', 'deb python3-requests', 'maven org.slf4j:slf4j-api', 'npm lodash', 'npm @babel/core', 'pypi requests',
    ]);
    assert.match(rows[0] ?? '', /^deb +libssl3 +3\.0\.15-1~deb12u1 +0 bbbbbbbbbbbb$/);
    const body = lines.slice(lines.findIndex((line) => line.startsWith('TYPE')));
    assert.equal(body.filter((line) => line === '').length, 3 + 2, 'one blank line between each of the 4 groups, one before the counts, one final newline');
    assert.ok(table.includes('\n6 packages: deb 2, maven 1, npm 2, pypi 1\n'));
    assert.ok(table.endsWith('1 warning (see the JSON formats for details)\n'));
  });

  it('aligns columns by display width, including wide characters', () => {
    const table = formatTable(oddInventory(), { color: false });
    const rows = rowsOf(table);
    const versionColumns = new Set(rows.map((row) => {
      const version = /\d\.0( beta\/ü)?/.exec(row);
      return stringWidth(row.slice(0, version?.index ?? 0));
    }));
    assert.equal(versionColumns.size, 1, 'every VERSION starts in the same column');
  });

  it('fits the requested width by shortening names with an ellipsis', () => {
    const table = formatTable(oddInventory(), { color: false, width: 50 });
    for (const line of table.split('\n').slice(4)) assert.ok(stringWidth(line) <= 50, `too wide: ${line}`);
    assert.ok(rowsOf(table).some((row) => row.includes('…')));
  });

  it('keeps every row readable when the width is too small to fit', () => {
    for (const width of [0, 5, Number.NaN]) {
      const rows = rowsOf(formatTable(oddInventory(), { color: false, width }));
      assert.equal(rows.length, 10);
      assert.ok(rows.every((row) => row.startsWith('npm ')));
    }
  });

  it('escapes control characters so package names cannot drive the terminal', () => {
    const table = formatTable(oddInventory(), { color: false });
    assert.equal(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(table), false);
    assert.ok(table.includes('tab\\x09and\\x0anewline\\x1b[31mred'));
    assert.equal(printable('ok\u009bx'), 'ok\\x9bx');
  });

  it('colours only when asked, and the colours do not change the text', () => {
    const inventory = loadInventory('image');
    const plain = formatTable(inventory, { color: false });
    const coloured = formatTable(inventory, { color: true });
    assert.equal(plain.includes('\u001b['), false);
    assert.ok(coloured.includes('\u001b[1m'));
    assert.equal(stripVTControlCharacters(coloured), plain);
  });

  it('says so when there are no packages', () => {
    const table = formatTable(emptyInventory(), { color: false });
    assert.deepEqual(table.split('\n'), ['Target   /srv/empty (directory)', '', 'No packages found.', '', '0 packages', '']);
  });

  it('shows packages of a directory without a layer column value', () => {
    const rows = rowsOf(formatTable(loadInventory('directory'), { color: false }));
    assert.deepEqual(rows, ['cargo   serde                   1.0.200', 'golang  github.com/google/uuid  v1.6.0', 'npm     api                     0.0.1']);
  });

  it('lists 2,000 packages with a count per type', () => {
    const table = formatTable(largeInventory(2000), { color: false, width: 100 });
    assert.equal(rowsOf(table).length, 2000);
    assert.ok(table.includes('2000 packages: deb 400, golang 400, maven 400, npm 400, pypi 400'));
  });

  it('is deterministic: same inventory in any order gives the same text', () => {
    const inventory: Inventory = { ...emptyInventory(), packages: [makePackage({ name: 'b', version: '1' }), makePackage({ name: 'a', version: '2' })] };
    const reversed: Inventory = { ...inventory, packages: [...inventory.packages].reverse() };
    assert.equal(formatTable(inventory, { color: false }), formatTable(reversed, { color: false }));
  });
});
