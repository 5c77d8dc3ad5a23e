import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PortcullisError } from '../../core/index.ts';
import { runCli } from '../../../test/helpers/cli.ts';
import { startServe } from '../../../test/helpers/portcullis-serve.ts';
import { OPTIONS as SERVE_OPTIONS } from './serve.ts';
import { MAX_CONFIG_BYTES, applyConfigFile } from './serve-config.ts';

const TESTDATA = fileURLToPath(new URL('testdata/serve-config/', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = (name: string) => join(TESTDATA, name);

/** A PortcullisError of `code` whose message matches every pattern. */
function failsWith(code: string, ...patterns: RegExp[]) {
  return (error: unknown) => {
    assert.ok(error instanceof PortcullisError, `expected a PortcullisError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    for (const pattern of patterns) assert.match(error.message, pattern);
    return true;
  };
}

describe('serve --config', () => {
  let work: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'portcullis-serve-config-'));
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('reads every kind of option, in kebab-case and camelCase', async () => {
    const values = await applyConfigFile(fixture('full.yaml'), SERVE_OPTIONS, {});
    assert.deepEqual(values, {
      listen: '127.0.0.1:5443',
      data: '/srv/portcullis',
      'scan-workers': '2',
      webhook: ['https://hooks.example.com/a', 'https://hooks.example.com/b'],
      'webhook-secret-file': '/etc/portcullis/webhook-secret',
      'webhook-min-severity': 'CRITICAL',
      quiet: true,
    });
  });

  it('lets the command line win, a repeated option replacing the whole list', async () => {
    const values = await applyConfigFile(fixture('full.yaml'), SERVE_OPTIONS, { listen: '127.0.0.1:6000', webhook: ['https://cli.example.com/'], quiet: false });
    assert.equal(values.listen, '127.0.0.1:6000');
    assert.deepEqual(values.webhook, ['https://cli.example.com/']);
    assert.equal(values.quiet, false);
    assert.equal(values.data, '/srv/portcullis', 'keys the command line does not give come from the file');
  });

  it('accepts the keys of whatever option table it is given', async () => {
    const table = { ...SERVE_OPTIONS, 'example-interval': { type: 'string' } } as const;
    const file = join(work, 'new-option.yaml');
    await writeFile(file, 'exampleInterval: 6h\n');
    assert.deepEqual(await applyConfigFile(file, table, {}), { 'example-interval': '6h' });
    await assert.rejects(applyConfigFile(file, SERVE_OPTIONS, {}), failsWith('USAGE', /unknown key "exampleInterval"/));
  });

  it('keeps numbers as written and takes one string for a repeatable option', async () => {
    const file = join(work, 'numbers.yaml');
    await writeFile(file, 'scan-workers: 010\nwebhook: https://hooks.example.com/only\n');
    assert.deepEqual(await applyConfigFile(file, SERVE_OPTIONS, {}), { 'scan-workers': '010', webhook: ['https://hooks.example.com/only'] });
  });

  it('changes nothing for an empty file or one with only comments', async () => {
    for (const text of ['', '# nothing set yet\n']) {
      const file = join(work, 'empty.yaml');
      await writeFile(file, text);
      assert.deepEqual(await applyConfigFile(file, SERVE_OPTIONS, { listen: '127.0.0.1:1' }), { listen: '127.0.0.1:1' });
    }
  });

  it('reports every unknown key and wrong type at once, with line numbers', async () => {
    await assert.rejects(
      applyConfigFile(fixture('mistakes.yaml'), SERVE_OPTIONS, {}),
      failsWith(
        'USAGE',
        /line 2: unknown key "listn" \(did you mean listen\?\)/,
        /line 3: scan-workers takes a string/,
        /line 4: quiet takes true or false/,
        /line 5: webhook takes a string or a list of strings/,
        /line 6: unknown key "help" \(only on the command line\)/,
        /line 7: data has no value/,
        /line 8: scanWorkers repeats scan-workers from line 3/,
      ),
    );
  });

  it('refuses a key given twice', async () => {
    await assert.rejects(applyConfigFile(fixture('duplicate-key.yaml'), SERVE_OPTIONS, {}), failsWith('USAGE', /line 3: listen repeats listen from line 1/));
  });

  it('follows a few aliases and refuses an alias bomb', async () => {
    assert.deepEqual(await applyConfigFile(fixture('aliases.yaml'), SERVE_OPTIONS, {}), { data: '/srv/portcullis', db: '/srv/portcullis', webhook: ['/srv/portcullis'] });
    await assert.rejects(applyConfigFile(fixture('alias-bomb.yaml'), SERVE_OPTIONS, {}), failsWith('INPUT', /alias/i));
  });

  it('refuses truncated YAML, several documents and a file that is not a mapping', async () => {
    await assert.rejects(applyConfigFile(fixture('truncated.yaml'), SERVE_OPTIONS, {}), failsWith('INPUT', /truncated\.yaml: line \d+: /));
    const documents = join(work, 'documents.yaml');
    await writeFile(documents, 'listen: 127.0.0.1:5000\n---\ndata: /srv\n');
    await assert.rejects(applyConfigFile(documents, SERVE_OPTIONS, {}), failsWith('INPUT', /multiple documents/));
    await assert.rejects(applyConfigFile(fixture('list.yaml'), SERVE_OPTIONS, {}), failsWith('USAGE', /line 1: the file must be a mapping/));
    const tagged = join(work, 'tagged.yaml');
    await writeFile(tagged, 'listen: 127.0.0.1:5000\ndata: !vault /srv\n');
    await assert.rejects(applyConfigFile(tagged, SERVE_OPTIONS, {}), failsWith('INPUT', /line 2: .*tag/i));
  });

  it('refuses bad UTF-8 with its line, and files over 1 MiB', async () => {
    await assert.rejects(applyConfigFile(fixture('latin1.yaml'), SERVE_OPTIONS, {}), failsWith('INPUT', /line 3: not valid UTF-8/));
    const bom = join(work, 'bom.yaml');
    await writeFile(bom, '\uFEFFlisten: 127.0.0.1:5000\n');
    assert.deepEqual(await applyConfigFile(bom, SERVE_OPTIONS, {}), { listen: '127.0.0.1:5000' }, 'a UTF-8 byte order mark is allowed');
    const big = join(work, 'big.yaml');
    await writeFile(big, `# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`);
    await assert.rejects(applyConfigFile(big, SERVE_OPTIONS, {}), failsWith('INPUT', /larger than 1048576 bytes/));
  });

  it('stays quick and short on deep nesting and on thirty thousand keys', async () => {
    const deep = join(work, 'deep.yaml');
    await writeFile(deep, `listen: ${'['.repeat(20_000)}`);
    await assert.rejects(applyConfigFile(deep, SERVE_OPTIONS, {}), failsWith('INPUT', /deep\.yaml: line 1: /));
    const many = join(work, 'many.yaml');
    await writeFile(many, Array.from({ length: 30_000 }, (_, index) => `k${index}: 1`).join('\n'));
    const started = Date.now();
    await assert.rejects(applyConfigFile(many, SERVE_OPTIONS, {}), (error: unknown) => {
      assert.ok(error instanceof PortcullisError && error.code === 'USAGE');
      const lines = error.message.split('\n');
      assert.equal(lines.length, 21, 'twenty problems, then a count of the rest');
      assert.match(lines[20] ?? '', /: \d{5} more problems$/);
      return true;
    });
    assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
    const longKey = join(work, 'long-key.yaml');
    await writeFile(longKey, `${'k'.repeat(1000)}: 1\n`);
    await assert.rejects(applyConfigFile(longKey, SERVE_OPTIONS, {}), (error: unknown) => error instanceof PortcullisError && error.message.length < 300);
  });

  it('refuses a missing file, a directory, a device and a FIFO without hanging', async () => {
    const fifo = join(work, 'fifo');
    execFileSync('mkfifo', [fifo]);
    for (const path of [join(work, 'missing.yaml'), work, '/dev/zero', fifo]) {
      await assert.rejects(applyConfigFile(path, SERVE_OPTIONS, {}), failsWith('USAGE', /--config /), path);
    }
  });

  it('keeps secrets out of the file: only options naming a file that holds one', async () => {
    const table = { ...SERVE_OPTIONS, 'admin-password': { type: 'string' }, 's3-secret-key': { type: 'string' } } as const;
    const file = join(work, 'secrets.yaml');
    await writeFile(file, 'webhook-secret-file: /etc/portcullis/webhook-secret\nadminPassword: hunter2\ns3-secret-key: abc\n');
    await assert.rejects(
      applyConfigFile(file, table, {}),
      failsWith('USAGE', /line 2: adminPassword would put a secret in the file: give an option naming a file/, /line 3: s3-secret-key would put a secret/),
    );
  });

  it('accepts the example configuration', async () => {
    const values = await applyConfigFile(join(ROOT, 'examples/portcullis.yaml'), SERVE_OPTIONS, {});
    assert.equal(values.listen, '0.0.0.0:5443');
  });

  it('documents every serve option in docs/config.md and docs/commands/serve.md', async () => {
    const config = await readFile(join(ROOT, 'docs/config.md'), 'utf8');
    const serve = await readFile(join(ROOT, 'docs/commands/serve.md'), 'utf8');
    const names = Object.keys(SERVE_OPTIONS);
    assert.ok(names.includes('listen') && names.includes('config'), 'the table is the real one');
    assert.deepEqual(names.filter((name) => !new RegExp(`^\\| \`${name}\``, 'm').test(config)), [], 'options without a table row in docs/config.md');
    assert.deepEqual(names.filter((name) => !new RegExp(`\`--${name}[\` ]`).test(serve)), [], 'options not documented in docs/commands/serve.md');
  });

  it('is what portcullis serve reads, and a bad file stops it with exit code 2', async () => {
    const good = join(work, 'serve.yaml');
    await writeFile(good, 'insecure-no-auth: true\nquiet: true\n');
    const serve = await startServe(join(work, 'data'), { args: ['--config', good] });
    try {
      assert.equal((await fetch(`${serve.url}/v2/`)).status, 200, 'insecure-no-auth from the file: no credentials needed');
    } finally {
      await serve.stop();
    }
    const result = await runCli(['serve', '--config', fixture('mistakes.yaml'), '--data', join(work, 'data')]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /portcullis serve: --config .*mistakes\.yaml: line 2: unknown key "listn"/);
  });
});
