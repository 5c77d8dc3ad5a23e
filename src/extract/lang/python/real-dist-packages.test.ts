/**
 * The Python extractor over real data: Debian's own /usr/lib/python3/dist-packages, which holds all
 * three metadata forms (dist-info, egg-info directories, egg-info files). The reference is Python's
 * importlib.metadata, run by Debian's python3 over the same directory.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runExtractor } from '../../testing.ts';
import { pythonInstalledExtractor } from './index.ts';

const SITE = '/usr/lib/python3/dist-packages';
const PYTHON = '/usr/bin/python3';

/** name@version of every distribution importlib.metadata finds in the directory. */
function referenceDistributions(): string[] {
  assert.ok(existsSync(PYTHON), `${PYTHON} is missing: run scripts/test-setup.sh (Debian python3)`);
  const script = [
    'import importlib.metadata as m, json, sys',
    "print(json.dumps([f\"{d.metadata['Name']}@{d.version}\" for d in m.distributions(path=[sys.argv[1]]) if d.metadata['Name']]))",
  ].join('\n');
  return JSON.parse(execFileSync(PYTHON, ['-c', script, SITE], { encoding: 'utf8' })) as string[];
}

test('every distribution in Debian dist-packages is found with the version importlib.metadata reports', async () => {
  assert.ok(existsSync(SITE), `${SITE} is missing: run scripts/test-setup.sh (Debian python3 packages)`);
  const expected = referenceDistributions();
  assert.ok(expected.length > 3, `only ${expected.length} distributions in ${SITE}`);
  const found: string[] = [];
  const warnings: string[] = [];
  for (const entry of readdirSync(SITE, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name).slice(1);
    if (!pythonInstalledExtractor.fileRequired({ path, size: 0, mode: 0o644 })) continue;
    const run = await runExtractor(pythonInstalledExtractor, path, readFileSync(`/${path}`));
    found.push(...run.result.packages.map((pkg) => `${pkg.name}@${pkg.version}`));
    warnings.push(...run.warnings.map((warning) => `${path}: ${warning}`));
  }
  assert.deepEqual(warnings, []);
  assert.deepEqual([...new Set(found)].sort(), [...new Set(expected)].sort());
});
