import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { ExtractedPackage } from '../../../inventory/index.ts';
import { runExtractor } from '../../testing.ts';
import { BuildInfoScanner, scanForBuildInfo, type ScanOutcome } from './buildinfo-scan.ts';
import { BUILDINFO_MAGIC } from './buildinfo.ts';
import { goBinaryExtractor, stdlibVersion } from './index.ts';
import { buildTestBinary, goVersionM } from './test-binaries.ts';

const LDFLAGS = '-X main.version=1.0';

function byName(packages: readonly ExtractedPackage[], name: string): ExtractedPackage {
  const found = packages.find((pkg) => pkg.name === name);
  assert.ok(found, `package ${name} expected in ${JSON.stringify(packages.map((pkg) => pkg.name))}`);
  return found;
}

async function* once(bytes: Buffer): AsyncIterable<Buffer> {
  yield bytes;
}

async function extractBinary(binary: string) {
  return runExtractor(goBinaryExtractor, 'usr/local/bin/app', readFileSync(binary), undefined, 0o755);
}

/** The packages `go version -m` describes, in the extractor's terms (local replacements keep the original). */
function expectedFromGoTool(binary: string) {
  const { goVersion, lines } = goVersionM(binary);
  const modules: Array<{ name: string; version: string; replacement?: string }> = [];
  let main: { name: string; version: string } | undefined;
  const build: Record<string, string> = {};
  for (const [keyword, ...fields] of lines) {
    if (keyword === 'mod') main = { name: fields[0]!, version: fields[1]! };
    if (keyword === 'dep') modules.push({ name: fields[0]!, version: fields[1]! });
    if (keyword === '=>') modules.at(-1)!.replacement = fields[0]!;
    if (keyword === 'build') {
      const [key, value] = [fields[0]!.slice(0, fields[0]!.indexOf('=')), fields[0]!.slice(fields[0]!.indexOf('=') + 1)];
      build[key] = value.startsWith('"') ? (JSON.parse(value) as string) : value;
    }
  }
  return { goVersion, main, modules, build };
}

describe('lang/go-binary on binaries built by the Go toolchain', () => {
  const builds: Array<[string, string[], Record<string, string>]> = [
    ['plain', [`-ldflags=${LDFLAGS}`], {}],
    ['stripped', ['-ldflags=-s -w'], {}],
    ['32-bit ELF', [], { GOARCH: 'arm', CGO_ENABLED: '0' }],
    ['big-endian ELF', [], { GOARCH: 's390x', CGO_ENABLED: '0' }],
  ];
  for (const [label, flags, env] of builds) {
    it(`reports what go version -m reports (${label})`, async () => {
      const binary = buildTestBinary(flags, env);
      const expected = expectedFromGoTool(binary);
      const { result, warnings } = await extractBinary(binary);
      assert.deepEqual(warnings, []);

      const root = byName(result.packages, 'example.com/app');
      assert.equal(root.type, 'golang');
      assert.equal(root.isRoot, true);
      assert.deepEqual({ name: root.name, version: root.version }, expected.main);
      assert.equal(root.metadata?.goVersion, expected.goVersion);
      assert.equal(root.metadata?.mainPackage, 'example.com/app/cmd/app');
      for (const [key, value] of Object.entries(expected.build)) assert.equal(root.metadata?.[`build.${key}`], value, key);

      assert.equal(expected.modules.length, 2);
      for (const module of expected.modules) {
        const dep = byName(result.packages, module.name);
        assert.equal(dep.version, module.version);
        assert.equal(dep.metadata?.replacement, module.replacement);
        assert.deepEqual(dep.locations, ['usr/local/bin/app']);
      }

      const stdlib = byName(result.packages, 'stdlib');
      assert.equal(stdlib.version, stdlibVersion(expected.goVersion));
      assert.equal(result.packages.length, 1 + expected.modules.length + 1);
    });
  }

  it('keeps the quoted -ldflags value as given', async () => {
    const { result } = await extractBinary(buildTestBinary([`-ldflags=${LDFLAGS}`]));
    assert.equal(byName(result.packages, 'example.com/app').metadata?.['build.-ldflags'], LDFLAGS);
  });

  it('finds the magic when tiny chunks split it', async () => {
    const bytes = readFileSync(buildTestBinary([`-ldflags=${LDFLAGS}`]));
    const whole = await scanForBuildInfo(once(bytes));
    assert.equal(whole.kind, 'found');
    const offset = (whole as Extract<ScanOutcome, { kind: 'found' }>).offset;
    for (const size of [1, 7, 13, 14, 15, 4093]) {
      const scanner = new BuildInfoScanner();
      let outcome: ScanOutcome | undefined;
      // Chunk boundaries that fall inside the magic, for every size.
      for (let at = 0; at < bytes.length && outcome === undefined; at += size) outcome = scanner.push(bytes.subarray(at, at + size));
      assert.deepEqual(outcome ?? scanner.finish(), whole, `chunk size ${size}`);
    }
    assert.equal(offset % 16, 0);
  });
});

describe('lang/go-binary fileRequired', () => {
  const big = 2 * 1024 * 1024;
  it('wants large executables only', () => {
    assert.equal(goBinaryExtractor.fileRequired({ path: 'usr/bin/kubectl', size: big, mode: 0o755 }), true);
    assert.equal(goBinaryExtractor.fileRequired({ path: 'usr/bin/kubectl', size: big, mode: 0o644 }), false);
    assert.equal(goBinaryExtractor.fileRequired({ path: 'usr/bin/tiny', size: 1000, mode: 0o755 }), false);
  });
  it('skips scripts and shared libraries', () => {
    for (const path of ['opt/run.sh', 'usr/bin/tool.py', 'usr/lib/libc.so.6', 'usr/lib/libfoo.so', 'usr/lib/libssl.so.3.0.1']) {
      assert.equal(goBinaryExtractor.fileRequired({ path, size: big, mode: 0o755 }), false, path);
    }
  });
});

/** An ELF64 little-endian header with no program headers, followed by `body`. */
function elfWith(body: Buffer): Buffer {
  const header = Buffer.alloc(64);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(header);
  return Buffer.concat([header, body]);
}

/** A build info header (inline format) at a 16-byte aligned offset, then `payload`. */
function blob(payload: Buffer, flags = 2): Buffer {
  const header = Buffer.alloc(32);
  BUILDINFO_MAGIC.copy(header);
  header[14] = 8;
  header[15] = flags;
  return Buffer.concat([Buffer.alloc(64), header, payload]);
}

describe('lang/go-binary on hostile input', () => {
  it('reports nothing for an ELF header alone', async () => {
    const { result, warnings } = await runExtractor(goBinaryExtractor, 'bin/x', elfWith(Buffer.alloc(0)));
    assert.deepEqual(result.packages, []);
    assert.deepEqual(warnings, []);
  });

  it('survives absurd program header tables', async () => {
    for (const [entrySize, count] of [[56, 0xffff], [1, 100], [0xffff, 0xffff]]) {
      const header = elfWith(Buffer.alloc(0));
      header.writeBigUInt64LE(64n, 0x20);
      header.writeUInt16LE(entrySize!, 0x36);
      header.writeUInt16LE(count!, 0x38);
      const file = Buffer.concat([header, blob(Buffer.from([8, ...Buffer.from('go1.20.1'), 0]))]);
      const { result, warnings } = await runExtractor(goBinaryExtractor, 'bin/x', file);
      assert.deepEqual(warnings, []);
      assert.deepEqual(result.packages.map((pkg) => `${pkg.name}@${pkg.version}`), ['stdlib@v1.20.1']);
    }
  });

  it('stops at the first bytes of a shell script', async () => {
    let chunksRead = 0;
    async function* chunks() {
      for (let i = 0; i < 1000; i++) {
        chunksRead++;
        yield Buffer.from(i === 0 ? '#!/bin/sh\necho hello\n' : 'echo more\n'.repeat(100));
      }
    }
    assert.deepEqual(await scanForBuildInfo(chunks()), { kind: 'not-elf' });
    assert.equal(chunksRead, 1);
    const { result, warnings } = await runExtractor(goBinaryExtractor, 'bin/run', '#!/bin/sh\nexec app "$@"\n', undefined, 0o755);
    assert.deepEqual([result.packages, warnings], [[], []]);
  });

  it('warns when the magic sits at the very end of the file', async () => {
    const file = elfWith(Buffer.concat([Buffer.alloc(64), BUILDINFO_MAGIC]));
    const { result, warnings } = await runExtractor(goBinaryExtractor, 'bin/cut', file);
    assert.deepEqual(result.packages, []);
    assert.match(warnings.join('\n'), /bin\/cut: Go build info at offset 128 is cut short/);
  });

  it('rejects absurd varint lengths without allocating them', async () => {
    const tenBytes = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
    const huge = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]); // 4 GiB
    const tooLong = Buffer.alloc(11, 0x80);
    for (const [payload, reason] of [
      [tenBytes, /overflows/],
      [huge, /toolchain version declares 4294967295 bytes/],
      [Buffer.concat([Buffer.from([6]), Buffer.from('go1.21'), huge]), /module info declares 4294967295 bytes/],
      [tooLong, /longer than 10 bytes/],
    ] as const) {
      const { result, warnings } = await runExtractor(goBinaryExtractor, 'bin/evil', elfWith(blob(payload)));
      assert.deepEqual(result.packages, []);
      assert.match(warnings.join('\n'), reason);
    }
  });

  it('ignores an unaligned magic', async () => {
    const file = elfWith(Buffer.concat([Buffer.alloc(3), blob(Buffer.from([6, ...Buffer.from('go1.21'), 0]))]));
    const { result, warnings } = await runExtractor(goBinaryExtractor, 'bin/x', file);
    assert.deepEqual([result.packages, warnings], [[], []]);
  });

  it('warns about the pointer format in a file without program headers', async () => {
    const { result, warnings } = await runExtractor(goBinaryExtractor, 'bin/old', elfWith(blob(Buffer.alloc(16), 0)));
    assert.deepEqual(result.packages, []);
    assert.match(warnings.join('\n'), /bin\/old: Go build info at offset 128 not read: pointer format, but no program headers/);
  });

  it('keeps the stdlib when the module info lacks its sentinels, and warns on bad UTF-8', async () => {
    const version = Buffer.from('go1.20.\xff', 'latin1');
    const modinfo = Buffer.from('no sentinels here');
    const payload = Buffer.concat([Buffer.from([version.length]), version, Buffer.from([modinfo.length]), modinfo]);
    const { result, warnings } = await runExtractor(goBinaryExtractor, 'bin/odd', elfWith(blob(payload)));
    assert.deepEqual(result.packages, []);
    assert.match(warnings.join('\n'), /toolchain version is not valid UTF-8/);
    const good = Buffer.concat([Buffer.from([8]), Buffer.from('go1.20.4'), Buffer.from([modinfo.length]), modinfo]);
    const second = await runExtractor(goBinaryExtractor, 'bin/odd', elfWith(blob(good)));
    assert.deepEqual(second.result.packages.map((pkg) => [pkg.name, pkg.version]), [['stdlib', 'v1.20.4']]);
  });
});

describe('stdlibVersion', () => {
  it('maps toolchain versions to semver', () => {
    assert.equal(stdlibVersion('go1.21.3'), 'v1.21.3');
    assert.equal(stdlibVersion('go1.21'), 'v1.21.0');
    assert.equal(stdlibVersion('go1.21rc2'), 'v1.21.0-rc.2');
    assert.equal(stdlibVersion('go1.18beta1'), 'v1.18.0-beta.1');
    assert.equal(stdlibVersion('go1.20.10 X:strictfipsruntime'), 'v1.20.10');
    assert.equal(stdlibVersion('devel go1.22-abcdef Tue Jan 1'), undefined);
    assert.equal(stdlibVersion('gox'), undefined);
  });
});
