/** The trust file: windows, revocation, keys inline or beside the file, and hostile documents. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PortcullisError } from '../core/index.ts';
import { loadTrustFile, parseTrust } from './trust.ts';

const EXPIRED = new URL('testdata/trust/expired.yaml', import.meta.url).pathname;

function isInput(pattern: RegExp) {
  return (error: unknown) => error instanceof PortcullisError && error.code === 'INPUT' && pattern.test(error.message);
}

describe('trust file', () => {
  it('reads windows, revocation, inline PEM and key files beside it', async () => {
    const [release, next] = await loadTrustFile(EXPIRED);
    assert.equal(release?.name, 'release-2023');
    assert.equal(release?.notBefore?.toISOString(), '2023-01-01T00:00:00.000Z');
    assert.equal(release?.notAfter?.toISOString(), '2024-01-01T00:00:00.000Z');
    assert.equal(release?.revoked, undefined);
    assert.match(release?.keyId ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.equal(next?.revoked, true);
    assert.notEqual(next?.keyId, release?.keyId);
  });

  it('reports every bad field of a hostile document at once', async () => {
    const document = { keys: [{ name: 1, publicKey: 'nope.pub', notAfter: 'yesterday', revoked: 'yes' }, 'x'] };
    await assert.rejects(parseTrust(document, tmpdir(), 't.yaml'), isInput(/keys\[0\]\.name.*keys\[0\]\.notAfter.*keys\[0\]\.revoked.*keys\[1\]/));
    await assert.rejects(parseTrust({ keys: [{ name: 'a', publicKey: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' }] }, tmpdir(), 't'), isInput(/not a PEM public key/));
    await assert.rejects(parseTrust(['keys'], tmpdir(), 't'), isInput(/must be an object/));
    await assert.rejects(parseTrust({}, tmpdir(), 't'), isInput(/keys: must be an array/));
  });

  it('refuses files that are not UTF-8 YAML, oversized, missing, or alias bombs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'portcullis-trust-'));
    try {
      const write = async (name: string, content: string | Buffer) => {
        await writeFile(join(dir, name), content);
        return join(dir, name);
      };
      await assert.rejects(loadTrustFile(await write('bad-utf8.yaml', Buffer.from([0x6b, 0x3a, 0x20, 0xff, 0xfe]))), isInput(/UTF-8 YAML/));
      await assert.rejects(loadTrustFile(await write('broken.yaml', 'keys: [\n')), isInput(/YAML/));
      await assert.rejects(loadTrustFile(await write('bomb.yaml', 'a: &a [x, x]\nb: &b [*a, *a]\nkeys: *b\n')), isInput(/YAML/));
      await assert.rejects(loadTrustFile(await write('big.yaml', `# ${'x'.repeat(1024 * 1024)}\n`)), (error: unknown) => error instanceof PortcullisError && error.code === 'LIMIT');
      await assert.rejects(loadTrustFile(join(dir, 'missing.yaml')), (error: unknown) => error instanceof PortcullisError && error.code === 'NOT_FOUND');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
