import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { PortcullisError } from '../../core/index.ts';
import { lintManifests } from './lint.ts';
import { DEFAULT_MANIFEST_LIMITS, loadManifests } from './load.ts';
import { readManifestInputs } from './read-input.ts';

const HOSTILE = join(import.meta.dirname, 'testdata', 'hostile');

function isError(code: string, pattern: RegExp) {
  return (error: unknown) => error instanceof PortcullisError && error.code === code && pattern.test(error.message);
}

describe('loadManifests', () => {
  it('refuses a YAML alias bomb with a LIMIT error naming the file', async () => {
    const text = await readFile(join(HOSTILE, 'bomb.yaml'), 'utf8');
    assert.throws(() => loadManifests('bomb.yaml', text), isError('LIMIT', /^bomb\.yaml:2: .*aliases expand past the limit/));
  });

  it('refuses a huge document with a LIMIT error', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  blob: "${'x'.repeat(DEFAULT_MANIFEST_LIMITS.maxDocumentBytes)}"\n`;
    assert.throws(() => loadManifests('big.yaml', text), isError('LIMIT', /big\.yaml:1: YAML document 1 is \d+ bytes, over the 4194304-byte limit/));
  });

  it('refuses too many objects', () => {
    const text = Array.from({ length: 5 }, (_, index) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${index}}\n`).join('---\n');
    assert.throws(() => loadManifests('many.yaml', text, { ...DEFAULT_MANIFEST_LIMITS, maxObjects: 3 }), isError('LIMIT', /more than 3 Kubernetes objects/));
  });

  it('reports bad YAML as an INPUT error with file and line', async () => {
    const text = await readFile(join(HOSTILE, 'bad.yaml'), 'utf8');
    assert.throws(() => loadManifests('bad.yaml', text), isError('INPUT', /^bad\.yaml:9: invalid YAML: Missing closing "quote/));
  });

  it('reports a duplicate key as bad YAML', () => {
    assert.throws(() => loadManifests('dup.yaml', 'apiVersion: v1\nkind: Pod\nkind: Service\n'), isError('INPUT', /^dup\.yaml:3: invalid YAML/));
  });

  it('never crashes on a truncated manifest: an INPUT error or the objects it still holds', async () => {
    const full = await readFile(join(import.meta.dirname, 'testdata', 'insecure', 'deployment.yaml'), 'utf8');
    for (let cut = 0; cut < full.length; cut += 37) {
      try {
        const result = loadManifests('cut.yaml', full.slice(0, cut));
        assert.ok(result.objects.length <= 1);
        lintManifests([{ file: 'cut.yaml', text: full.slice(0, cut) }]);
      } catch (error) {
        assert.ok(error instanceof PortcullisError && error.code === 'INPUT', `cut at ${cut}: ${String(error)}`);
      }
    }
  });

  it('skips non-Kubernetes documents with a warning, expands List items and keeps their lines', async () => {
    const text = await readFile(join(HOSTILE, 'mixed.yaml'), 'utf8');
    const result = loadManifests('mixed.yaml', text);
    assert.deepEqual(result.objects.map((object) => `${object.kind}/${object.name}@${object.line}`), ['Pod/first@8', 'Pod/second@14']);
    assert.deepEqual(result.warnings, [
      { file: 'mixed.yaml', message: 'line 2: skipped a document that is not a Kubernetes object (no apiVersion)' },
      { file: 'mixed.yaml', message: 'line 13: skipped a List item that is not a Kubernetes object (a string, not a mapping)' },
    ]);
    assert.equal(result.objects[0]?.lineOf(['spec', 'containers', 0, 'securityContext', 'privileged']), 12);
    assert.equal(result.objects[1]?.lineOf(['spec', 'nothing', 'here']), 17);
  });

  it('drops fields of the wrong type with a warning instead of crashing the checks', async () => {
    const text = await readFile(join(HOSTILE, 'mixed.yaml'), 'utf8');
    const report = lintManifests([{ file: 'mixed.yaml', text }]);
    assert.ok(report.warnings.some((warning) => warning.message === 'line 18: Pod/second: spec.hostNetwork should be a boolean, not string "yes"; ignored'));
    assert.ok(report.warnings.some((warning) => warning.message === 'line 19: Pod/second: spec.containers should be a list, not a mapping; ignored'));
    assert.ok(!report.findings.some((finding) => finding.checkId === 'PC-K8S-002'));
    assert.deepEqual(report.findings.filter((finding) => finding.checkId === 'PC-K8S-001').map((finding) => finding.line), [12]);
  });

  it('reads JSON manifests', () => {
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'j' }, spec: { hostPID: true, containers: [] } }, null, 2);
    const report = lintManifests([{ file: 'pod.json', text }]);
    assert.deepEqual(report.findings.filter((finding) => finding.checkId === 'PC-K8S-002').map((finding) => finding.line), [8]);
  });
});

describe('readManifestInputs', () => {
  it('walks directories for yaml, yml and json files only, in name order, without following links', async () => {
    const root = await mkdtemp(join(tmpdir(), 'portcullis-k8s-'));
    try {
      await mkdir(join(root, 'nested'));
      await writeFile(join(root, 'b.yml'), 'b');
      await writeFile(join(root, 'a.yaml'), 'a');
      await writeFile(join(root, 'nested', 'c.json'), '{}');
      await writeFile(join(root, 'README.md'), 'no');
      await symlink('/etc/passwd', join(root, 'passwd.yaml')); // a link out of the tree is not followed
      const inputs = await readManifestInputs([root]);
      assert.deepEqual(inputs.map((input) => input.file), [join(root, 'a.yaml'), join(root, 'b.yml'), join(root, 'nested', 'c.json')]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("reads '-' from stdin, refusing oversized streams and bad UTF-8", async () => {
    const [input] = await readManifestInputs(['-'], Readable.from([Buffer.from('kind: Pod\n')]));
    assert.deepEqual(input, { file: '-', text: 'kind: Pod\n' });
    await assert.rejects(readManifestInputs(['-'], Readable.from([Buffer.alloc(64), Buffer.alloc(64)]), 100), isError('LIMIT', /stdin: more than the 100-byte input limit/));
    await assert.rejects(readManifestInputs(['-'], Readable.from([Buffer.from([0x6b, 0xff, 0xfe])])), isError('INPUT', /^-: not valid UTF-8/));
  });

  it('names a missing path and refuses oversized files', async () => {
    await assert.rejects(readManifestInputs(['/nonexistent/manifests.yaml']), isError('NOT_FOUND', /\/nonexistent\/manifests\.yaml: no such file/));
    await assert.rejects(readManifestInputs([join(HOSTILE, 'bomb.yaml')], undefined, 10), isError('LIMIT', /over the 10-byte input limit/));
  });
});
