import assert from 'node:assert/strict';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { PortcullisError } from '../../core/index.ts';
import { DEFAULT_MAX_DOCKERFILE_BYTES, readDockerfiles } from './read.ts';

function failsWith(code: PortcullisError['code'], pattern: RegExp) {
  return (error: unknown) => error instanceof PortcullisError && error.code === code && pattern.test(error.message);
}

describe('readDockerfiles', () => {
  let directory = '';
  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'portcullis-dockerfile-read-'));
  });
  after(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('reads files and stdin, keeping the names as given and dropping a byte-order mark', async () => {
    const path = join(directory, 'Dockerfile');
    await writeFile(path, '\ufeffFROM alpine:3.20\n');
    const inputs = await readDockerfiles([path, '-'], { stdin: Readable.from([Buffer.from('FROM a:1\n')]) });
    assert.deepEqual(inputs, [{ file: path, text: 'FROM alpine:3.20\n' }, { file: '-', text: 'FROM a:1\n' }]);
  });

  it('refuses a 50 MB file before reading it', async () => {
    const path = join(directory, 'huge');
    await writeFile(path, '');
    await truncate(path, 50 * 1024 ** 2);
    await assert.rejects(readDockerfiles([path]), failsWith('LIMIT', new RegExp(`larger than the ${DEFAULT_MAX_DOCKERFILE_BYTES}-byte limit`)));
  });

  it('stops reading stdin at the limit', async () => {
    let produced = 0;
    const endless = Readable.from((function* () {
      for (;;) {
        produced += 1;
        yield Buffer.alloc(64 * 1024, 0x41);
      }
    })());
    await assert.rejects(readDockerfiles(['-'], { stdin: endless, maxBytes: 1024 * 1024 }), failsWith('LIMIT', /^stdin: larger than/));
    assert.ok(produced < 40, `read ${produced} chunks of an endless stream`);
  });

  it('refuses binary content and invalid UTF-8', async () => {
    const binary = join(directory, 'binary');
    await writeFile(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00]));
    await assert.rejects(readDockerfiles([binary]), failsWith('INPUT', /binary content/));
    const latin1 = join(directory, 'latin1');
    await writeFile(latin1, Buffer.from('FROM alpine\nLABEL author="J\xfcrgen"\n', 'latin1'));
    await assert.rejects(readDockerfiles([latin1]), failsWith('INPUT', /not valid UTF-8/));
    const truncated = join(directory, 'truncated');
    await writeFile(truncated, Buffer.concat([Buffer.from('FROM a:1\nLABEL x="'), Buffer.from('€').subarray(0, 2)]));
    await assert.rejects(readDockerfiles([truncated]), failsWith('INPUT', /not valid UTF-8/));
  });

  it('names a missing file, a directory and stdin named twice', async () => {
    await assert.rejects(readDockerfiles([join(directory, 'missing')]), failsWith('NOT_FOUND', /no such file/));
    await assert.rejects(readDockerfiles([directory]), failsWith('INPUT', /is a directory/));
    await assert.rejects(readDockerfiles(['-', '-']), failsWith('USAGE', /only once/));
  });
});
