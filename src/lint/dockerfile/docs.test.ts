/** The check reference (docs/checks/dockerfile.md) documents every check as the code defines it. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { dockerfileCheckDefinitions } from './lint.ts';

const DOC = readFileSync(new URL('../../../docs/checks/dockerfile.md', import.meta.url), 'utf8');

describe('docs/checks/dockerfile.md', () => {
  for (const check of dockerfileCheckDefinitions({ allowedRegistries: ['ghcr.io/acme'] })) {
    it(`documents ${check.id} with its title, severity, fix and compliance`, () => {
      const start = DOC.indexOf(`## ${check.id}: ${check.title}\n`);
      assert.ok(start >= 0, `no section "## ${check.id}: ${check.title}"`);
      const next = DOC.indexOf('\n## ', start + 1);
      const section = DOC.slice(start, next === -1 ? undefined : next);
      assert.match(section, new RegExp(`\\*\\*Severity:\\*\\* ${check.severity}\\n`));
      assert.ok(section.includes(`**Fix:** ${check.fix}`), `${check.id}: fix text differs`);
      assert.ok(section.includes('**Fires on**'), `${check.id}: no "Fires on"`);
      for (const control of [...(check.compliance['cis-docker'] ?? []), ...(check.compliance['nist-800-190'] ?? [])]) {
        assert.ok(section.includes(control), `${check.id}: control ${control} not documented`);
      }
    });
  }
});
