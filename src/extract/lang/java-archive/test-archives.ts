/**
 * Test support: builds the Java archives the tests read, with the JDK's `jar` tool and Info-ZIP's
 * `zip`, from the sources under testdata/, and caches them under
 * ~/.cache/portcullis-test/java-archive/<hash of the sources and this file>. Tests only.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';

const TESTDATA = join(import.meta.dirname, 'testdata');
const CACHE = join(homedir(), '.cache', 'portcullis-test', 'java-archive');

/** Levels of the nested-archive tower: level6.jar holds level5.jar ... holds level0.jar. */
export const TOWER_HEIGHT = 7;
/** Entries of many-names.jar, all named `x/a<N>.txt`. */
export const MANY_NAMES = 80;
/** Size of the all-zero entry in bomb.jar: it deflates about a thousand to one. */
export const BOMB_ENTRY_BYTES = 20 * 1024 * 1024;

const ARCHIVES = [
  'demo-1.2.3.jar',
  'acme-widget.jar',
  'bundle.jar',
  'commons-widget-2.4.1.jar',
  'zip64.jar',
  'shaded-2.0.0.jar',
  'app.war',
  'boot.jar',
  'bomb.jar',
  'many-names.jar',
  `level${TOWER_HEIGHT - 1}.jar`,
] as const;
export type TestArchive = (typeof ARCHIVES)[number];

function run(tool: string, args: readonly string[], cwd: string): void {
  try {
    execFileSync(tool, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    const hint = tool === 'jar' ? 'the JDK (Debian package default-jdk-headless)' : 'Info-ZIP (Debian package zip)';
    throw new Error(missing ? `\`${tool}\` is needed by these tests: install ${hint} or run scripts/test-setup.sh` : `${tool} ${args.join(' ')} failed`, {
      cause: error,
    });
  }
}

function write(path: string, content: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

function buildAll(out: string, work: string): void {
  const stage = (name: string) => {
    const dir = join(work, name);
    if (existsSync(join(TESTDATA, name))) cpSync(join(TESTDATA, name), dir, { recursive: true });
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  const jar = (file: string, source: string, manifest: string) =>
    run('jar', ['--create', '--file', join(out, file), '--manifest', join(TESTDATA, manifest), '-C', stage(source), '.'], work);

  jar('demo-1.2.3.jar', 'simple', 'simple.MF');
  jar('acme-widget.jar', 'manifest-only', 'manifest-only.MF');
  jar('bundle.jar', 'osgi', 'osgi.MF');
  run('zip', ['-q', '-r', '-X', join(out, 'commons-widget-2.4.1.jar'), '.'], stage('name-only'));
  run('zip', ['-q', '-r', '-X', join(out, 'shaded-2.0.0.jar'), '.'], stage('shaded'));
  // -fz: ZIP64 records and extra fields even for a small archive.
  run('zip', ['-q', '-r', '-X', '-fz', join(out, 'zip64.jar'), '.'], stage('simple'));

  const webapp = stage('webapp');
  cpSync(join(out, 'demo-1.2.3.jar'), join(webapp, 'WEB-INF/lib/demo-1.2.3.jar'));
  cpSync(join(out, 'acme-widget.jar'), join(webapp, 'WEB-INF/lib/acme-widget.jar'));
  run('zip', ['-q', '-r', '-X', join(out, 'app.war'), '.'], webapp);

  // Spring Boot stores nested jars uncompressed, so the loader can map them in place.
  const boot = stage('boot');
  cpSync(join(out, 'demo-1.2.3.jar'), join(boot, 'BOOT-INF/lib/demo-1.2.3.jar'));
  write(join(boot, 'META-INF/MANIFEST.MF'), readFileSync(join(TESTDATA, 'boot.MF')));
  run('zip', ['-q', '-r', '-X', '-0', join(out, 'boot.jar'), 'BOOT-INF/lib'], boot);
  run('zip', ['-q', '-r', '-X', join(out, 'boot.jar'), 'META-INF', 'BOOT-INF/classes'], boot);

  const bomb = stage('bomb');
  write(join(bomb, 'META-INF/maven/org.bomb/carrier/pom.properties'), 'groupId=org.bomb\nartifactId=carrier\nversion=1.0\n');
  write(join(bomb, 'lib/zeros.jar'), Buffer.alloc(BOMB_ENTRY_BYTES));
  run('zip', ['-q', '-r', '-X', '-9', join(out, 'bomb.jar'), '.'], bomb);

  const many = stage('many-names');
  for (let index = 0; index < MANY_NAMES; index++) write(join(many, `x/a${index}.txt`), `${index}\n`);
  run('zip', ['-q', '-r', '-X', join(out, 'many-names.jar'), '.'], many);

  for (let level = 0; level < TOWER_HEIGHT; level++) {
    const dir = stage(`level${level}`);
    write(join(dir, `META-INF/maven/org.nest/level${level}/pom.properties`), `groupId=org.nest\nartifactId=level${level}\nversion=${level}.0\n`);
    if (level > 0) cpSync(join(out, `level${level - 1}.jar`), join(dir, `lib/level${level - 1}.jar`));
    run('zip', ['-q', '-r', '-X', join(out, `level${level}.jar`), '.'], dir);
  }
}

function sourcesHash(): string {
  const hash = createHash('sha256').update(readFileSync(import.meta.filename));
  const files = readdirSync(TESTDATA, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  for (const file of files.map((entry) => join(entry.parentPath, entry.name)).sort()) {
    hash.update(relative(TESTDATA, file)).update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

let built: string | undefined;

/** The path of a test archive, building the whole set on first use. */
export function testArchive(name: TestArchive): string {
  built ??= buildOnce();
  return join(built, name);
}

function buildOnce(): string {
  const dir = join(CACHE, sourcesHash());
  if (existsSync(dir)) return dir;
  mkdirSync(CACHE, { recursive: true });
  const work = mkdtempSync(join(CACHE, 'build-'));
  try {
    const out = join(work, 'out');
    mkdirSync(out);
    buildAll(out, work);
    try {
      renameSync(out, dir);
    } catch (error) {
      // Another test process finished the same build first: its result is identical.
      if (!existsSync(dir)) throw error;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return dir;
}

