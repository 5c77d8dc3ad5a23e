import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lintDockerfile } from './lint.ts';

function lint(text: string) {
  return lintDockerfile({ file: 'Dockerfile', text });
}

describe('inline ignores', () => {
  it('suppresses the named checks on the instruction below, keeping the finding with its reason', () => {
    const { findings } = lint('FROM a:1\n# portcullis:ignore=PC-DF-026,PC-DF-024 legacy release tooling reads it\nMAINTAINER x\nWORKDIR app\nMAINTAINER y\n');
    const maintainers = findings.filter((finding) => finding.checkId === 'PC-DF-026');
    assert.deepEqual(maintainers.map((finding) => [finding.line, finding.suppressed?.reason]), [[3, 'legacy release tooling reads it'], [5, undefined]]);
    const workdir = findings.find((finding) => finding.checkId === 'PC-DF-024');
    assert.equal(workdir?.suppressed, undefined, 'the ignore covers only the instruction directly below it');
  });

  it('covers every line of a multi-line instruction and stacks with other comments', () => {
    const { findings } = lint('FROM a:1\n# portcullis:ignore=PC-DF-027 vendor script needs it\n# another note\nRUN echo start \\\n && cd /x \\\n && make\n');
    const cd = findings.find((finding) => finding.checkId === 'PC-DF-027');
    assert.equal(cd?.line, 4);
    assert.deepEqual(cd?.suppressed, { reason: 'vendor script needs it' });
  });

  it('applies an ignore at the top of the file, separated by a blank line, to the whole file', () => {
    const { findings } = lint('# portcullis:ignore=PC-DF-019 probes are defined in the Helm chart\n\nFROM a:1 AS b\nHEALTHCHECK NONE\nFROM b\n');
    const health = findings.filter((finding) => finding.checkId === 'PC-DF-019');
    assert.equal(health.length, 1);
    assert.deepEqual(health[0]?.suppressed, { reason: 'probes are defined in the Helm chart' });
  });

  it('reports an ignore without a reason as PC-DF-031 and still applies it', () => {
    const { findings } = lint('FROM a:1\n# portcullis:ignore=PC-DF-026\nMAINTAINER x\n');
    const missing = findings.find((finding) => finding.checkId === 'PC-DF-031');
    assert.equal(missing?.line, 2);
    assert.equal(missing?.severity, 'LOW');
    assert.equal(missing?.suppressed, undefined);
    assert.deepEqual(findings.find((finding) => finding.checkId === 'PC-DF-026')?.suppressed, { reason: '(no reason given)' });
  });

  it('warns about unknown ids, empty id lists and ignores that cover nothing', () => {
    const { findings, warnings } = lint('FROM a:1\n# portcullis:ignore=PC-DF-999,PC-DF-026 typo\nMAINTAINER x\n# portcullis:ignore= nothing\n\nRUN true\n# portcullis:ignore=PC-DF-026 dangling\n');
    assert.deepEqual(warnings, [
      'line 2: portcullis:ignore names unknown check PC-DF-999',
      'line 4: portcullis:ignore names no check id',
      'line 4: portcullis:ignore is not directly above an instruction, so it ignores nothing',
      'line 7: portcullis:ignore is not directly above an instruction, so it ignores nothing',
    ]);
    assert.deepEqual(findings.find((finding) => finding.checkId === 'PC-DF-026')?.suppressed, { reason: 'typo' });
  });

  it('treats an ignore as the first line of the file as an ignore, not a parser directive', () => {
    const { findings } = lint('# portcullis:ignore=PC-DF-001 pinned by the build system\nFROM alpine\n');
    assert.deepEqual(findings.find((finding) => finding.checkId === 'PC-DF-001')?.suppressed, { reason: 'pinned by the build system' });
  });
});
