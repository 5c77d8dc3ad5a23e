/**
 * Precision on a real system: a Debian bookworm minbase image (thousands of scripts, configs and
 * docs) holds no secrets, so every default rule must stay silent on it.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { debianOciLayout } from '../../test/fixtures/debian.ts';
import { scanSecrets } from './scan.ts';

it('finds no secrets in the Debian minbase image', async () => {
  const { dir, tag } = await debianOciLayout();
  const result = await scanSecrets(`oci:${dir}:${tag}`);
  assert.deepEqual(
    result.findings.map((finding) => `${finding.ruleId} ${finding.source.kind === 'file' ? `${finding.source.path}:${finding.line}` : finding.source.key}`),
    [],
  );
  assert.ok(result.stats.filesScanned > 1000, `only ${result.stats.filesScanned} files scanned`);
  assert.deepEqual(result.warnings, []);
});
