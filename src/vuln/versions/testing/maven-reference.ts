/**
 * Maven's ComparableVersion as a batch reference: compiles testing/MavenCompare.java against
 * Debian's maven-artifact jar (cached under ~/.cache/portcullis-test/) and runs it once per batch.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBatch } from './reference.ts';

const MAVEN_LIB = '/usr/share/maven/lib';
const SOURCE = fileURLToPath(new URL('./MavenCompare.java', import.meta.url));
const BUILD_DIR = join(homedir(), '.cache', 'portcullis-test', 'maven-compare');

function mavenArtifactJar(): string {
  const jar = existsSync(MAVEN_LIB) ? readdirSync(MAVEN_LIB).find((name) => /^maven-artifact-.*\.jar$/.test(name)) : undefined;
  if (jar === undefined) {
    throw new Error(`reference implementation missing: no ${MAVEN_LIB}/maven-artifact-*.jar; install the Debian package libmaven3-core-java (run scripts/test-setup.sh as root)`);
  }
  return join(MAVEN_LIB, jar);
}

/** The sign of ComparableVersion(a).compareTo(ComparableVersion(b)) for every pair. */
export function mavenCompareBatch(pairs: ReadonlyArray<readonly [string, string]>): number[] {
  const jar = mavenArtifactJar();
  if (!existsSync(join(BUILD_DIR, 'MavenCompare.class'))) {
    mkdirSync(BUILD_DIR, { recursive: true });
    const javac = spawnSync('javac', ['-cp', jar, '-d', BUILD_DIR, SOURCE], { encoding: 'utf8' });
    if (javac.error !== undefined || javac.status !== 0) {
      throw new Error(`cannot compile the Maven reference (is the Debian package default-jdk-headless installed?): ${javac.error?.message ?? javac.stderr}`);
    }
  }
  const input = pairs.map(([a, b]) => `${a}\n${b}\n`).join('');
  const lines = runBatch('java', ['-cp', `${jar}:${BUILD_DIR}`, '-Dfile.encoding=UTF-8', 'MavenCompare'], input);
  if (lines.length !== pairs.length) throw new Error(`Maven reference answered ${lines.length} of ${pairs.length} pairs`);
  return lines.map(Number);
}
