import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { ExtractedPackage } from '../../../inventory/index.ts';
import { runExtractor } from '../../testing.ts';
import { DEFAULT_ARCHIVE_LIMITS, inventoryArchive } from './archive.ts';
import { javaArchiveExtractor } from './index.ts';
import { MANY_NAMES, TOWER_HEIGHT, testArchive, type TestArchive } from './test-archives.ts';

const sha1 = (bytes: Buffer) => createHash('sha1').update(bytes).digest('hex');
const bytesOf = (name: TestArchive) => readFileSync(testArchive(name));

/** `namespace:name:version @ location (source)`, the facts each test checks. */
function summary(packages: readonly ExtractedPackage[]): string[] {
  return packages.map((pkg) => `${pkg.namespace ?? ''}:${pkg.name}:${pkg.version} @ ${pkg.locations.join(',')} (${pkg.metadata?.source})`);
}

async function extract(path: string, bytes: Buffer, maxFileBytes?: number) {
  return runExtractor(javaArchiveExtractor, path, bytes, maxFileBytes);
}

describe('lang/java-archive fileRequired', () => {
  it('wants Java archive names, in any case', () => {
    for (const path of ['app/lib/a.jar', 'srv/app.WAR', 'x.ear', 'p.par', 's.sar', 'jenkins/plugins/git.jpi', 'h.hpi', 'k.kar']) {
      assert.equal(javaArchiveExtractor.fileRequired({ path, size: 100, mode: 0o644 }), true, path);
    }
    for (const path of ['a.jar.sha1', 'a.zip', 'jar', 'lib/a.jarx', 'a.class']) {
      assert.equal(javaArchiveExtractor.fileRequired({ path, size: 100, mode: 0o644 }), false, path);
    }
  });
});

describe('lang/java-archive on archives built by jar and zip', () => {
  it('reads pom.properties, with the archive sha1', async () => {
    const bytes = bytesOf('demo-1.2.3.jar');
    const { result, warnings } = await extract('opt/app/demo-1.2.3.jar', bytes);
    assert.deepEqual(warnings, []);
    assert.deepEqual(summary(result.packages), ['org.example:demo:1.2.3 @ opt/app/demo-1.2.3.jar (pom.properties)']);
    assert.equal(result.packages[0]?.type, 'maven');
    assert.equal(result.packages[0]?.metadata?.sha1, sha1(bytes));
  });

  it('falls back to the manifest: Implementation-* and wrapped Bundle-* headers', async () => {
    const widget = await extract('lib/acme-widget.jar', bytesOf('acme-widget.jar'));
    assert.deepEqual(summary(widget.result.packages), ['com.acme:acme-widget:4.5.6 @ lib/acme-widget.jar (MANIFEST.MF)']);
    const bundle = await extract('lib/bundle.jar', bytesOf('bundle.jar'));
    assert.deepEqual(summary(bundle.result.packages), [
      ':org.acme.bundle.with.a.very.long.symbolic.name.that.wraps.past.seventy.two.bytes:7.8.9.v20240101 @ lib/bundle.jar (MANIFEST.MF)',
    ]);
  });

  it('falls back to the file name', async () => {
    const { result, warnings } = await extract('lib/commons-widget-2.4.1.jar', bytesOf('commons-widget-2.4.1.jar'));
    assert.deepEqual(warnings, []);
    assert.deepEqual(summary(result.packages), [':commons-widget:2.4.1 @ lib/commons-widget-2.4.1.jar (file-name)']);
  });

  it('reads ZIP64 records', async () => {
    const { result, warnings } = await extract('zip64.jar', bytesOf('zip64.jar'));
    assert.deepEqual(warnings, []);
    assert.deepEqual(summary(result.packages), ['org.example:demo:1.2.3 @ zip64.jar (pom.properties)']);
  });

  it('reports every pom.properties of a shaded jar', async () => {
    const { result } = await extract('shaded-2.0.0.jar', bytesOf('shaded-2.0.0.jar'));
    assert.deepEqual(summary(result.packages).sort(), [
      'com.google.guava:guava:31.1-jre @ shaded-2.0.0.jar (pom.properties)',
      'io.shade:outer:2.0.0 @ shaded-2.0.0.jar (pom.properties)',
    ]);
  });

  it('recurses into WEB-INF/lib of a war', async () => {
    const { result, warnings } = await extract('srv/app.war', bytesOf('app.war'));
    assert.deepEqual(warnings, []);
    assert.deepEqual(summary(result.packages).sort(), [
      'com.acme:acme-widget:4.5.6 @ srv/app.war!/WEB-INF/lib/acme-widget.jar (MANIFEST.MF)',
      'org.example:demo:1.2.3 @ srv/app.war!/WEB-INF/lib/demo-1.2.3.jar (pom.properties)',
    ]);
    const demo = result.packages.find((pkg) => pkg.name === 'demo');
    assert.equal(demo?.metadata?.sha1, sha1(bytesOf('demo-1.2.3.jar')));
  });

  it('recurses into the stored BOOT-INF/lib of a Spring Boot jar', async () => {
    const { result, warnings } = await extract('app.jar', bytesOf('boot.jar'));
    assert.deepEqual(warnings, []);
    assert.deepEqual(summary(result.packages), [
      'com.example:bootapp:0.0.1-SNAPSHOT @ app.jar (pom.properties)',
      'org.example:demo:1.2.3 @ app.jar!/BOOT-INF/lib/demo-1.2.3.jar (pom.properties)',
    ]);
  });

  it('reads a jar behind a prepended launch script (executable jar)', async () => {
    const bytes = Buffer.concat([Buffer.from('#!/bin/sh\nexec java -jar "$0" "$@"\n'), bytesOf('boot.jar')]);
    const { result, warnings } = await extract('app.jar', bytes);
    assert.deepEqual(warnings, []);
    assert.equal(result.packages.length, 2);
  });
});

/** Overwrites every occurrence of `from` with `to` (same length) in a copy of `bytes`. */
function patchAll(bytes: Buffer, from: string, to: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  const needle = Buffer.from(from);
  assert.equal(to.length, needle.length);
  let count = 0;
  for (let at = copy.indexOf(needle); at >= 0; at = copy.indexOf(needle, at + 1)) {
    to.copy(copy, at);
    count++;
  }
  assert.ok(count > 0, `${from} not found`);
  return copy;
}

describe('lang/java-archive on hostile archives', () => {
  it('skips a zip bomb entry and reports the rest', async () => {
    // A file limit above the entry's size, so the ratio check is what stops it.
    const { result, warnings } = await extract('bomb.jar', bytesOf('bomb.jar'), 64 * 1024 * 1024);
    assert.deepEqual(summary(result.packages), ['org.bomb:carrier:1.0 @ bomb.jar (pom.properties)']);
    assert.match(warnings.join('\n'), /bomb\.jar!\/lib\/zeros\.jar: .*compresses \d+ bytes to 20971520 \(over 200:1\), a zip bomb/);
  });

  it('stops inflating an entry that lies about its size', async () => {
    const bytes = bytesOf('demo-1.2.3.jar');
    // Declare the pom.properties shorter than it is, in the central directory: inflating must stop there.
    const copy = Buffer.from(bytes);
    const name = copy.lastIndexOf(Buffer.from('META-INF/maven/org.example/demo/pom.properties'));
    const entry = name - 46;
    assert.equal(copy.readUInt32LE(entry), 0x02014b50);
    copy.writeUInt32LE(10, entry + 24);
    const { result, warnings } = await extract('lib/demo-1.2.3.jar', copy);
    assert.match(warnings.join('\n'), /pom\.properties: entry .*: cannot be inflated \(corrupt, or larger than declared\)/);
    assert.deepEqual(summary(result.packages), [':demo:1.2.3 @ lib/demo-1.2.3.jar (file-name)']);
  });

  it('warns about a truncated archive and keeps the file-name identity', async () => {
    const bytes = bytesOf('demo-1.2.3.jar');
    const { result, warnings } = await extract('lib/demo-1.2.3.jar', bytes.subarray(0, bytes.length >> 1));
    assert.match(warnings.join('\n'), /lib\/demo-1\.2\.3\.jar: not a ZIP archive/);
    assert.deepEqual(summary(result.packages), [':demo:1.2.3 @ lib/demo-1.2.3.jar (file-name)']);
    const empty = await extract('x.jar', Buffer.alloc(0));
    assert.deepEqual(empty.result.packages, []);
    assert.match(empty.warnings.join('\n'), /not a ZIP archive/);
  });

  it('warns about a corrupted central directory', async () => {
    const bytes = bytesOf('demo-1.2.3.jar');
    const eocd = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    const directory = bytes.readUInt32LE(eocd + 16);
    const second = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), directory + 4);
    const copy = Buffer.from(bytes);
    copy.write('XXXX', second, 'latin1');
    const { warnings } = await extract('demo.jar', copy);
    assert.match(warnings.join('\n'), /central directory is corrupted at entry 1/);
  });

  it('refuses absurd entry counts', async () => {
    const bytes = bytesOf('demo-1.2.3.jar');
    const copy = Buffer.from(bytes);
    const eocd = copy.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    copy.writeUInt16LE(0xfffe, eocd + 8);
    copy.writeUInt16LE(0xfffe, eocd + 10);
    const { warnings } = await extract('demo.jar', copy);
    assert.match(warnings.join('\n'), /cannot hold the 65534 entries it declares/);

    const limited: string[] = [];
    inventoryArchive(bytes, 'demo.jar', { ...DEFAULT_ARCHIVE_LIMITS, maxEntries: 2, maxInflatedBytes: 1 << 20 }, (message) => limited.push(message));
    assert.match(limited.join('\n'), /entries, over the 2-entry limit/);
  });

  it(`stops ${DEFAULT_ARCHIVE_LIMITS.maxDepth} levels down a tower of nested jars`, async () => {
    const { result, warnings } = await extract('tower.jar', bytesOf(`level${TOWER_HEIGHT - 1}.jar`));
    const names = result.packages.map((pkg) => pkg.name);
    const expected = Array.from({ length: DEFAULT_ARCHIVE_LIMITS.maxDepth + 1 }, (_, depth) => `level${TOWER_HEIGHT - 1 - depth}`);
    assert.deepEqual(names, expected);
    assert.equal(result.packages.at(-1)?.locations[0], `tower.jar${expected.slice(1).map((name) => `!/lib/${name}.jar`).join('')}`);
    assert.match(warnings.join('\n'), /1 archive\(s\) nested deeper than 4 levels not read/);
  });

  it('skips entries whose names are not UTF-8 or play path tricks, and reads the rest', async () => {
    const war = bytesOf('app.war');
    const badUtf8 = patchAll(war, 'WEB-INF/web.xml', Buffer.from('WEB-INF/w\xffb.xml', 'latin1'));
    const first = await extract('app.war', badUtf8);
    assert.match(first.warnings.join('\n'), /app\.war: entry \d+: name is not valid UTF-8; skipped/);
    assert.equal(first.result.packages.length, 2);

    const escaping = patchAll(war, 'WEB-INF/lib/demo-1.2.3.jar', Buffer.from('../../../../demo-1.2.3.jar'));
    const second = await extract('app.war', escaping);
    assert.match(second.warnings.join('\n'), /unsafe path; skipped/);
    assert.deepEqual(second.result.packages.map((pkg) => pkg.name), ['acme-widget']);
  });

  it('caps the warnings of one archive', async () => {
    const bytes = patchAll(bytesOf('many-names.jar'), 'x/a', Buffer.from('\xff/a', 'latin1'));
    const { warnings } = await extract('many.jar', bytes);
    assert.equal(warnings.length, 51);
    assert.match(warnings[0]!, /name is not valid UTF-8/);
    assert.equal(warnings[50], `many.jar: ${MANY_NAMES - 50} more problems not reported`);
  });

  it('warns about a CRC mismatch in a stored entry', async () => {
    const boot = bytesOf('boot.jar');
    const copy = patchAll(boot, 'artifactId=bootapp', Buffer.from('artifactId=bootapq'));
    const { result, warnings } = await extract('app.jar', copy);
    assert.match(warnings.join('\n'), /pom\.properties: entry .*: CRC-32 mismatch/);
    assert.ok(result.packages.some((pkg) => pkg.name === 'demo'));
  });

  it('identifies an archive over the size limit by its file name', async () => {
    const { result, warnings } = await extract('lib/demo-1.2.3.jar', bytesOf('demo-1.2.3.jar'), 100);
    assert.match(warnings.join('\n'), /exceeds the 100-byte file limit; identified by its file name only/);
    assert.deepEqual(summary(result.packages), [':demo:1.2.3 @ lib/demo-1.2.3.jar (file-name)']);
  });

  it('skips a pom.properties without a version', async () => {
    const shaded = bytesOf('shaded-2.0.0.jar');
    const copy = patchAll(shaded, 'version=2.0.0', Buffer.from('vers1on=2.0.0'));
    const { result, warnings } = await extract('shaded.jar', copy);
    assert.ok(warnings.length > 0);
    assert.deepEqual(result.packages.map((pkg) => pkg.name), ['guava']);
  });
});
