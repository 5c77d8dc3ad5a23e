/**
 * Maven's ComparableVersion as a batch reference: compiles testing/MavenCompare.java against
 * Debian's maven-artifact jar (cached under ~/.cache/portcullis-test/) and runs it once per batch.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireCommand, runBatch } from './reference.ts';

const MAVEN_LIB = '/usr/share/maven/lib';
const SOURCE = fileURLToPath(new URL('./MavenCompare.java', import.meta.url));

function mavenArtifactJar(): string {
  const jar = existsSync(MAVEN_LIB) ? readdirSync(MAVEN_LIB).find((name) => /^maven-artifact-.*\.jar$/.test(name)) : undefined;
  if (jar === undefined) {
    throw new Error(`reference implementation missing: no ${MAVEN_LIB}/maven-artifact-*.jar; install the Debian package libmaven3-core-java (run scripts/test-setup.sh as root)`);
  }
  return join(MAVEN_LIB, jar);
}

/** The sign of ComparableVersion(a).compareTo(ComparableVersion(b)) for every pair. */
export function mavenCompareBatch(pairs: ReadonlyArray<readonly [string, string]>): number[] {
  requireCommand('java', ['-version'], 'default-jre-headless');
  requireCommand('javac', ['-version'], 'default-jdk-headless');
  const jar = mavenArtifactJar();
  // One build per (program, jar): a changed program or Maven upgrade compiles afresh.
  const key = createHash('sha256').update(readFileSync(SOURCE)).update(jar).digest('hex').slice(0, 16);
  const buildDir = join(homedir(), '.cache', 'portcullis-test', 'maven-compare', key);
  if (!existsSync(join(buildDir, 'MavenCompare.class'))) {
    mkdirSync(buildDir, { recursive: true });
    const javac = spawnSync('javac', ['-cp', jar, '-d', buildDir, SOURCE], { encoding: 'utf8' });
    if (javac.error !== undefined || javac.status !== 0) {
      throw new Error(`cannot compile the Maven reference: ${javac.error?.message ?? javac.stderr}`);
    }
  }
  const input = pairs.map(([a, b]) => `${a}\n${b}\n`).join('');
  const lines = runBatch('java', ['-cp', `${jar}:${buildDir}`, '-Dfile.encoding=UTF-8', 'MavenCompare'], input);
  if (lines.length !== pairs.length) throw new Error(`Maven reference answered ${lines.length} of ${pairs.length} pairs`);
  return lines.map(Number);
}
