import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PortcullisError } from '../core/index.ts';
import type { Finding, Severity } from '../vuln/index.ts';
import { atOrAbove, diffFindings } from './findings-diff.ts';
import { parseWebhookUrl, signBody } from './webhooks.ts';

describe('webhook signatures and URLs', () => {
  it('signs with HMAC-SHA256 (RFC 4231 test case 2)', () => {
    assert.equal(signBody('Jefe', 'what do ya want for nothing?'), 'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    assert.notEqual(signBody('Jefe', 'what do ya want for nothing!'), signBody('Jefe', 'what do ya want for nothing?'));
  });

  it('accepts http(s) URLs and refuses others, and credentials in the URL', () => {
    assert.equal(parseWebhookUrl('https://hooks.example.com/portcullis?team=a'), 'https://hooks.example.com/portcullis?team=a');
    for (const bad of ['ftp://example.com/x', 'not a url', 'file:///etc/passwd', 'https://user:pass@example.com/', 'javascript:alert(1)']) {
      assert.throws(() => parseWebhookUrl(bad), (error: unknown) => error instanceof PortcullisError && error.code === 'USAGE', bad);
    }
  });
});

function finding(id: string, purl: string, severity: Severity): Finding {
  return {
    id,
    aliases: [],
    advisoryIds: [id],
    package: { purl, name: purl, type: 'npm', version: '1', ecosystem: 'npm', matchedName: purl, matchedVersion: '1', locations: [] },
    status: 'fixed',
    fixedVersions: [],
    severity,
    cvss: [],
    references: [],
  };
}

describe('diffFindings', () => {
  it('reports added and fixed findings by flaw and package, not by changed details', () => {
    const before = [finding('CVE-1', 'pkg:npm/a@1', 'HIGH'), finding('CVE-2', 'pkg:npm/a@1', 'LOW')];
    const after = [finding('CVE-1', 'pkg:npm/a@1', 'CRITICAL'), finding('CVE-2', 'pkg:npm/b@1', 'LOW'), finding('CVE-3', 'pkg:npm/a@1', 'MEDIUM')];
    const diff = diffFindings(before, after);
    assert.deepEqual(diff.added.map((entry) => `${entry.id} ${entry.package.purl}`), ['CVE-2 pkg:npm/b@1', 'CVE-3 pkg:npm/a@1']);
    assert.deepEqual(diff.fixed.map((entry) => `${entry.id} ${entry.package.purl}`), ['CVE-2 pkg:npm/a@1']);
    assert.deepEqual(diffFindings(after, after), { added: [], fixed: [] });
  });

  it('orders severities for the webhook threshold', () => {
    assert.equal(atOrAbove('CRITICAL', 'HIGH'), true);
    assert.equal(atOrAbove('HIGH', 'HIGH'), true);
    assert.equal(atOrAbove('MEDIUM', 'HIGH'), false);
    assert.equal(atOrAbove('UNKNOWN', 'LOW'), false);
  });
});
