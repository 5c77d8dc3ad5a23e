import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import stringWidth from 'string-width';
import { buildScanReport } from './build.ts';
import { formatScanTable } from './table.ts';
import { HOSTILE_TEXT, INVENTORY, makeFinding, sampleFindings } from './testing.ts';

const NOW = new Date('2026-06-01T00:00:00Z');
const ESC = '\u001b';

function report(findings = sampleFindings(), ignores: Parameters<typeof buildScanReport>[0]['ignores'] = []) {
  return buildScanReport({ inventory: INVENTORY, findings, toolVersion: 't', ignores, now: NOW });
}

describe('formatScanTable', () => {
  it('groups findings by package with severity, id, status and fixed version, then a line per severity', () => {
    const text = formatScanTable(report(), { color: false });
    const lines = text.split('\n');
    assert.equal(lines[0], 'Target  registry.example.test:5000/team/web-app:1.4.2 (image)');
    assert.ok(lines.includes('OS      debian 12'));
    const heading = lines.findIndex((line) => line.startsWith('  SEVERITY'));
    assert.match(lines[heading] ?? '', /^ {2}SEVERITY +ID +STATUS +FIXED IN +TITLE$/);
    assert.equal(lines[heading + 1], '@babel/core 7.24.0 (npm) pkg:npm/%40babel/core@7.24.0');
    assert.match(lines[heading + 2] ?? '', /^ {2}CRITICAL +GHSA-aaaa-bbbb-cccc +fixed +7\.24\.1 +babel: code execution$/);
    assert.match(lines[heading + 3] ?? '', /^libssl3 3\.0\.15-1~deb12u1 \(deb\)/);
    assert.match(lines[heading + 4] ?? '', /^ {2}HIGH +CVE-2024-0001 +fixed +3\.0\.16-1~deb12u1 +openssl: buffer overread$/);
    for (const [severity, count] of [['CRITICAL', 1], ['HIGH', 1], ['MEDIUM', 1], ['LOW', 1], ['NONE', 0], ['UNKNOWN', 0]] as const) {
      assert.ok(lines.some((line) => new RegExp(`^${severity} +${count}$`).test(line)), `summary line for ${severity}`);
    }
    assert.doesNotMatch(text, new RegExp(ESC));
  });

  it('colours severities only when asked', () => {
    const coloured = formatScanTable(report(), { color: true });
    assert.match(coloured, new RegExp(`${ESC}\\[31mHIGH${ESC}\\[39m`));
    assert.match(coloured, new RegExp(`${ESC}\\[33mMEDIUM`));
  });

  it('fits the title to the terminal width', () => {
    const long = makeFinding('lodash', { id: 'CVE-1', severity: 'LOW', title: `a very long title ${'x'.repeat(300)}` });
    const lines = formatScanTable(report([long]), { color: false, width: 80 }).split('\n');
    const row = lines.find((line) => line.includes('CVE-1')) ?? '';
    assert.ok(stringWidth(row) <= 80, `row is ${stringWidth(row)} columns`);
    assert.match(row, /…$/);
    const narrow = formatScanTable(report([long]), { color: false, width: 30 }).split('\n');
    assert.equal(narrow.find((line) => line.startsWith('lodash')), 'lodash 4.17.21 (npm) pkg:npm/…');
  });

  it('never lets escape sequences from package names or advisories reach the terminal', () => {
    const hostile = makeFinding('lodash', { id: `CVE-1${HOSTILE_TEXT}`, severity: 'HIGH', title: HOSTILE_TEXT, fixedVersion: `${ESC}[2J` });
    hostile.package.name = HOSTILE_TEXT;
    hostile.package.version = `1${ESC}[1A`;
    for (const color of [false, true]) {
      const text = formatScanTable(report([hostile]), { color });
      const withoutOurStyles = text.replace(new RegExp(`${ESC}\\[(?:1|22|31|39|33|36|90)m`, 'g'), '');
      assert.doesNotMatch(withoutOurStyles, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/, 'only newlines and our own colours may be raw control characters');
      assert.match(text, /evil\\x1b\[31mRED/);
    }
  });

  it('says so when nothing is found and lists suppressions and expired ignore entries', () => {
    const text = formatScanTable(report(sampleFindings().slice(3), [
      { id: 'CVE-2024-0004', reason: 'x', source: 'ignore.yaml:2' },
      { id: 'CVE-2024-0004', reason: 'x', source: 'ignore.yaml:5', expires: '2020-01-01' },
    ]), { color: false });
    assert.match(text, /No vulnerabilities found\./);
    assert.match(text, /1 suppressed/);
    assert.match(text, /expired ignore entry CVE-2024-0004 \(ignore.yaml:5, expired 2020-01-01\) would suppress 1/);
  });
});
