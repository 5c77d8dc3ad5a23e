/**
 * Test helper: a real rpm SQLite database built with Debian's rpm tools from the spec in
 * testdata/hello-rpm/ (rpmbuild, then `rpm --initdb` and `rpm -i --justdb`). Cached under
 * ~/.cache/portcullis-test/ by the hash of the spec and sources; each build happens in a temporary
 * directory renamed into place when complete, so concurrent test processes never see half a build.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SPEC_DIR = join(import.meta.dirname, 'testdata', 'hello-rpm');
const SPEC = 'portcullis-hello.spec';

export interface RpmdbFixture {
  /** The rpm database directory (contains rpmdb.sqlite). */
  dbPath: string;
  /** `rpm -qa --dbpath` with `queryFormat`, one line per package, as rpm itself prints it. */
  query(queryFormat: string): Promise<string[]>;
}

export async function helloRpmdb(): Promise<RpmdbFixture> {
  await requireTools();
  const hash = createHash('sha256');
  for (const name of (await readdir(SPEC_DIR)).sort()) hash.update(name).update(await readFile(join(SPEC_DIR, name)));
  const root = join(homedir(), '.cache', 'portcullis-test', `rpmdb-hello-${hash.digest('hex').slice(0, 16)}`);
  if (!existsSync(root)) await build(root);
  const dbPath = join(root, 'db');
  return {
    dbPath,
    async query(queryFormat) {
      const { stdout } = await run('rpm', ['-qa', ...rpmDbArgs(dbPath), '--qf', `${queryFormat}\n`]);
      return stdout.split('\n').filter((line) => line !== '');
    },
  };
}

function rpmDbArgs(dbPath: string): string[] {
  return ['--dbpath', dbPath, '--define', '_db_backend sqlite'];
}

async function build(root: string): Promise<void> {
  await mkdir(join(root, '..'), { recursive: true });
  const tmp = await mkdtemp(`${root}.tmp-`);
  try {
    const top = join(tmp, 'rpmbuild');
    for (const sub of ['SPECS', 'SOURCES', 'BUILD', 'RPMS', 'SRPMS']) await mkdir(join(top, sub), { recursive: true });
    await run('rpmbuild', ['--define', `_topdir ${top}`, '--define', `_sourcedir ${SPEC_DIR}`, '-bb', join(SPEC_DIR, SPEC)]);
    const rpms = (await readdir(join(top, 'RPMS', 'noarch'))).map((name) => join(top, 'RPMS', 'noarch', name));
    const dbPath = join(tmp, 'db');
    await mkdir(dbPath);
    await run('rpm', [...rpmDbArgs(dbPath), '--initdb']);
    await run('rpm', ['-i', '--justdb', '--nodeps', '--noscripts', ...rpmDbArgs(dbPath), ...rpms]);
    await rm(top, { recursive: true, force: true });
    await rename(tmp, root).catch((error: NodeJS.ErrnoException) => {
      // Another process finished the same build first: theirs is as good as ours.
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function requireTools(): Promise<void> {
  for (const tool of ['rpm', 'rpmbuild']) {
    try {
      await run(tool, ['--version']);
    } catch {
      throw new Error(`${tool} is not installed: install the Debian package "rpm" (scripts/test-setup.sh does)`);
    }
  }
}
