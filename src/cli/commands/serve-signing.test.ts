import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../../test/helpers/cli.ts';

describe('serve auto-signing options', () => {
  let work: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'portcullis-serve-signing-'));
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  const serve = (...args: string[]) => runCli(['serve', '--listen', '127.0.0.1:0', '--data', join(work, 'data'), '--insecure-no-auth', '-q', ...args]);

  it('refuses a default rule without a key to sign with', async () => {
    const result = await serve('--auto-sign-rule', 'no CRITICAL');
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /--auto-sign-rule needs an --auto-sign-key/);
  });

  it('refuses a key URI carrying its PIN, without echoing the PIN', async () => {
    const result = await serve('--auto-sign-key', 'pkcs11:token=t;object=k?pin-value=S3cretPin99');
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /must not carry pin-value/);
    assert.doesNotMatch(result.stderr, /S3cretPin99/);
  });

  it('refuses a relative key path and a malformed default rule', async () => {
    const relative = await serve('--auto-sign-key', 'keys/cosign.key');
    assert.equal(relative.code, 2, relative.stderr);
    assert.match(relative.stderr, /absolute key file path/);
    const rule = await serve('--auto-sign-key', '/keys/cosign.key', '--auto-sign-rule', 'no PURPLE');
    assert.equal(rule.code, 2, rule.stderr);
    assert.match(rule.stderr, /--auto-sign-rule/);
  });
});
