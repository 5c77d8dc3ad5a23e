import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { PortcullisError } from '../../core/index.ts';
import { dockerfileCheckDefinitions, lintDockerfile, lintDockerfiles } from './lint.ts';

const fixture = (name: string) => ({ file: `${name}/Dockerfile`, text: readFileSync(new URL(`testdata/${name}/Dockerfile`, import.meta.url), 'utf8') });

function inputError(pattern: RegExp) {
  return (error: unknown) => error instanceof PortcullisError && error.code === 'INPUT' && pattern.test(error.message);
}

describe('lintDockerfiles', () => {
  it('finds what is wrong with a realistic insecure Dockerfile, each at its instruction', () => {
    const report = lintDockerfiles([fixture('insecure')], { allowedRegistries: ['docker.io/library'] });
    const found = report.findings.map((finding) => `${finding.line} ${finding.checkId}`);
    assert.deepEqual(found.sort(), [
      '12 PC-DF-005', '13 PC-DF-006', '13 PC-DF-028', '14 PC-DF-017', '14 PC-DF-029', '15 PC-DF-018', '15 PC-DF-023', '15 PC-DF-025',
      '17 PC-DF-001', '17 PC-DF-019', '18 PC-DF-013', '18 PC-DF-014', '19 PC-DF-020', '19 PC-DF-030', '21 PC-DF-017', '25 PC-DF-021',
      '25 PC-DF-022', '26 PC-DF-004', '3 PC-DF-001', '4 PC-DF-026', '5 PC-DF-007', '5 PC-DF-007', '7 PC-DF-007', '8 PC-DF-009',
      '9 PC-DF-008', '9 PC-DF-010', '9 PC-DF-011', '9 PC-DF-012', '10 PC-DF-024', '11 PC-DF-015', '11 PC-DF-016', '11 PC-DF-027',
    ].sort());
    const user = report.findings.find((finding) => finding.checkId === 'PC-DF-004');
    assert.equal(user?.resource, 'stage 1');
    assert.equal(report.findings.find((finding) => finding.line === 3)?.resource, 'stage build');
    assert.equal(report.findings.find((finding) => finding.checkId === 'PC-DF-017' && finding.line === 21)?.endLine, 24);
    assert.deepEqual(report.warnings, []);
  });

  it('finds nothing in a clean multi-stage Dockerfile with ARG in FROM and heredocs', () => {
    const report = lintDockerfiles([fixture('clean')], { allowedRegistries: ['docker.io/library'] });
    assert.deepEqual(report.findings, []);
    assert.deepEqual(report.warnings, []);
    assert.equal(report.checks.length, 31);
  });

  it('lists every check that ran, PC-DF-003 only with an allow-list', () => {
    assert.equal(dockerfileCheckDefinitions().some((check) => check.id === 'PC-DF-003'), false);
    const ids = dockerfileCheckDefinitions({ allowedRegistries: ['ghcr.io/acme'] }).map((check) => check.id);
    assert.deepEqual(ids, Array.from({ length: 31 }, (_, index) => `PC-DF-${String(index + 1).padStart(3, '0')}`));
    for (const check of dockerfileCheckDefinitions()) {
      assert.equal(check.kind, 'dockerfile');
      assert.ok(check.fix.length > 0 && check.description.length > 0, check.id);
    }
  });

  it('keeps warnings with the file that caused them', () => {
    const report = lintDockerfiles([{ file: 'a', text: 'FROM a:1\nFOO x\n' }, { file: 'b', text: 'FROM b:1\n' }]);
    assert.deepEqual(report.warnings, [{ file: 'a', message: 'line 2: unknown instruction FOO' }]);
    assert.deepEqual(report.files, ['a', 'b']);
  });
});

describe('lintDockerfile on hostile input', () => {
  it('rejects an empty or blank file', () => {
    assert.throws(() => lintDockerfile({ file: 'x', text: '' }), inputError(/^x: the file is empty$/));
    assert.throws(() => lintDockerfile({ file: 'x', text: ' \n\t\n' }), inputError(/empty/));
  });

  it('rejects text with no FROM', () => {
    assert.throws(() => lintDockerfile({ file: 'x', text: '# just a comment\n' }), inputError(/no FROM instruction/));
    assert.throws(() => lintDockerfile({ file: 'x', text: '{"not": "a dockerfile"}' }), inputError(/no FROM instruction/));
  });

  it('survives malformed instructions with warnings and findings for the rest', () => {
    const text = 'FROM\nFROM alpine:3.20\nRUN ["unterminated\nENV\nCOPY\nEXPOSE\nUSER\nHEALTHCHECK\nRUN <<EOF\nno terminator\n';
    const { findings, warnings } = lintDockerfile({ file: 'x', text });
    assert.ok(warnings.some((warning) => /line 1: FROM names no image/.test(warning)));
    assert.ok(findings.some((finding) => finding.checkId === 'PC-DF-002' && finding.line === 2));
  });

  it('finishes quickly on long lines, deep nesting and many stages', () => {
    const started = performance.now();
    const long = `FROM a:1\nRUN ${'echo "a b" && '.repeat(20_000)}true\n`;
    const nested = `FROM a:1\nRUN ${'sh -c "'.repeat(200)}echo${'"'.repeat(200)}\n`;
    const stages = Array.from({ length: 2_000 }, (_, index) => (index === 0 ? 'FROM a:1 AS s0' : `FROM s${index - 1} AS s${index}`)).join('\n');
    for (const text of [long, nested, stages]) lintDockerfile({ file: 'x', text });
    assert.ok(performance.now() - started < 20_000, 'linting hostile input must stay bounded');
  });

  it('reports what it cannot judge instead of guessing', () => {
    const { findings, warnings } = lintDockerfile({ file: 'x', text: 'ARG BASE\nFROM $BASE\nUSER $APP_USER\n' });
    assert.deepEqual(findings.filter((finding) => ['PC-DF-001', 'PC-DF-002', 'PC-DF-004'].includes(finding.checkId)), []);
    assert.equal(warnings.length, 1);
  });
});
