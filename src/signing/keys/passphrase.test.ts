import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PortcullisError } from '../../core/index.ts';
import { passphraseSource } from './passphrase.ts';

const scratch = mkdtempSync(join(tmpdir(), 'portcullis-passphrase-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('passphrase sources', () => {
  it('prefers --passphrase-file, then PORTCULLIS_PASSWORD, then COSIGN_PASSWORD; empty is allowed', async () => {
    const file = join(scratch, 'pass');
    writeFileSync(file, 'from-file\r\n');
    assert.equal(await passphraseSource({ file, env: { PORTCULLIS_PASSWORD: 'env' } })(), 'from-file');
    assert.equal(await passphraseSource({ env: { PORTCULLIS_PASSWORD: 'ours', COSIGN_PASSWORD: 'cosign' } })(), 'ours');
    assert.equal(await passphraseSource({ env: { COSIGN_PASSWORD: 'cosign' } })(), 'cosign');
    assert.equal(await passphraseSource({ env: { COSIGN_PASSWORD: '' } })(), '');
    await assert.rejects(passphraseSource({ file: join(scratch, 'missing') })(), (error: unknown) => error instanceof PortcullisError && error.code === 'NOT_FOUND');
  });

  it('prompts on a terminal without echo, with backspace, and checks the confirmation', async () => {
    try {
      execFileSync('script', ['--version'], { stdio: 'ignore' });
    } catch {
      assert.fail('this test needs script(1) from util-linux to give the prompt a terminal');
    }
    const program = join(scratch, 'prompt.ts');
    const module = fileURLToPath(new URL('./passphrase.ts', import.meta.url));
    writeFileSync(program, `import { passphraseSource } from ${JSON.stringify(module)};\nprocess.stdout.write('GOT[' + (await passphraseSource({ env: {}, confirm: true })()) + ']\\n');\n`);
    // Answers each prompt once it shows, as a person would (a terminal echoes until raw mode is on).
    const typed = (answers: string[]) =>
      new Promise<string>((resolve) => {
        const child = execFile('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(program)}`, '/dev/null'], { timeout: 20_000 }, (_error, stdout) => resolve(stdout));
        let seen = '';
        let sent = 0;
        child.stdout!.on('data', (chunk: Buffer) => {
          seen += chunk.toString('utf8');
          const prompts = seen.split('Enter password').length - 1;
          while (sent < Math.min(prompts, answers.length)) child.stdin!.write(answers[sent++]!);
        });
      });
    const output = await typed(['sx\u007fecret\r', 'secret\r']);
    assert.match(output, /GOT\[secret\]/);
    assert.doesNotMatch(output.replace('GOT[secret]', ''), /secret/, 'the passphrase must not be echoed');
    const mismatch = await typed(['one\r', 'two\r']);
    assert.match(mismatch, /passwords do not match/);
  });
});
